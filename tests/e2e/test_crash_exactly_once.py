"""Killed (SIGKILL) right after a post reached Discord and before it was marked, then restarted:
no duplicate, for every kind of timed post and a timed DM.

Each test runs the real `python -m bot` on the real clock. The state that makes something due at
start is written beforehand with Hearth's own repositories. The fake carries the post out and
holds its answer; the process is killed as soon as the message exists. Discord's nonce window is
then closed (as after a longer outage), so only Hearth's own look at the channel history can
prevent a second post.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.domain.announcements import AnnouncementRepeat
from bot.domain.counters import Announce
from bot.domain.recurrence import Schedule
from bot.storage.flag_rows import NewFlag
from bot.storage.meetings import MeetingFields
from bot.storage.storage import Storage, open_storage
from tests.e2e.harness import Community, build_community
from tests.e2e.process_helpers import HearthProcess, crash_after_post, query, until
from tests.fakediscord import FakeDiscord, nonces

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture
async def wall_fake() -> AsyncIterator[FakeDiscord]:
    # The processes run on the real clock, so the fake does too.
    async with FakeDiscord(token="fake-bot-token-for-crash-tests") as server:
        yield server


@pytest.fixture
def circle(wall_fake: FakeDiscord) -> Community:
    return build_community(wall_fake)


@pytest.fixture
async def hearth(
    wall_fake: FakeDiscord, database: Path | str, tmp_path: Path
) -> AsyncIterator[HearthProcess]:
    process = HearthProcess(wall_fake, database, tmp_path / "state")
    try:
        yield process
    finally:
        await process.ensure_stopped()


@asynccontextmanager
async def stored(database: Path | str) -> AsyncIterator[Storage]:
    storage = await open_storage(database)
    try:
        yield storage
    finally:
        await storage.close()


def bot_posts(fake: FakeDiscord, channel_id: int) -> list[dict[str, Any]]:
    me = str(fake.bot_user_id)
    return [m for m in fake.channel_messages(channel_id) if m["author"]["id"] == me]


def posts_in(fake: FakeDiscord, channel_id: int) -> Callable[[], list[dict[str, Any]]]:
    return lambda: bot_posts(fake, channel_id)


async def restart_after_nonce_window(fake: FakeDiscord, hearth: HearthProcess) -> None:
    nonces.registry(fake.state).window = timedelta(0)
    await hearth.start()


async def configure(database: Path | str, circle: Community, **changes: Any) -> datetime:
    now = datetime.now(UTC)
    async with stored(database) as storage:
        await storage.guild_configs.update(circle.guild_id, changes, now)
    return now


async def test_meeting_reminder(
    wall_fake: FakeDiscord, circle: Community, hearth: HearthProcess, database: Path | str
) -> None:
    now = await configure(database, circle, announcements_channel_id=circle.announcements)
    start = (now + timedelta(minutes=20)).replace(second=0, microsecond=0)
    async with stored(database) as storage:
        await storage.meetings.create(
            circle.guild_id,
            MeetingFields(
                name="Evening Circle",
                schedule=Schedule(
                    weekdays=(start.weekday(),),
                    start_time=start.time(),
                    zone="UTC",
                    duration=timedelta(hours=1),
                    anchor=start.date(),
                ),
                link="https://example.org/evening",
                reminders=(timedelta(minutes=30),),
            ),
            circle.admin,
            now,
        )
    [posted] = await crash_after_post(
        wall_fake,
        hearth,
        rf"/channels/{circle.announcements}/messages",
        posts_in(wall_fake, circle.announcements),
    )
    await restart_after_nonce_window(wall_fake, hearth)
    await until(
        lambda: (
            query(database, "SELECT status, message_id FROM meeting_deliveries")
            == [("sent", int(posted["id"]))]
        ),
        "the interrupted reminder to be settled as the posted message",
    )
    assert [m["id"] for m in bot_posts(wall_fake, circle.announcements)] == [posted["id"]]
    assert "delivery found already posted" in await hearth.stop()
    assert len(bot_posts(wall_fake, circle.announcements)) == 1


async def test_announcement(
    wall_fake: FakeDiscord, circle: Community, hearth: HearthProcess, database: Path | str
) -> None:
    now = datetime.now(UTC)
    async with stored(database) as storage:
        await storage.announcements.create(
            circle.guild_id,
            circle.announcements,
            "Potluck after the Saturday meeting!",
            now - timedelta(seconds=30),
            time(12, 0),
            "UTC",
            AnnouncementRepeat.NONE,
            None,
            circle.admin,
            now - timedelta(hours=1),
        )
    [posted] = await crash_after_post(
        wall_fake,
        hearth,
        rf"/channels/{circle.announcements}/messages",
        posts_in(wall_fake, circle.announcements),
    )
    assert posted["content"] == "Potluck after the Saturday meeting!"
    await restart_after_nonce_window(wall_fake, hearth)
    await until(
        lambda: (
            query(database, "SELECT status FROM announcement_deliveries") == [("sent",)]
            and query(database, "SELECT active FROM announcements") == [(0,)]
        ),
        "the interrupted announcement to be settled as sent (and finished)",
    )
    assert len(bot_posts(wall_fake, circle.announcements)) == 1
    assert "delivery found already posted" in await hearth.stop()
    assert len(bot_posts(wall_fake, circle.announcements)) == 1


async def test_milestone_celebration(
    wall_fake: FakeDiscord, circle: Community, hearth: HearthProcess, database: Path | str
) -> None:
    now = await configure(database, circle, celebrations_channel_id=circle.celebrations)
    async with stored(database) as storage:
        await storage.sobriety.set_counter(
            circle.guild_id,
            circle.member,
            "Sobriety",
            (now - timedelta(days=30)).date(),
            Announce.PUBLIC,
            now - timedelta(days=1),
        )
    [posted] = await crash_after_post(
        wall_fake,
        hearth,
        rf"/channels/{circle.celebrations}/messages",
        posts_in(wall_fake, circle.celebrations),
    )
    await restart_after_nonce_window(wall_fake, hearth)
    await until(
        lambda: (
            query(database, "SELECT status, message_id FROM milestone_celebrations")
            == [("sent", int(posted["id"]))]
        ),
        "the interrupted celebration to be settled as the posted card",
    )
    assert len(bot_posts(wall_fake, circle.celebrations)) == 1
    assert wall_fake.dm_messages(circle.member) == [], "no fallback DM for a card that was posted"
    await hearth.stop()
    assert len(bot_posts(wall_fake, circle.celebrations)) == 1


async def test_daily_checkin_prompt(
    wall_fake: FakeDiscord, circle: Community, hearth: HearthProcess, database: Path | str
) -> None:
    # Due since local midnight: posted by the catch-up at start.
    await configure(
        database, circle, checkin_channel_id=circle.checkins, checkin_prompt_time="00:00"
    )
    [posted] = await crash_after_post(
        wall_fake,
        hearth,
        rf"/channels/{circle.checkins}/messages",
        posts_in(wall_fake, circle.checkins),
    )
    await restart_after_nonce_window(wall_fake, hearth)
    await until(
        lambda: (
            query(database, "SELECT status, message_id FROM checkin_prompts")
            == [("posted", int(posted["id"]))]
        ),
        "the interrupted prompt to be settled as the posted message",
    )
    assert len(bot_posts(wall_fake, circle.checkins)) == 1
    await hearth.stop()
    assert len(bot_posts(wall_fake, circle.checkins)) == 1


async def test_escalation_ping(
    wall_fake: FakeDiscord, circle: Community, hearth: HearthProcess, database: Path | str
) -> None:
    now = await configure(
        database,
        circle,
        mod_queue_channel_id=circle.mod_queue,
        moderator_role_id=circle.moderator_role,
    )
    # The flag's card is already in the queue; its first escalation step fell due a minute ago.
    card = await wall_fake.send_message(circle.mod_queue, circle.moderator, "(the flag's card)")
    async with stored(database) as storage:
        flag = await storage.flags.create(
            NewFlag(circle.guild_id, "report", "member report", 3, circle.member, None, None),
            now - timedelta(minutes=10),
            now - timedelta(minutes=1),
            reporter=circle.admin,
        )
        await storage.flags.set_card(flag.id, circle.mod_queue, int(card["id"]))
    [ping] = await crash_after_post(
        wall_fake,
        hearth,
        rf"/channels/{circle.mod_queue}/messages",
        posts_in(wall_fake, circle.mod_queue),
    )
    assert f"<@&{circle.moderator_role}>" in ping["content"]
    assert query(database, "SELECT escalation_step FROM flags") == [(1,)]
    assert query(database, "SELECT key FROM owed_deliveries") == [(f"flag:{flag.id}:step1",)]
    await restart_after_nonce_window(wall_fake, hearth)
    await until(
        lambda: (
            query(database, "SELECT key FROM owed_deliveries") == []
            and query(database, "SELECT status, message_id FROM deliveries")
            == [("sent", int(ping["id"]))]
        ),
        "the owed escalation step to be settled with the posted ping",
    )
    assert len(bot_posts(wall_fake, circle.mod_queue)) == 1
    await hearth.stop()
    assert query(database, "SELECT escalation_step FROM flags") == [(1,)]
    assert len(bot_posts(wall_fake, circle.mod_queue)) == 1


async def test_checkin_reminder_dm(
    wall_fake: FakeDiscord, circle: Community, hearth: HearthProcess, database: Path | str
) -> None:
    now = datetime.now(UTC)
    async with stored(database) as storage:
        # Asked for yesterday, due since local midnight today.
        await storage.checkin_schedule.set_reminder(
            circle.guild_id, circle.member, "00:00", now - timedelta(days=1)
        )
    [dm] = await crash_after_post(
        wall_fake, hearth, r"/channels/\d+/messages", lambda: wall_fake.dm_messages(circle.member)
    )
    assert "would you like to check in today" in dm["content"]
    await restart_after_nonce_window(wall_fake, hearth)
    await until(
        lambda: query(database, "SELECT outcome FROM checkin_reminder_deliveries") == [("sent",)],
        "the interrupted reminder DM to be settled as sent",
    )
    assert len(wall_fake.dm_messages(circle.member)) == 1
    # The DM channel is kept in the database: the restarted process looked in it without
    # opening it again (a DM is one request once the channel is known).
    assert query(database, "SELECT channel_id FROM dm_channels") == [
        (wall_fake.dm_channel_id(circle.member),)
    ]
    opened = [
        r for r in wall_fake.requests if r.method == "POST" and r.path == "/users/@me/channels"
    ]
    assert len(opened) == 1
    await hearth.stop()
    assert len(wall_fake.dm_messages(circle.member)) == 1
