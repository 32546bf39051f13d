"""The Events mirror when Discord cannot be reached at all (a dropped connection, a timeout):
the server's job is tried again a minute later, not lost until the next restart.

Seen in bench/shard_schedule.py: with 10,000 servers, a few listings timed out while connecting,
and those servers' Events were never brought up to date again.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.clocks import ManualClock
from tests.e2e.harness import Community, HearthRunner
from tests.e2e.meeting_helpers import (
    FIRST_START,
    add_tuesday_meeting,
    meeting_ids,
    run_events,
    run_meeting,
)
from tests.e2e.timeline import jump
from tests.fakediscord import FakeDiscord

LISTING = r"/guilds/\d+/scheduled-events"


async def test_an_events_listing_cut_off_is_tried_again_a_minute_later(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    voice: int,
) -> None:
    clock.set(FIRST_START - timedelta(days=2))
    bot = await runner.start()
    await add_tuesday_meeting(fake, community, voice)
    [meeting_id] = meeting_ids(database)
    await run_meeting(bot, meeting_id)
    events = fake.guild(community.guild_id).scheduled_events
    assert len(events) == 1
    events.clear()  # someone removed the entry; Discord does not tell Hearth

    # The connection drops twice (aiohttp tries an idempotent GET a second time by itself).
    rule = fake.faults.timeout("GET", LISTING, hold=0.05, times=2)
    await run_events(bot, community.guild_id)
    assert rule.served == 2 and not events
    retry_at = bot.scheduler.next_run(f"meeting-events:{community.guild_id}")
    assert retry_at == clock.now() + timedelta(minutes=1)

    since = jump(fake, clock, retry_at)
    await fake.wait_for_request("POST", LISTING, since=since, timeout=30)
    assert len(events) == 1
