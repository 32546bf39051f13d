"""Helpers for crisis and moderator-queue tests: barriers, cards, edits, the queue's privacy.

Hearth handles each member's messages one at a time, in the order Discord delivered them, and
every message takes its member's turn as soon as it arrives (bot/services/crisis_responder.py).
So once a clear crisis message from a fresh member has been answered privately, every message
sent before it has taken its turn; waiting until no turn is held then means all of them have
been fully handled: that is the barrier tests use instead of sleeping.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from tests.e2e import stored
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, running_bots
from tests.fakediscord import FakeDiscord

BARRIER_TEXT = "i took all my pills"  # high, and clear to any version of the detector
_barrier_names = itertools.count(1)


async def configure_queue(fake: FakeDiscord, community: Community, **extra: Any) -> None:
    await setup_guild(
        fake,
        community,
        mod_queue_channel=community.mod_queue,
        moderator_role=community.moderator_role,
        helpline_country="US",
        **extra,
    )


async def settled(fake: FakeDiscord, community: Community) -> int:
    """Wait until Hearth has fully handled every message sent so far in the community's
    server (detection must be on there). Returns the barrier member's id."""
    guild = fake.guild(community.guild_id)
    channel = community.extra_channels.get("barrier")
    if channel is None:
        channel = community.extra_channels["barrier"] = guild.add_text_channel("barrier")
    user = fake.add_user(f"barrier{next(_barrier_names)}")
    guild.add_member(user)
    since = len(fake.requests)
    await fake.send_message(channel, user, BARRIER_TEXT)

    def private_reply(record: Any) -> bool:
        response = record.response or {}
        return response.get("channel_id") == str(fake.dm_channel_id(user)) and (
            "automated message" in response.get("content", "")
        )

    await fake.wait_for_request(
        "POST", r"/channels/\d+/messages", predicate=private_reply, since=since
    )
    # Each member's messages are handled in their own turn: by the time the barrier's came up,
    # every earlier message had taken its turn, so waiting for all turns covers them.
    for bot in running_bots():
        await bot.crisis_responder.wait_idle()
    return user


def cards_about(fake: FakeDiscord, community: Community, user: int) -> list[dict]:
    return [
        m
        for m in fake.channel_messages(community.mod_queue)
        if m.get("embeds")
        and m["embeds"][0].get("title", "").startswith("Flag #")
        and f"<@{user}>" in m["embeds"][0].get("description", "")
    ]


def card_text(card: dict) -> str:
    embed = card["embeds"][0]
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


def queue_posts(fake: FakeDiscord, community: Community, text: str) -> list[dict]:
    return [m for m in fake.channel_messages(community.mod_queue) if text in m.get("content", "")]


def flag_rows(database: Path | str, user: int) -> list[dict]:
    with stored.connect(database) as conn:
        rows = conn.execute("SELECT * FROM flags WHERE user_id = ? ORDER BY id", (user,))
        return [dict(row) for row in rows]


def buttons(card: dict) -> dict[str, str]:
    return {b["label"]: b["custom_id"] for b in card["components"][0]["components"]}


async def edit_as_author(fake: FakeDiscord, message_id: int, content: str) -> dict:
    """The author edits their message: Discord sends MESSAGE_UPDATE with a new edited_timestamp."""
    return fake.state.messages.edit(message_id, {"content": content})


def deliver_update_again(fake: FakeDiscord, message_id: int) -> None:
    """Discord sends the same MESSAGE_UPDATE again (an embed unfurled, a resumed session)."""
    messages = fake.state.messages
    fake.state.sink.dispatch("MESSAGE_UPDATE", messages.gateway_form(messages.require(message_id)))
