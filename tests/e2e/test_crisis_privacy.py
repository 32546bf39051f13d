"""Never expose a member: no public trace of a detection, and a moderator queue only
moderators can read (refused at setup, checked in status, cards held while it is public)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import discord

from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.crisis_helpers import card_text, cards_about, configure_queue, settled
from tests.e2e.harness import Community, HearthRunner, answered, build_community, private_to
from tests.fakediscord import FakeDiscord

HIGH = "i am going to kill myself tonight"
POINTER = "`/helpline` privately shows"
PRIVACY_DM = "can be read by"


def public_bot_posts(fake: FakeDiscord, community: Community) -> list[dict]:
    """Everything Hearth posted where members can read it: every guild channel but the queue."""
    guild = fake.guild(community.guild_id)
    return [
        message
        for channel in guild.channels
        if channel.id != community.mod_queue
        for message in fake.channel_messages(channel.id)
        if message["author"]["id"] == str(fake.bot_user_id)
    ]


def public_post_requests(fake: FakeDiscord, community: Community) -> list:
    public = {c.id for c in fake.guild(community.guild_id).channels} - {community.mod_queue}
    return [
        r
        for r in fake.requests
        if r.method == "POST"
        and r.path.startswith("/channels/")
        and int(r.path.split("/")[2]) in public
    ]


def assert_no_public_trace(fake: FakeDiscord, community: Community) -> None:
    user = fake.user(community.member)
    names = {str(community.member), user.username} | ({user.global_name} - {None})
    for message in public_bot_posts(fake, community):
        shown = str(message.get("content")) + str(message.get("embeds"))
        assert not any(name in shown for name in names), shown
        assert "message_reference" not in message and message["type"] == 0, "never a reply"
        assert message["mentions"] == [] and message["mention_roles"] == []
    for request in public_post_requests(fake, community):
        assert request.json["allowed_mentions"] == {"parse": []}, request.json
        assert "message_reference" not in request.json


def privacy_dms(fake: FakeDiscord, community: Community) -> list[dict]:
    owner = fake.guild(community.guild_id).owner_id
    return [m for m in fake.dm_messages(owner) if PRIVACY_DM in m["content"]]


async def test_closed_dms_leave_no_public_trace_and_moderators_are_asked_to_reach_out(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    bot = await runner.start()
    await configure_queue(fake, community)
    general = fake.guild(community.guild_id).add_text_channel("general")
    fake.close_dms(community.member)
    await fake.send_message(general, community.member, HIGH)
    await settled(fake, community)
    [card] = cards_about(fake, community, community.member)
    assert "Private message not delivered" in card_text(card)
    assert "reach out to them another way" in card_text(card)
    [pointer] = public_bot_posts(fake, community)
    assert POINTER in pointer["content"] and pointer["channel_id"] == str(general)
    assert_no_public_trace(fake, community)

    # At most one general pointer a day in a channel, across a restart too.
    clock.advance(timedelta(hours=7))  # past the 6-hour reply window: the DM is tried again
    await fake.send_message(general, community.member, "i took all my pills")
    await settled(fake, community)
    await runner.restart(bot)
    clock.advance(timedelta(hours=7))
    await fake.send_message(general, community.member, HIGH)
    await settled(fake, community)
    assert len(public_bot_posts(fake, community)) == 1
    clock.advance(timedelta(hours=11))  # a day after the first pointer
    await fake.send_message(general, community.member, HIGH)
    await settled(fake, community)
    assert len(public_bot_posts(fake, community)) == 2
    assert_no_public_trace(fake, community)


async def test_setup_refuses_a_queue_members_can_read(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
) -> None:
    await runner.start()
    guild = fake.guild(community.guild_id)
    general = guild.add_text_channel("general")
    ix = await fake.slash(
        community.guild_id,
        community.admin,
        "hearth setup",
        options={"mod_queue_channel": general, "timezone": "Europe/London"},
    )
    await answered(ix)
    assert ix.ephemeral and "isn't private" in ix.text
    assert "**@everyone**" in ix.text and "View Channel" in ix.text
    assert "Nothing was saved" in ix.text
    # A role that isn't a moderators' role makes a channel public too.
    members = guild.add_role("Members", permissions=0)
    view = str(discord.Permissions(view_channel=True).value)
    lounge = guild.add_text_channel(
        "lounge",
        overwrites=[
            *private_to(guild, community.moderator_role),
            {"id": str(members), "type": 0, "allow": view, "deny": "0"},
        ],
    )
    again = await fake.slash(
        community.guild_id, community.admin, "hearth setup", options={"mod_queue_channel": lounge}
    )
    await answered(again)
    assert "**@Members**" in again.text and "**@everyone**" not in again.text
    with stored.connect(database) as conn:
        saved = conn.execute("SELECT timezone, mod_queue_channel_id FROM guild_config").fetchall()
    assert saved == [], "nothing was saved"

    await configure_queue(fake, community)  # the private queue is accepted
    status = await fake.slash(community.guild_id, community.admin, "hearth status")
    await answered(status)
    assert "only moderators can read it" in status.text


async def test_a_queue_that_becomes_public_holds_cards_and_tells_the_owner_once(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
) -> None:
    bot = await runner.start()
    await configure_queue(fake, community)
    guild = fake.guild(community.guild_id)
    general = guild.add_text_channel("general")

    since = len(fake.requests)
    guild.set_overwrites(community.mod_queue, [])  # someone opened it to everyone
    await fake.wait_for_request(
        "POST",
        r"/channels/\d+/messages",
        predicate=lambda r: PRIVACY_DM in str(r.json),
        since=since,
    )
    for _ in range(2):
        await fake.send_message(general, community.member, HIGH)
        await settled(fake, community)
    assert cards_about(fake, community, community.member) == []
    assert len(privacy_dms(fake, community)) == 1, "the owner is told once"
    assert f"<#{community.mod_queue}>" in privacy_dms(fake, community)[0]["content"]
    status = await fake.slash(community.guild_id, community.admin, "hearth status")
    await answered(status)
    assert "not private" in status.text

    # Private again: what was kept reaches the queue, once.
    since = len(fake.requests)
    guild.set_overwrites(community.mod_queue, private_to(guild, community.moderator_role))
    await fake.wait_for_request("POST", rf"/channels/{community.mod_queue}/messages", since=since)
    await bot.background.wait_idle()
    [card] = cards_about(fake, community, community.member)
    assert "Kept while the queue channel was unreachable" in card_text(card)
    assert "Messages noticed: 2" in card_text(card)
    status = await fake.slash(community.guild_id, community.admin, "hearth status")
    await answered(status)
    assert "not private" not in status.text


async def test_one_servers_public_queue_never_holds_back_another_servers_cards(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
) -> None:
    other = build_community(fake)
    bot = await runner.start()
    for server in (community, other):
        await configure_queue(fake, server)
        fake.guild(server.guild_id).set_overwrites(server.mod_queue, [])
    for server in (community, other):
        general = fake.guild(server.guild_id).add_text_channel("general")
        await fake.send_message(general, server.member, HIGH)
        await settled(fake, server)
        assert cards_about(fake, server, server.member) == []
    await runner.stop(bot)

    second = fake.guild(other.guild_id)
    second.set_overwrites(other.mod_queue, private_to(second, other.moderator_role))
    bot = await runner.start()
    await bot.flag_service.catch_up()
    assert len(cards_about(fake, other, other.member)) == 1
    assert cards_about(fake, community, community.member) == [], "still public: still held"
