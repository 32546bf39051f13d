"""Crisis language: a private, safe reply with the right lines, a flag card, and restraint."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from tests.clocks import ManualClock
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.crisis_helpers import cards_about, settled
from tests.e2e.harness import Community, HearthRunner, answered
from tests.fakediscord import FakeDiscord

CRISIS = "i want to kill myself tonight"
EVERYDAY = "cravings are killing me today but I'm killing it at 90 days"


def cards(fake: FakeDiscord, community: Community) -> list[dict]:
    """Cards about the member (barrier members get cards of their own)."""
    return cards_about(fake, community, community.member)


def dms(fake: FakeDiscord, community: Community) -> list[dict]:
    return fake.dm_messages(community.member)


async def configure(fake: FakeDiscord, community: Community, country: str = "US") -> None:
    await setup_guild(
        fake, community, mod_queue_channel=community.mod_queue, helpline_country=country
    )


async def test_crisis_message_gets_a_private_reply_and_a_flag_card(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await runner.start()
    await configure(fake, community)
    general = fake.guild(community.guild_id).add_text_channel("general")
    with caplog.at_level(logging.INFO, logger="hearth"):
        sent = await fake.send_message(general, community.member, CRISIS)
        await fake.wait_for_request("POST", rf"/channels/{community.mod_queue}/messages")
        await fake.wait_for_request(
            "POST",
            r"/channels/\d+/messages",
            predicate=lambda r: "automated message" in str(r.json),
        )
    [dm] = fake.dm_messages(community.member)
    text = dm["content"]
    assert "automated message from Hearth" in text
    assert "988" in text and "741741" in text
    assert "immediate danger" in text and "911" in text
    assert "moderators of **Recovery Circle** have been told" in text
    assert "/profile crisis-replies off" in text
    assert len(text) <= 2000
    assert text.endswith("`/helpline` shows all the lines any time."), "the opt-out is never cut"
    assert CRISIS not in text
    [card] = cards(fake, community)
    embed = str(card["embeds"][0])
    assert "suicidal thoughts" in embed
    assert f"<@{community.member}>" in embed
    assert f"/{general}/{sent['id']}" in embed  # jump link
    assert f"||{CRISIS}||" in embed  # hidden behind a spoiler for moderators
    # Never deleted, never quoted publicly, never logged.
    assert not any(r.method == "DELETE" for r in fake.requests)
    bot_posts = [m for m in fake.channel_messages(general) if m["author"].get("bot")]
    assert all(CRISIS not in m.get("content", "") for m in bot_posts)
    assert CRISIS not in caplog.text
    assert "crisis language noticed" in caplog.text


async def test_one_reply_per_six_hours_but_every_detection_reaches_moderators(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    await runner.start()
    await configure(fake, community)
    general = fake.guild(community.guild_id).add_text_channel("general")
    # Medium: no time, plan or means (CRISIS says "tonight", which makes it high).
    for _ in range(2):
        await fake.send_message(general, community.member, "i want to kill myself")
    await settled(fake, community)
    assert len(dms(fake, community)) == 1
    # Both reach moderators, on one card that counts them rather than a pile of cards.
    [card] = cards(fake, community)
    assert "Messages noticed" in str(card["embeds"]) and "2 (the first" in str(card["embeds"])
    clock.advance(timedelta(hours=6, minutes=1))
    await fake.send_message(general, community.member, "i took all my pills")
    await settled(fake, community)
    assert len(dms(fake, community)) == 2
    [card] = cards(fake, community)
    assert "overdose" in str(card["embeds"]), "a more severe detection raises the flag"


async def test_opt_out_quiet_channel_everyday_talk_and_no_queue(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
) -> None:
    await runner.start()
    general = fake.guild(community.guild_id).add_text_channel("general")
    # No moderator queue yet. Nothing else is in flight, so Hearth reads its setup for this
    # message before the setup command sent after it; the barrier proves it was handled.
    await fake.send_message(general, community.member, CRISIS)
    await configure(fake, community)
    await settled(fake, community)
    assert dms(fake, community) == []
    assert cards(fake, community) == []

    await fake.send_message(general, community.member, EVERYDAY)
    await settled(fake, community)
    assert cards(fake, community) == []

    ix = await fake.slash(
        community.guild_id, community.member, "profile crisis-replies", options={"enabled": False}
    )
    await answered(ix)
    await fake.send_message(general, community.member, CRISIS)
    await settled(fake, community)
    assert dms(fake, community) == []
    assert len(cards(fake, community)) == 1, "moderators are still told"

    off = await fake.slash(
        community.guild_id,
        community.admin,
        "crisis channel",
        options={"channel": general, "watch": False},
    )
    await answered(off)
    await fake.send_message(general, community.admin, CRISIS)
    await settled(fake, community)
    assert cards_about(fake, community, community.admin) == []


@pytest.mark.parametrize(
    ("country", "expected"),
    [("US", "988"), ("GB", "116 123"), ("AU", "13 11 14"), ("CA", "9-8-8")],
)
async def test_helpline_for_several_countries(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    country: str,
    expected: str,
) -> None:
    await runner.start()
    ix = await fake.slash(
        community.guild_id, community.member, "helpline", options={"country": country}
    )
    await answered(ix)
    assert ix.ephemeral
    assert expected in ix.text
    assert "immediate danger" in ix.text


async def test_helpline_falls_back_and_follows_profile_then_server(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
) -> None:
    await runner.start()
    plain = await fake.slash(community.guild_id, community.member, "helpline")
    await answered(plain)
    assert "findahelpline.com" in plain.text
    await configure(fake, community, country="AU")
    server = await fake.slash(community.guild_id, community.member, "helpline")
    await answered(server)
    assert "13 11 14" in server.text
    mine = await fake.slash(
        community.guild_id, community.member, "profile country", options={"country": "ie"}
    )
    await answered(mine)
    own = await fake.slash(community.guild_id, community.member, "helpline")
    await answered(own)
    assert "116 123" in own.text
    local = await fake.slash(
        community.guild_id,
        community.admin,
        "crisis local-line",
        options={"name": "Springfield Recovery Line", "contact": "555 0199"},
    )
    await answered(local)
    with_local = await fake.slash(community.guild_id, community.member, "helpline")
    await answered(with_local)
    assert "Springfield Recovery Line" in with_local.text


async def test_guild_phrases_and_switching_detection_off(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
) -> None:
    await runner.start()
    await configure(fake, community)
    general = fake.guild(community.guild_id).add_text_channel("general")
    allow = await fake.slash(
        community.guild_id,
        community.admin,
        "crisis phrase add",
        options={"phrase": "kill myself laughing", "flag": False},
    )
    await answered(allow)
    extra = await fake.slash(
        community.guild_id,
        community.admin,
        "crisis phrase add",
        options={
            "phrase": "going to use tonight",
            "flag": True,
            "category": "OVERDOSE",
            "severity": 3,
        },
    )
    await answered(extra)
    await fake.send_message(general, community.member, "i could kill myself laughing at that")
    await settled(fake, community)
    assert cards(fake, community) == []
    since = len(fake.requests)
    await fake.send_message(general, community.member, "i'm going to use tonight, done trying")
    await fake.wait_for_request("POST", rf"/channels/{community.mod_queue}/messages", since=since)
    assert "overdose" in str(cards(fake, community)[0]["embeds"])

    await settled(fake, community)  # nothing in flight: the next message is handled at once
    off = await fake.slash(
        community.guild_id, community.admin, "crisis detection", options={"enabled": False}
    )
    await answered(off)
    assert "off" in off.text
    # Sent while detection is off and handled before the command after it is read.
    await fake.send_message(general, community.admin, CRISIS)
    on = await fake.slash(
        community.guild_id, community.admin, "crisis detection", options={"enabled": True}
    )
    await answered(on)
    await settled(fake, community)
    assert cards_about(fake, community, community.admin) == []
    refused = await fake.slash(
        community.guild_id,
        community.member,
        "crisis detection",
        options={"enabled": True},
        ignore_command_permissions=True,
    )
    await answered(refused)
    assert "Manage Server" in refused.text
