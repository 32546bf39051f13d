"""Discord's passing faults are retried, never doubled; only lasting failures are reported, with
their true cause; bursts stay under Discord's rate limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord

from bot.domain.announcements import AnnouncementRepeat
from bot.storage.storage import open_storage
from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import checkin, setup_guild
from tests.e2e.crisis_helpers import card_text, cards_about, configure_queue, settled
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.process_helpers import query, until
from tests.e2e.timeline import jump
from tests.fakediscord import FakeDiscord

CRISIS = "i want to kill myself tonight"


def owner_notices(fake: FakeDiscord, community: Community) -> list[str]:
    owner = fake.guild(community.guild_id).owner_id
    return [m["content"] for m in fake.dm_messages(owner)]


async def test_a_503_on_the_card_and_a_lost_answer_on_the_dm_still_deliver_each_once(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    await runner.start()
    await configure_queue(fake, community)
    general = fake.guild(community.guild_id).add_text_channel("general")
    dm_channel = fake.state.open_dm(community.member).id
    card_fault = fake.faults.fail("POST", rf"/channels/{community.mod_queue}/messages", status=503)
    # The DM is carried out, but its answer never arrives: the retry carries the same nonce.
    dm_fault = fake.faults.timeout(
        "POST", rf"/channels/{dm_channel}/messages", hold=0.3, applied=True
    )
    await fake.send_message(general, community.member, CRISIS)
    await settled(fake, community)
    assert card_fault.served == 1 and dm_fault.served == 1

    [card] = cards_about(fake, community, community.member)
    assert CRISIS in card_text(card), "the retried card keeps everything it says"
    [dm] = fake.dm_messages(community.member)
    assert "automated message from Hearth" in dm["content"]
    assert "moderators of **Recovery Circle** have been told" in dm["content"]
    # The DM reached the member: no public pointer in the channel, no "reach out" on the card.
    assert [
        m for m in fake.channel_messages(general) if m["author"]["id"] != str(community.member)
    ] == []
    assert "couldn't reach" not in card_text(card).lower()
    assert owner_notices(fake, community) == [], "a passing 503 is not a broken queue"
    posts = [
        r
        for r in fake.requests
        if r.method == "POST" and r.path == f"/channels/{dm_channel}/messages"
    ]
    assert len(posts) == 2 and len({r.json["nonce"] for r in posts}) == 1
    assert all(r.json["enforce_nonce"] is True for r in posts)


async def test_a_queue_that_refuses_for_good_is_reported_with_its_true_cause(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    await runner.start()
    await configure_queue(fake, community)
    guild = fake.guild(community.guild_id)
    general = guild.add_text_channel("general")
    # Hearth may read the queue but no longer post there.
    overwrites = [o for o in fake.channel(community.mod_queue).overwrites]
    overwrites.append(
        {
            "id": str(guild.bot_role_id),
            "type": 0,
            "allow": str(discord.Permissions(view_channel=True).value),
            "deny": str(discord.Permissions(send_messages=True).value),
        }
    )
    guild.set_overwrites(community.mod_queue, overwrites)
    since = len(fake.requests)
    await fake.send_message(general, community.member, CRISIS)
    notice = await fake.wait_for_request(
        "POST",
        r"/channels/\d+/messages",
        predicate=lambda r: "couldn't post flags" in json.dumps(r.json),
        since=since,
    )
    assert "Hearth is missing permissions there" in notice.json["content"]
    assert "missing, or no permission" not in notice.json["content"]


async def test_a_queue_failing_in_passing_is_never_reported_as_missing(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    await runner.start()
    await configure_queue(fake, community)
    general = fake.guild(community.guild_id).add_text_channel("general")
    storm = fake.faults.fail(
        "POST", rf"/channels/{community.mod_queue}/messages", status=503, times=3
    )
    await fake.send_message(general, community.member, CRISIS)
    await settled(fake, community)
    assert storm.served == 3
    # Three 503s in a row: retried with backoff, then posted; nobody told the queue is broken.
    assert len(cards_about(fake, community, community.member)) == 1
    assert owner_notices(fake, community) == []
    with stored.connect(database) as conn:
        assert conn.execute("SELECT topic FROM guild_alerts").fetchall() == []


async def test_an_announcement_answered_503_is_retried_and_posted_once_unreported(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    clock.set(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    await runner.start()
    await setup_guild(
        fake,
        community,
        announcements_channel=community.announcements,
        mod_queue_channel=community.mod_queue,
        moderator_role=community.moderator_role,
    )
    ix = await fake.slash(
        community.guild_id,
        community.admin,
        "announce schedule",
        options={"message": "Speaker meeting tonight", "at": "2026-11-21 18:00"},
    )
    await answered(ix)
    fault = fake.faults.fail(
        "POST", rf"/channels/{community.announcements}/messages", status=503, times=2
    )
    jump(fake, clock, datetime(2026, 11, 21, 18, 0, tzinfo=UTC))
    await until(
        lambda: query(database, "SELECT status FROM announcement_deliveries") == [("sent",)],
        "the announcement to be posted and marked",
    )
    assert fault.served == 2
    posts = [m for m in fake.channel_messages(community.announcements)]
    assert [m["content"] for m in posts] == ["Speaker meeting tonight"]
    assert [m for m in fake.channel_messages(community.mod_queue)] == []
    assert fake.dm_messages(community.admin) == []


async def test_a_burst_of_posts_stays_under_discords_limits(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    """66 announcements fall due in the same second (Hearth starts late): 60 in their own
    channels and 6 in one channel, where Discord allows 5 messages per 5 seconds."""
    fake.rate_limits.enable()
    guild = fake.guild(community.guild_id)
    rooms = [guild.add_text_channel(f"room-{n}") for n in range(60)]
    when = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)
    targets = [(room, f"Room {n} opens") for n, room in enumerate(rooms)]
    targets += [(community.announcements, f"Notice {n}") for n in range(6)]
    storage = await open_storage(database)
    for channel, text in targets:
        await storage.announcements.create(
            community.guild_id,
            channel,
            text,
            when,
            when.time(),
            "UTC",
            AnnouncementRepeat.NONE,
            None,
            community.admin,
            when - timedelta(days=1),
        )
    await storage.close()
    clock.set(when + timedelta(seconds=5))
    await runner.start()
    await until(
        lambda: (
            query(database, "SELECT status, count(*) FROM announcement_deliveries GROUP BY 1")
            == [("sent", 66)]
        ),
        "every announcement to be posted and marked",
    )
    assert fake.rate_limits.total == 0, fake.rate_limits.by_route()
    assert all(len(fake.channel_messages(room)) == 1 for room in rooms)
    assert len(fake.channel_messages(community.announcements)) == 6


async def test_a_shared_checkin_answered_503_once_is_still_shared_once(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    await runner.start()
    await setup_guild(fake, community, checkin_channel=community.checkins)
    fault = fake.faults.fail("POST", rf"/channels/{community.checkins}/messages", status=503)
    ix = await checkin(fake, community, community.member, mood=4, craving=2, share=True)
    await until(
        lambda: query(database, "SELECT card_message_id FROM checkins") != [(None,)],
        "the shared card to be posted and remembered",
    )
    assert fault.served == 1
    [card] = fake.channel_messages(community.checkins)
    assert query(database, "SELECT card_message_id FROM checkins") == [(int(card["id"]),)]
    assert "couldn't" not in ix.all_text.lower()


async def test_opening_the_dm_channel_answered_503_still_reaches_the_member(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    await runner.start()
    await configure_queue(fake, community)
    general = fake.guild(community.guild_id).add_text_channel("general")
    fault = fake.faults.fail("POST", r"/users/@me/channels", status=503)
    await fake.send_message(general, community.member, CRISIS)
    await settled(fake, community)
    assert fault.served == 1
    [dm] = fake.dm_messages(community.member)
    assert "automated message from Hearth" in dm["content"]
    others = [
        m for m in fake.channel_messages(general) if m["author"]["id"] == str(fake.bot_user_id)
    ]
    assert others == [], "no public pointer: the private message got through"
