"""A scheduler whose clock stands still (a test's clock) rests between its jobs instead of
shifting them round and round: following the clock never asks for another look by itself."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.scheduling import Scheduler
from tests.clocks import ManualClock


async def nothing() -> None:
    return None


async def test_many_jobs_and_a_still_clock_leave_the_loop_at_rest() -> None:
    clock = ManualClock(datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    scheduler = Scheduler(clock)
    scheduler.start()
    inner = scheduler._scheduler  # the APScheduler underneath, to count its looks at the jobs
    looks = total = 0
    process = inner._process_jobs

    def counted() -> float | None:
        nonlocal looks, total
        looks += 1
        total += 1
        if total > 5_000:
            return None  # a storm: stop feeding it, so the test fails instead of hanging
        return process()

    inner._process_jobs = counted  # type: ignore[method-assign]
    try:
        for number in range(300):
            scheduler.run_once(f"job:{number}", clock.now() + timedelta(days=1), nothing)
        await asyncio.sleep(0.05)  # the looks each new job asked for
        looks = 0
        # Wall time runs while the clock stands still, as in every test between two moves.
        await asyncio.sleep(0.2)
        # Each look shifts all 300 jobs; were each shift to ask for a look, there would be
        # thousands here.
        assert looks < 30 and total < 5_000
    finally:
        scheduler.shutdown()
        await asyncio.sleep(0)
