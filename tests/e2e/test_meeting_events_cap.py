"""A large Meeting Guide feed against Discord's 100-events-per-server limit.

Hearth mirrors only the soonest meetings into the server's Events, leaves room for the server's
own events, moves the window on as meetings pass, says so in /meetings list and /hearth status,
and never creates an entry twice across a restart.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.meeting_feed import (
    ZONE,
    FeedMeeting,
    add_people_events,
    build_feed,
    feed_file,
    hearth_events,
    soonest,
)
from tests.e2e.process_helpers import until
from tests.e2e.timeline import jump
from tests.fakediscord import FakeDiscord, Interaction
from tests.fakediscord.permissions import CREATE_EVENTS, MANAGE_EVENTS

# Monday 23 November 2026, 05:00 in New York: no meeting is under way.
MONDAY_EARLY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PEOPLES_EVENTS = 20
# Discord's 100, minus the server's own 20, minus the 10 Hearth always leaves free.
BUDGET = 70
WAIT = 60.0


async def organizer_setup(fake: FakeDiscord, community: Community) -> None:
    await setup_guild(
        fake,
        community,
        timezone=ZONE,
        announcements_channel=community.announcements,
        mod_queue_channel=community.mod_queue,
        organizer_role=community.organizer_role,
    )


async def import_feed(
    fake: FakeDiscord, community: Community, meetings: list[FeedMeeting]
) -> Interaction:
    ix = await fake.slash(
        community.guild_id,
        community.admin,
        "meetings import",
        options={"file": feed_file(meetings)},
    )
    await answered(ix)  # deferred at once: a big feed takes longer than Discord's 3 seconds
    await ix.wait_final(timeout=WAIT)
    assert ix.ephemeral
    return ix


def mirrored_in_db(database: Path) -> int:
    with stored.connect(database) as conn:
        return conn.execute(
            "SELECT count(*) FROM meetings WHERE event_id IS NOT NULL AND archived_at IS NULL"
        ).fetchone()[0]


async def slash_text(fake: FakeDiscord, community: Community, command: str) -> str:
    ix = await fake.slash(community.guild_id, community.admin, command)
    await answered(ix)
    await ix.wait_final(timeout=WAIT)
    return ix.text


async def test_a_large_feed_fills_only_the_room_left_under_the_cap_and_the_window_moves_on(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path,
) -> None:
    clock.set(MONDAY_EARLY)
    await runner.start()
    await organizer_setup(fake, community)
    add_people_events(fake, community.guild_id, community.admin, PEOPLES_EVENTS, clock.now())
    feed = build_feed(600)

    ix = await import_feed(fake, community, feed)
    assert "600 added, 0 updated, 0 unchanged, 0 skipped" in ix.text, ix.text
    assert "daily digest at 08:00" in ix.text

    expected = soonest(feed, MONDAY_EARLY, BUDGET)
    await fake.state.changed.wait_for(
        lambda: hearth_events(fake, community.guild_id) == expected, WAIT, "the soonest 70"
    )
    await until(lambda: mirrored_in_db(database) == BUDGET, "the 70 events to be recorded")
    events = fake.guild(community.guild_id).scheduled_events
    assert len(events) == PEOPLES_EVENTS + BUDGET
    creates = [r for r in fake.requests if r.matches("POST", r"/guilds/\d+/scheduled-events")]
    assert len(creates) == BUDGET and all(r.status == 200 for r in creates)

    listing = await slash_text(fake, community, "meetings list")
    assert (
        "70 of 600 meetings are in the server's Events (the soonest ones); the other 530 are "
        "not. Discord allows 100 Events per server, so Hearth lists only the 70 soonest "
        "meetings beside the server's own 20"
    ) in listing, listing
    status = await slash_text(fake, community, "hearth status")
    assert "70 of 600 meetings are in the server's Events" in status, status
    assert "the other 530 are not" in status

    # Monday's three 06:00 meetings end at 07:00: their next dates are a week away, so they
    # leave the window and the next three soonest take their places, by themselves.
    later = datetime(2026, 11, 23, 12, 1, tzinfo=UTC)
    since = jump(fake, clock, later)
    moved = soonest(feed, later, BUDGET)
    assert moved != expected
    await fake.state.changed.wait_for(
        lambda: hearth_events(fake, community.guild_id) == moved, WAIT, "the window to move on"
    )
    deleted = [
        r for r in fake.requests[since:] if r.matches("DELETE", r"/guilds/\d+/scheduled-events/\d+")
    ]
    assert len(deleted) == len(expected - moved) == 3
    assert len(fake.guild(community.guild_id).scheduled_events) == PEOPLES_EVENTS + BUDGET


async def test_events_created_but_not_recorded_before_a_stop_are_adopted_not_duplicated(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path,
) -> None:
    clock.set(MONDAY_EARLY)
    bot = await runner.start()
    await organizer_setup(fake, community)
    feed = build_feed(90)
    await import_feed(fake, community, feed)
    expected = soonest(feed, MONDAY_EARLY, 75)
    await fake.state.changed.wait_for(
        lambda: hearth_events(fake, community.guild_id) == expected, WAIT, "the soonest 75"
    )
    await until(lambda: mirrored_in_db(database) == 75, "the 75 events to be recorded")
    await runner.stop(bot)

    # As if Hearth had stopped right after Discord created these, before writing them down.
    with stored.connect(database) as conn:
        conn.execute(
            "UPDATE meetings SET event_id = NULL, event_start = NULL"
            " WHERE id IN (SELECT id FROM meetings WHERE event_id IS NOT NULL LIMIT 5)"
        )
    since = len(fake.requests)
    await runner.start()
    await until(lambda: mirrored_in_db(database) == 75, "the 5 events to be adopted")
    assert hearth_events(fake, community.guild_id) == expected
    assert len(fake.guild(community.guild_id).scheduled_events) == 75
    assert not [
        r for r in fake.requests[since:] if r.matches("POST", r"/guilds/\d+/scheduled-events")
    ]

    listing = await slash_text(fake, community, "meetings list")
    assert "75 of 90 meetings are in the server's Events" in listing
    assert "keeps room for the server's own" in listing


async def test_without_manage_events_the_list_and_status_say_why_nothing_is_in_events(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path,
) -> None:
    clock.set(MONDAY_EARLY)
    await runner.start()
    await organizer_setup(fake, community)
    guild = fake.guild(community.guild_id)
    guild.role(guild.bot_role_id).permissions &= ~(MANAGE_EVENTS | CREATE_EVENTS)
    ix = await import_feed(fake, community, build_feed(12))
    assert "12 added" in ix.text

    def alerted() -> bool:
        with stored.connect(database) as conn:
            return bool(
                conn.execute("SELECT 1 FROM guild_alerts WHERE topic = 'meeting-events'").fetchall()
            )

    await until(alerted, "the missing permission to be noticed")
    expected = (
        "0 of 12 meetings are in the server's Events. Hearth can't list meetings in the "
        "server's Events: it needs Manage Events."
    )
    assert expected in await slash_text(fake, community, "meetings list")
    assert expected in await slash_text(fake, community, "hearth status")
    assert hearth_events(fake, community.guild_id) == set()


async def test_when_the_server_adds_events_of_its_own_hearth_gives_places_back_within_an_hour(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path,
) -> None:
    clock.set(MONDAY_EARLY)
    await runner.start()
    await organizer_setup(fake, community)
    feed = build_feed(90)
    await import_feed(fake, community, feed)
    await fake.state.changed.wait_for(
        lambda: hearth_events(fake, community.guild_id) == soonest(feed, MONDAY_EARLY, 75),
        WAIT,
        "the soonest 75",
    )
    # The server's people fill Discord's 100 (Hearth isn't told); its hourly look sees them.
    add_people_events(fake, community.guild_id, community.admin, 25, clock.now())
    later = MONDAY_EARLY + timedelta(hours=1)
    jump(fake, clock, later)
    await fake.state.changed.wait_for(
        lambda: hearth_events(fake, community.guild_id) == soonest(feed, later, 65),
        WAIT,
        "Hearth to keep 10 places free again",
    )
    await until(lambda: mirrored_in_db(database) == 65, "the removals to be recorded")
    assert len(fake.guild(community.guild_id).scheduled_events) == 90
    listing = await slash_text(fake, community, "meetings list")
    assert "65 of 90 meetings are in the server's Events" in listing
    assert "beside the server's own 25" in listing
