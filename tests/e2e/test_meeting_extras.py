"""Meeting Guide import, calendar export, the week's list, and scheduled announcements."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar

from tests.clocks import ManualClock
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.meeting_helpers import meeting_ids, meetings_cmd
from tests.fakediscord import FakeDiscord

FEED = [
    {
        "name": "Online Big Book",
        "slug": 101,
        "day": "2",
        "time": "19:00",
        "timezone": "America/Chicago",
        "conference_url": "https://zoom.example/j/1",
        "types": ["O", "B", "ONL", "XYZ"],
        "notes": "",
    },
    {
        "name": "Morning Meditation",
        "slug": "morning",
        "day": [1, 3, 5],
        "time": "07:00:00",
        "end_time": "07:45",
        "conference_phone": "+1 555 0100",
        "types": "11,ONL",
        "timezone": "",
    },
    {
        "name": "Church Basement",
        "slug": "basement",
        "day": 4,
        "time": "20:00",
        "address": "1 Main St",
        "formatted_address": "1 Main St, Springfield",
        "types": ["C"],
    },
    {"name": "No Day", "slug": "noday", "time": "18:00", "conference_url": "https://z.example"},
    "not a meeting",
]


def feed_file(data: object) -> dict:
    return {
        "filename": "feed.json",
        "content": json.dumps(data).encode(),
        "content_type": "application/json",
    }


async def organizer_setup(fake: FakeDiscord, community: Community) -> None:
    await setup_guild(
        fake,
        community,
        timezone="America/New_York",
        announcements_channel=community.announcements,
        organizer_role=community.organizer_role,
    )


async def test_import_reports_counts_and_reimport_updates_without_duplicates(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
) -> None:
    await runner.start()
    await organizer_setup(fake, community)
    ix = await meetings_cmd(fake, community, community.admin, "import", file=feed_file(FEED))
    await ix.wait_final()
    assert ix.ephemeral
    assert "2 added, 0 updated, 0 unchanged" in ix.text, ix.text
    assert "in-person" in ix.text
    assert "XYZ" in ix.text
    assert len(meeting_ids(database)) == 2

    changed = [dict(FEED[0], time="19:30"), FEED[1]]
    again = await meetings_cmd(fake, community, community.admin, "import", file=feed_file(changed))
    await again.wait_final()
    assert "0 added, 1 updated, 1 unchanged" in again.text, again.text
    assert len(meeting_ids(database)) == 2

    with_in_person = await meetings_cmd(
        fake, community, community.admin, "import", file=feed_file(FEED), include_in_person=True
    )
    await with_in_person.wait_final()
    assert "1 added" in with_in_person.text
    assert len(meeting_ids(database)) == 3

    broken = await meetings_cmd(
        fake,
        community,
        community.admin,
        "import",
        file={"filename": "feed.json", "content": b"{not json", "content_type": "application/json"},
    )
    await broken.wait_final()
    assert "isn't valid JSON" in broken.text
    private = await meetings_cmd(
        fake, community, community.admin, "import", url="https://127.0.0.1/feed.json"
    )
    await private.wait_final()
    assert "Nothing was imported" in private.text
    assert len(meeting_ids(database)) == 3


async def test_calendar_list_and_info_show_the_right_times(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    clock.set(datetime(2026, 10, 28, 12, 0, tzinfo=UTC))  # a week before New York's DST ends
    await runner.start()
    await organizer_setup(fake, community)
    voice = fake.guild(community.guild_id).add_voice_channel("Room")
    await meetings_cmd(
        fake,
        community,
        community.admin,
        "add",
        name="Thursday Step Study",
        weekdays="Thursday",
        time="19:00",
        voice_channel=voice,
    )
    skip = await meetings_cmd(
        fake, community, community.admin, "skip", meeting="1", date="2026-11-12"
    )
    assert "Skipped" in skip.text

    week = await meetings_cmd(fake, community, community.member, "list")
    assert "Thursday Step Study" in week.text
    # 19:00 EDT on 29 October is 23:00 UTC; each member's client shows it in their own zone.
    assert f"<t:{int(datetime(2026, 10, 29, 23, 0, tzinfo=UTC).timestamp())}:f>" in week.text

    info = await meetings_cmd(fake, community, community.member, "info", meeting="1")
    assert "Every Thursday at 19:00" in info.text

    cal = await meetings_cmd(fake, community, community.member, "calendar")
    [upload] = cal.files
    assert upload.filename == "meetings.ics"
    parsed = Calendar.from_ical(upload.content)
    [event] = [c for c in parsed.walk("VEVENT")]
    assert event.get("SUMMARY") == "Thursday Step Study"
    assert "BYDAY=TH" in event.get("RRULE").to_ical().decode()
    assert str(event.decoded("DTSTART").tzinfo) == "America/New_York"
    exdates = [
        d.dt
        for x in (
            event.get("EXDATE") if isinstance(event.get("EXDATE"), list) else [event.get("EXDATE")]
        )
        for d in x.dts
    ]
    assert [d.date().isoformat() for d in exdates] == ["2026-11-12"]


async def test_announcement_posts_once_at_its_time_and_repeats_daily(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))  # 07:00 in New York
    bot = await runner.start()
    await organizer_setup(fake, community)
    refused = await fake.slash(
        community.guild_id,
        community.member,
        "announce schedule",
        options={"message": "hi", "at": "09:00"},
    )
    await answered(refused)
    assert "for organizers" in refused.text
    bad = await fake.slash(
        community.guild_id,
        community.admin,
        "announce schedule",
        options={"message": "hi", "at": "tomorrow-ish"},
    )
    await answered(bad)
    assert "isn't a time I understand" in bad.text

    ix = await fake.slash(
        community.guild_id,
        community.admin,
        "announce schedule",
        options={"message": "Coffee chat in the lounge at 10!", "at": "09:00", "repeat": "daily"},
    )
    await answered(ix)
    assert "Scheduled #1" in ix.text

    async def run() -> None:
        await bot.background.wait_idle()
        await bot.scheduler.run_now("announce:1")

    clock.set(datetime(2026, 11, 22, 13, 59, tzinfo=UTC))
    await run()
    assert fake.channel_messages(community.announcements) == []
    clock.set(datetime(2026, 11, 22, 14, 0, tzinfo=UTC))
    await run()
    await run()
    bot = await runner.restart(bot)
    await run()
    posts = [m["content"] for m in fake.channel_messages(community.announcements)]
    assert posts == ["Coffee chat in the lounge at 10!"]
    clock.advance(timedelta(days=1))
    await run()
    assert len(fake.channel_messages(community.announcements)) == 2

    listed = await fake.slash(community.guild_id, community.admin, "announce list")
    await answered(listed)
    assert "#1" in listed.text and "daily" in listed.text
    cancel = await fake.slash(
        community.guild_id, community.admin, "announce cancel", options={"announcement": 1}
    )
    await answered(cancel)
    assert "Cancelled announcement #1" in cancel.text
    assert "announce:1" not in bot.scheduler.job_ids()
