"""The daily meetings digest for imported meetings: posted by itself at the server's local time
(also across a DST change), split over messages without cutting an entry, and once only, also
when Hearth restarts around its time or stops between posting it and writing that down."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import Hearth
from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.harness import Community, HearthRunner
from tests.e2e.meeting_feed import ZONE, FeedMeeting, build_feed
from tests.e2e.meeting_helpers import meetings_cmd
from tests.e2e.process_helpers import until
from tests.e2e.test_meeting_events_cap import import_feed, organizer_setup
from tests.e2e.timeline import jump
from tests.fakediscord import FakeDiscord, nonces

HEADER = "**Today's meetings**"
ENTRY = re.compile(r"• <t:(\d+):t> \*\*(.+)\*\* · <https://zoom\.example/j/\d+>")
WAIT = 30.0


def digest_messages(fake: FakeDiscord, channel_id: int) -> list[dict[str, Any]]:
    return [
        m for m in fake.channel_messages(channel_id) if (m.get("content") or "").startswith(HEADER)
    ]


def entries_of(messages: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """Every entry line as (unix start, name); fails on any line that isn't a whole entry."""
    found = []
    for message in messages:
        assert len(message["content"]) <= 2000
        header, *lines = message["content"].split("\n")
        assert header.startswith(HEADER)
        for line in lines:
            match = ENTRY.fullmatch(line)
            assert match, f"not a whole entry: {line!r}"
            found.append((int(match[1]), match[2].replace("\\", "")))
    return found


def expected_entries(feed: list[FeedMeeting], day: date) -> list[tuple[int, str]]:
    zone = ZoneInfo(ZONE)
    todays = [m for m in feed if m.weekday == day.weekday()]
    starts = [
        (int(datetime.combine(day, m.start, tzinfo=zone).timestamp()), m.name) for m in todays
    ]
    return sorted(starts, key=lambda item: (item[0], item[1].casefold()))


def digest_job(bot: Hearth, community: Community) -> datetime | None:
    return bot.scheduler.next_run(f"meeting-digest:{community.guild_id}")


async def wait_for_digest(
    fake: FakeDiscord, community: Community, since_count: int, expected: list[tuple[int, str]]
) -> list[dict[str, Any]]:
    def complete() -> list[dict[str, Any]] | None:
        new = digest_messages(fake, community.announcements)[since_count:]
        return new if new and entries_of(new) == expected else None

    return await fake.state.changed.wait_for(complete, WAIT, "the whole digest")


async def test_digest_posts_at_8_local_time_on_both_sides_of_the_dst_change(
    fake: FakeDiscord, community: Community, runner: HearthRunner, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 10, 31, 10, 0, tzinfo=UTC))  # Saturday, 06:00 in New York (EDT)
    bot = await runner.start()
    await organizer_setup(fake, community)
    feed = build_feed(300)
    await import_feed(fake, community, feed)
    saturday = expected_entries(feed, date(2026, 10, 31))
    assert len(saturday) > 40  # long enough to need more than one message

    jump(fake, clock, datetime(2026, 10, 31, 12, 0, tzinfo=UTC))  # 08:00 EDT
    first = await wait_for_digest(fake, community, 0, saturday)
    assert len(first) >= 2
    assert all(m["content"].startswith(f"{HEADER} (continued)") for m in first[1:])

    # Sunday 1 November: clocks go back an hour at 02:00, so 08:00 is then 13:00 UTC.
    sunday_at_8 = datetime(2026, 11, 1, 13, 0, tzinfo=UTC)
    await until(lambda: digest_job(bot, community) == sunday_at_8, "Sunday's digest to be next")
    jump(fake, clock, datetime(2026, 11, 1, 12, 0, tzinfo=UTC))  # 07:00 EST: not yet
    assert digest_job(bot, community) == sunday_at_8
    assert len(digest_messages(fake, community.announcements)) == len(first)

    jump(fake, clock, datetime(2026, 11, 1, 13, 0, tzinfo=UTC))
    sunday = expected_entries(feed, date(2026, 11, 1))
    second = await wait_for_digest(fake, community, len(first), sunday)
    # A meeting at 09:00 New York time shows as 14:00 UTC now (EST), not 13:00 (EDT).
    nine = next(m for m in feed if m.weekday == 6 and m.start.hour == 9 and m.start.minute == 0)
    assert (int(datetime(2026, 11, 1, 14, 0, tzinfo=UTC).timestamp()), nine.name) in sunday

    jump(fake, clock, datetime(2026, 11, 1, 15, 0, tzinfo=UTC))
    await until(
        lambda: digest_job(bot, community) == datetime(2026, 11, 2, 13, 0, tzinfo=UTC),
        "Monday's digest to be next",
    )
    assert len(digest_messages(fake, community.announcements)) == len(first) + len(second)


async def test_a_restart_after_the_digest_and_a_stop_before_it_was_marked_post_nothing_twice(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path,
) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))  # Monday, 07:00 in New York
    bot = await runner.start()
    await organizer_setup(fake, community)
    feed = build_feed(200)
    await import_feed(fake, community, feed)
    monday = expected_entries(feed, date(2026, 11, 23))
    jump(fake, clock, datetime(2026, 11, 23, 13, 0, tzinfo=UTC))
    posted = await wait_for_digest(fake, community, 0, monday)
    await runner.stop(bot)

    # A plain restart a few minutes later: the day's digest is already done.
    clock.set(datetime(2026, 11, 23, 13, 5, tzinfo=UTC))
    bot = await runner.start()
    tomorrow = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    await until(lambda: digest_job(bot, community) == tomorrow, "tomorrow's digest to be next")
    assert len(digest_messages(fake, community.announcements)) == len(posted)
    await runner.stop(bot)

    # As if Hearth had been killed after Discord took the posts and before it wrote that
    # down; Discord's nonce window has closed, so only Hearth's look at the channel can help.
    with stored.connect(database) as conn:
        conn.execute("UPDATE meeting_digests SET status = 'sending'")
        conn.execute(
            "UPDATE deliveries SET status = 'sending', message_id = NULL WHERE key LIKE 'digest:%'"
        )
    nonces.registry(fake.state).window = timedelta(0)
    clock.set(datetime(2026, 11, 23, 13, 10, tzinfo=UTC))
    bot = await runner.start()

    def settled() -> bool:
        with stored.connect(database) as conn:
            return conn.execute("SELECT status FROM meeting_digests").fetchall() == [("sent",)]

    await until(settled, "the interrupted digest to be settled")
    await until(lambda: digest_job(bot, community) == tomorrow, "tomorrow's digest to be next")
    assert len(digest_messages(fake, community.announcements)) == len(posted)
    with stored.connect(database) as conn:
        credited = conn.execute(
            "SELECT message_id FROM deliveries WHERE key LIKE 'digest:%' ORDER BY key"
        ).fetchall()
    assert sorted(int(m["id"]) for m in posted) == sorted(row[0] for row in credited)


async def test_organizers_choose_the_digest_time_or_turn_it_off(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path,
) -> None:
    clock.set(datetime(2026, 11, 23, 11, 0, tzinfo=UTC))  # Monday, 06:00 in New York
    bot = await runner.start()
    await organizer_setup(fake, community)
    feed = build_feed(40)
    await import_feed(fake, community, feed)

    bad = await meetings_cmd(fake, community, community.admin, "digest", time="25:00")
    assert bad.ephemeral and "isn't a time I can read" in bad.text
    refused = await meetings_cmd(fake, community, community.member, "digest", time="07:00")
    assert "for organizers" in refused.text
    with stored.connect(database) as conn:
        assert conn.execute("SELECT meeting_digest_time FROM guild_config").fetchall() == [
            ("08:00",)
        ]

    chosen = await meetings_cmd(fake, community, community.admin, "digest", time="7:30")
    assert "posted at 07:30 (America/New_York)" in chosen.text, chosen.text
    at_730 = datetime(2026, 11, 23, 12, 30, tzinfo=UTC)
    assert digest_job(bot, community) == at_730
    jump(fake, clock, at_730)
    await wait_for_digest(fake, community, 0, expected_entries(feed, date(2026, 11, 23)))

    off = await meetings_cmd(fake, community, community.admin, "digest", time="off")
    assert "digest is off" in off.text
    assert digest_job(bot, community) is None
    assert f"meeting-digest:{community.guild_id}" not in bot.scheduler.job_ids()
