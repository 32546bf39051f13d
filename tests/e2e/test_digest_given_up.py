"""A meetings digest Discord won't take is never dropped silently: when the day is given up
(Discord kept failing past the six-hour limit, or refused for good), the moderators hear it
once, in plain words, `/hearth status` shows it until a digest goes out again, and a restart
repeats nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bot.app import Hearth
from tests.clocks import ManualClock
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.meeting_feed import build_feed
from tests.e2e.process_helpers import query, until
from tests.e2e.test_meeting_digest import digest_job, expected_entries, wait_for_digest
from tests.e2e.test_meeting_events_cap import import_feed, organizer_setup
from tests.e2e.timeline import jump, posted
from tests.fakediscord import FakeDiscord

MONDAY_8 = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # 08:00 in New York
GIVEN_UP = "Hearth couldn't post the meetings digest for Monday 23 November"


def notices(fake: FakeDiscord, community: Community) -> list[dict[str, Any]]:
    return [
        m
        for m in fake.channel_messages(community.mod_queue)
        if GIVEN_UP in (m.get("content") or "")
    ]


async def status_text(fake: FakeDiscord, community: Community) -> str:
    status = await fake.slash(community.guild_id, community.admin, "hearth status")
    await answered(status)
    await status.wait_final()
    return status.text


async def prepared(
    fake: FakeDiscord, community: Community, runner: HearthRunner, clock: ManualClock
) -> Hearth:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))  # Monday, 07:00 in New York
    bot = await runner.start()
    await organizer_setup(fake, community)
    await import_feed(fake, community, build_feed(40))
    return bot


async def test_a_digest_discord_keeps_failing_is_given_up_and_told_once(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    bot = await prepared(fake, community, runner, clock)
    announcements = rf"/channels/{community.announcements}/messages"
    outage = fake.faults.fail("POST", announcements, status=503, times=None)

    jump(fake, clock, MONDAY_8)
    # The first try ran through its retries and was given back: tried again in a minute.
    await until(
        lambda: digest_job(bot, community) == datetime(2026, 11, 23, 13, 1, tzinfo=UTC),
        "the digest to be tried again soon",
    )
    assert outage.served >= 1 and notices(fake, community) == []
    assert query(database, "SELECT status FROM meeting_digests") == []  # not given up yet

    since = jump(fake, clock, datetime(2026, 11, 23, 19, 0, tzinfo=UTC))  # six hours later
    notice = await posted(fake, community.mod_queue, since=since, containing=GIVEN_UP)
    content = notice.json["content"]
    assert "Discord kept failing (HTTP 503)" in content, content
    assert "kept trying for six hours" in content
    assert f"<#{community.announcements}>" in content
    assert query(database, "SELECT status FROM meeting_digests") == [("failed",)]
    await until(
        lambda: query(database, "SELECT key FROM owed_deliveries") == [], "the notice to be paid"
    )
    assert GIVEN_UP in await status_text(fake, community)

    bot = await runner.restart(bot)
    await bot.background.wait_idle()  # start-up recovery has settled whatever was owed
    tuesday = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    await until(lambda: digest_job(bot, community) == tuesday, "Tuesday's digest to be next")
    assert len(notices(fake, community)) == 1, "told once, also across a restart"

    outage.cancel()  # Discord recovers: the next digest goes out and the problem is cleared
    jump(fake, clock, tuesday)
    await wait_for_digest(fake, community, 0, expected_entries(build_feed(40), date(2026, 11, 24)))
    await until(
        lambda: query(database, "SELECT topic FROM guild_alerts") == [],
        "the problem to be cleared",
    )
    assert GIVEN_UP not in await status_text(fake, community)
    assert len(notices(fake, community)) == 1


async def test_a_digest_discord_refuses_for_good_is_told_at_once_with_why(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    bot = await prepared(fake, community, runner, clock)
    announcements = rf"/channels/{community.announcements}/messages"
    fake.faults.fail("POST", announcements, status=403, times=None)

    since = jump(fake, clock, MONDAY_8)
    notice = await posted(fake, community.mod_queue, since=since, containing=GIVEN_UP)
    content = notice.json["content"]
    assert "Hearth is missing permissions there" in content, content
    assert "send messages there, or choose another announcements channel" in content
    tries = [r for r in fake.requests[since:] if r.path == announcements]
    assert len(tries) == 1, "a refusal is not retried"
    assert query(database, "SELECT status FROM meeting_digests") == [("failed",)]
    await until(
        lambda: query(database, "SELECT key FROM owed_deliveries") == [], "the notice to be paid"
    )

    bot = await runner.restart(bot)
    await bot.background.wait_idle()
    await until(
        lambda: digest_job(bot, community) == datetime(2026, 11, 24, 13, 0, tzinfo=UTC),
        "Tuesday's digest to be next",
    )
    assert len(notices(fake, community)) == 1, "told once, also across a restart"
    assert [r for r in fake.requests[since:] if r.path == announcements] == tries
