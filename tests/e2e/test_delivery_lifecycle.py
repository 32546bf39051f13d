"""Servers that go away: an outage pauses deliveries until the server is back (then the closest
reminder posts, once); a server that removed Hearth gets nothing and its organizers get no DMs;
added back, its schedules resume."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import Hearth
from bot.storage.timestamps import as_text
from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.meeting_helpers import FIRST_START, add_tuesday_meeting, meeting_ids, run_meeting
from tests.e2e.process_helpers import until
from tests.e2e.timeline import posted
from tests.fakediscord import FakeDiscord

NAME = "Tuesday Night Group"


def reminders(database: Path | str, meeting_id: int) -> dict[str, str]:
    with stored.connect(database) as conn:
        rows = conn.execute(
            "SELECT kind, status FROM meeting_deliveries WHERE meeting_id = ? AND occurrence = ?",
            (meeting_id, as_text(FIRST_START)),
        ).fetchall()
    return dict(rows)


def alerts(database: Path | str) -> list[tuple[str, str]]:
    with stored.connect(database) as conn:
        return conn.execute("SELECT topic, message FROM guild_alerts").fetchall()


def posts_to(fake: FakeDiscord, channel_id: int, since: int) -> list[str]:
    return [
        r.path
        for r in fake.requests[since:]
        if r.method == "POST" and r.path == f"/channels/{channel_id}/messages"
    ]


def dms_to(fake: FakeDiscord, user_id: int) -> list[dict]:
    return fake.dm_messages(user_id)


async def meeting_set_up(
    fake: FakeDiscord, community: Community, runner: HearthRunner, clock: ManualClock, voice: int
) -> tuple[Hearth, int]:
    clock.set(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await add_tuesday_meeting(fake, community, voice)
    [meeting_id] = meeting_ids(runner.database)
    return bot, meeting_id


async def test_an_outage_pauses_reminders_and_the_closest_posts_once_when_back(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    voice: int,
) -> None:
    bot, meeting_id = await meeting_set_up(fake, community, runner, clock, voice)
    fake.guild_outage(community.guild_id)
    await until(lambda: bot.get_guild(community.guild_id).unavailable, "the outage to be seen")
    since = len(fake.requests)
    # Both reminders fall due during the outage; each run does nothing and reports nothing.
    clock.set(FIRST_START - timedelta(days=1))
    await run_meeting(bot, meeting_id)
    clock.set(FIRST_START - timedelta(minutes=10))
    await run_meeting(bot, meeting_id)
    assert posts_to(fake, community.announcements, since) == []
    assert reminders(database, meeting_id) == {}
    assert dms_to(fake, community.admin) == [], "the organizer is not told about an outage"
    assert alerts(database) == []

    fake.guild_returns(community.guild_id)
    await posted(fake, community.announcements, since=since, containing=NAME)
    await bot.background.wait_idle()
    await run_meeting(bot, meeting_id)  # a later run finds nothing left to do
    assert len(posts_to(fake, community.announcements, since)) == 1
    assert reminders(database, meeting_id) == {"reminder:900": "sent", "reminder:86400": "skipped"}
    assert dms_to(fake, community.admin) == []
    assert alerts(database) == []


async def test_a_removed_server_gets_nothing_and_resumes_when_hearth_is_added_back(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    voice: int,
) -> None:
    bot, meeting_id = await meeting_set_up(fake, community, runner, clock, voice)
    ix = await fake.slash(
        community.guild_id,
        community.admin,
        "announce schedule",
        options={"message": "Group conscience after the meeting", "at": "2026-11-24 17:00"},
    )
    await answered(ix)
    assert "Scheduled #1" in ix.text, ix.text
    fake.remove_bot_from_guild(community.guild_id)
    await until(lambda: bot.get_guild(community.guild_id) is None, "the removal to be seen")
    since = len(fake.requests)
    clock.set(FIRST_START - timedelta(days=1))
    await run_meeting(bot, meeting_id)
    clock.set(FIRST_START - timedelta(hours=1))
    await run_meeting(bot, meeting_id)
    await bot.scheduler.run_now("announce:1")
    touched = [r.path for r in fake.requests[since:] if r.method in {"POST", "PATCH", "PUT"}]
    assert touched == [], "nothing is sent to a server that removed Hearth, nor about it"
    assert dms_to(fake, community.admin) == []
    assert alerts(database) == []
    assert reminders(database, meeting_id) == {}

    fake.add_bot_to_guild(community.guild_id)
    # Back in the server: what is still within its window goes out, once.
    await posted(fake, community.announcements, since=since, containing="Group conscience")
    await posted(fake, community.announcements, since=since, containing=NAME)
    await bot.background.wait_idle()
    await run_meeting(bot, meeting_id)
    assert "announce:1" not in bot.scheduler.job_ids(), "posted once, and finished"
    assert len(posts_to(fake, community.announcements, since)) == 2
    # An hour before the start, the day-before reminder is the closest one due.
    assert reminders(database, meeting_id) == {"reminder:86400": "sent"}
    assert dms_to(fake, community.admin) == []


async def test_a_new_gateway_session_mid_schedule_posts_nothing_twice(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    voice: int,
) -> None:
    bot, meeting_id = await meeting_set_up(fake, community, runner, clock, voice)
    since = len(fake.requests)
    clock.set(FIRST_START - timedelta(days=1))
    await posted(fake, community.announcements, since=since, containing=NAME)
    # Discord ends the session: Hearth identifies again, gets READY and every server again
    # (on_ready and on_guild_available fire once more, and with them every catch-up).
    sessions = fake.sessions
    fake.invalidate_session(resumable=False)
    await until(lambda: fake.sessions > sessions and bot.is_ready(), "a new session", 30)
    await until(lambda: not bot.get_guild(community.guild_id).unavailable, "the server again", 30)
    await bot.background.wait_idle()
    await run_meeting(bot, meeting_id)
    assert len(posts_to(fake, community.announcements, since)) == 1
    since = len(fake.requests)
    clock.set(FIRST_START - timedelta(minutes=15))
    await posted(fake, community.announcements, since=since, containing=NAME)
    await bot.background.wait_idle()
    await run_meeting(bot, meeting_id)
    assert len(posts_to(fake, community.announcements, since)) == 1
    assert reminders(database, meeting_id) == {"reminder:900": "sent", "reminder:86400": "sent"}
