"""Re-importing a feed: meetings that left it are archived (no posts, no Events entry, no digest
line), come back when they reappear, and organizers' own meetings are never touched; an imported
meeting still gets its own reminders when an organizer turns them on."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.harness import Community, HearthRunner
from tests.e2e.meeting_feed import build_feed, hearth_events, soonest
from tests.e2e.meeting_helpers import meetings_cmd
from tests.e2e.process_helpers import until
from tests.e2e.test_meeting_digest import (
    digest_messages,
    entries_of,
    expected_entries,
    wait_for_digest,
)
from tests.e2e.test_meeting_events_cap import (
    MONDAY_EARLY,
    WAIT,
    import_feed,
    mirrored_in_db,
    organizer_setup,
    slash_text,
)
from tests.e2e.timeline import jump, posted
from tests.fakediscord import FakeDiscord


def meeting_row(database: Path, name: str) -> tuple[int, str | None]:
    with stored.connect(database) as conn:
        return conn.execute(
            "SELECT id, archived_at FROM meetings WHERE name = ?", (name,)
        ).fetchone()


async def test_reimport_archives_what_left_and_brings_back_what_returns(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path,
) -> None:
    clock.set(MONDAY_EARLY)  # 05:00 in New York
    bot = await runner.start()
    await organizer_setup(fake, community)
    own = await meetings_cmd(
        fake,
        community,
        community.admin,
        "add",
        name="Our Own Circle",
        weekdays="Monday",
        time="09:00",
        link="https://meet.example/own",
    )
    assert "Added" in own.text
    feed = build_feed(100)
    first = await import_feed(fake, community, feed)
    assert "100 added" in first.text
    # Monday 06:00 and 06:30 meetings, both mirrored (soonest); reminders on for both.
    left, stays = feed[0], feed[7]
    for meeting in (left, stays):
        meeting_id, _ = meeting_row(database, meeting.name)
        edit = await meetings_cmd(
            fake, community, community.admin, "edit", meeting=str(meeting_id), reminders="15m"
        )
        assert "Updated" in edit.text, edit.text
    gone_too = feed[14]  # Monday 07:00, mirrored, no reminders
    await fake.state.changed.wait_for(
        lambda: (
            hearth_events(fake, community.guild_id)
            == soonest(feed, MONDAY_EARLY, 74)
            | {("Our Own Circle", datetime(2026, 11, 23, 14, 0, tzinfo=UTC))}
        ),
        WAIT,
        "the soonest 75 meetings in Events",
    )

    remaining = [m for m in feed if m not in (left, gone_too)]
    again = await import_feed(fake, community, remaining)
    assert "0 added, 0 updated, 98 unchanged" in again.text, again.text
    assert "archived 2: no longer in the feed" in again.text
    assert meeting_row(database, left.name)[1] is not None
    assert meeting_row(database, gone_too.name)[1] is not None
    assert meeting_row(database, "Our Own Circle")[1] is None
    own_and_soonest = soonest(remaining, MONDAY_EARLY, 74) | {
        ("Our Own Circle", datetime(2026, 11, 23, 14, 0, tzinfo=UTC))
    }
    await fake.state.changed.wait_for(
        lambda: hearth_events(fake, community.guild_id) == own_and_soonest,
        WAIT,
        "the archived meetings' entries replaced by the next ones",
    )
    await until(lambda: mirrored_in_db(database) == 75, "the new entries to be recorded")
    listing = await slash_text(fake, community, "meetings list")
    assert "75 of 99 meetings are in the server's Events" in listing, listing
    assert "2 meeting(s) that left the imported feed are archived" in listing
    left_id, _ = meeting_row(database, left.name)
    assert f"meeting:{left_id}" not in bot.scheduler.job_ids()

    # 06:20 in New York: past both 15-minute reminders; only the meeting still in the feed's.
    since = jump(fake, clock, datetime(2026, 11, 23, 11, 20, tzinfo=UTC))
    await posted(fake, community.announcements, since=since, containing=stays.name)
    with stored.connect(database) as conn:
        assert conn.execute(
            "SELECT count(*) FROM meeting_deliveries WHERE meeting_id = ?", (left_id,)
        ).fetchone() == (0,)

    # The 08:00 digest lists Monday's imported meetings still in the feed, and nothing else.
    jump(fake, clock, datetime(2026, 11, 23, 13, 0, tzinfo=UTC))
    monday = expected_entries(remaining, date(2026, 11, 23))
    digest = await wait_for_digest(fake, community, 0, monday)
    names = {name for _, name in entries_of(digest)}
    assert stays.name in names
    assert left.name not in names and gone_too.name not in names
    assert "Our Own Circle" not in names  # announced by its own reminders
    reminders = [
        m
        for m in fake.channel_messages(community.announcements)
        if left.name in str(m.get("embeds")) or left.name in (m.get("content") or "")
    ]
    assert reminders == []

    back = await import_feed(fake, community, feed)
    assert "back in the feed: 2" in back.text, back.text
    assert meeting_row(database, left.name)[1] is None
    now = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
    everyone = soonest(feed, now, 74) | {
        ("Our Own Circle", datetime(2026, 11, 23, 14, 0, tzinfo=UTC))
    }
    await fake.state.changed.wait_for(
        lambda: hearth_events(fake, community.guild_id) == everyone,
        WAIT,
        "the returning meetings back in the window",
    )
    assert len(digest_messages(fake, community.announcements)) == len(digest)
