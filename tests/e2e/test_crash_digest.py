"""The daily meetings digest, killed (SIGKILL) right after it reached Discord and before it was
marked, then restarted after Discord's nonce window closed: posted once (see
test_crash_exactly_once.py for the method)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.recurrence import Schedule
from bot.storage.meetings import MeetingFields
from tests.e2e.harness import Community
from tests.e2e.process_helpers import HearthProcess, crash_after_post, query, until
from tests.e2e.test_crash_exactly_once import (  # noqa: F401 (fixtures)
    bot_posts,
    circle,
    configure,
    hearth,
    posts_in,
    restart_after_nonce_window,
    stored,
    wall_fake,
)
from tests.fakediscord import FakeDiscord

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


async def test_meeting_digest(
    wall_fake: FakeDiscord,  # noqa: F811
    circle: Community,  # noqa: F811
    hearth: HearthProcess,  # noqa: F811
    database: Path,
) -> None:
    now = datetime.now(UTC)
    # Today's digest time has just come (UTC is the server's zone), and an imported meeting
    # meets today (the digest lists the whole day, so a start this minute is always today).
    await configure(
        database,
        circle,
        announcements_channel_id=circle.announcements,
        meeting_digest_time=f"{now:%H:%M}",
    )
    start = now.replace(second=0, microsecond=0)
    async with stored(database) as storage:
        await storage.meetings.create(
            circle.guild_id,
            MeetingFields(
                name="Noon Step Study",
                schedule=Schedule(
                    weekdays=(start.weekday(),),
                    start_time=start.time(),
                    zone="UTC",
                    duration=timedelta(hours=1),
                    anchor=start.date(),
                ),
                link="https://example.org/noon",
                source_slug="noon-step-study",
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
    assert "Noon Step Study" in posted["content"]
    await restart_after_nonce_window(wall_fake, hearth)
    await until(
        lambda: (
            query(database, "SELECT status FROM meeting_digests") == [("sent",)]
            and query(database, "SELECT message_id FROM deliveries WHERE key LIKE 'digest:%'")
            == [(int(posted["id"]),)]
        ),
        "the interrupted digest to be settled as the posted message",
    )
    assert [m["id"] for m in bot_posts(wall_fake, circle.announcements)] == [posted["id"]]
    assert "delivery found already posted" in await hearth.stop()
    assert len(bot_posts(wall_fake, circle.announcements)) == 1
