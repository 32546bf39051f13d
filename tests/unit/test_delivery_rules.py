"""Nonces and fingerprints: the same delivery is recognised, a different one never is."""

from __future__ import annotations

import discord

from bot.delivery import FileData, Post
from bot.domain.delivery import (
    CLAIM_LEASE,
    CLAIM_RENEW_EVERY,
    NONCE_LENGTH,
    Fingerprint,
    Priority,
    fingerprint,
    longest_tries,
    message_fingerprint,
    nonce_for,
)


def test_a_nonce_is_the_same_for_every_try_and_fits_discords_limit() -> None:
    key = "meeting:12:1795550400:reminder:900"
    assert nonce_for(key) == nonce_for(key)
    assert len(nonce_for(key)) == NONCE_LENGTH
    assert nonce_for(key) != nonce_for("meeting:12:1795550400:reminder:86400")


def card_post(content: str = "📅 **Circle** starts <t:1:R>.") -> Post:
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Going (3)", custom_id="hearth:rsvp:12:1:y"))
    embed = discord.Embed(title="Circle", description="Open meeting", colour=0x3D405B)
    embed.add_field(name="When", value="<t:1:F>")
    embed.set_footer(text="Every Tuesday")
    return Post(
        key="k",
        priority=Priority.TIMED,
        guild_id=1,
        channel_id=2,
        content=content,
        embed=embed,
        view=view,
        files=(FileData("milestone.png", b"png"),),
    )


def as_discord_returns_it(post: Post, *, embeds: bool = True) -> dict:
    """The message object Discord stores for that request: colours, types and ids added,
    labels that moderators' clicks have since changed."""
    assert post.embed is not None and post.view is not None
    embed = {**post.embed.to_dict(), "type": "rich", "content_scan_version": 0}
    components = post.view.to_components()
    components[0]["components"][0]["label"] = "Going (7)"
    return {
        "id": "99",
        "content": post.content,
        "embeds": [embed] if embeds else [],
        "components": components,
        "attachments": [{"id": "5", "filename": "milestone.png", "size": 3}],
    }


def test_the_stored_message_matches_the_request_it_came_from() -> None:
    post = card_post()
    wanted = Fingerprint.decode(post.fingerprint().encode())
    assert wanted.matches(message_fingerprint(as_discord_returns_it(post)))


def test_dropped_embeds_still_match_but_other_text_or_buttons_do_not() -> None:
    post = card_post()
    wanted = post.fingerprint()
    # Without Embed Links, Discord keeps the message and silently drops its embeds.
    assert wanted.matches(message_fingerprint(as_discord_returns_it(post, embeds=False)))
    other_text = as_discord_returns_it(card_post("📅 **Other** starts <t:1:R>."))
    assert not wanted.matches(message_fingerprint(other_text))
    other_button = as_discord_returns_it(post)
    other_button["components"][0]["components"][0]["custom_id"] = "hearth:rsvp:13:1:y"
    assert not wanted.matches(message_fingerprint(other_button))
    no_file = {**as_discord_returns_it(post), "attachments": []}
    assert not wanted.matches(message_fingerprint(no_file))


def test_a_fingerprint_keeps_no_text() -> None:
    encoded = fingerprint("my private words", [{"description": "more words"}], [], []).encode()
    assert "private" not in encoded and "words" not in encoded
    assert len(encoded) < 120


def test_a_claims_lease_outlasts_the_slowest_delivery_and_is_renewed_well_before_it_ends() -> None:
    # Opening a DM channel and sending the message each retry their whole sequence at worst.
    assert longest_tries(Priority.BULK) == 2 + 4 + 8 + 16 + 5 * 20
    assert all(2 * longest_tries(p) < CLAIM_LEASE.total_seconds() for p in Priority)
    assert CLAIM_RENEW_EVERY * 4 <= CLAIM_LEASE
