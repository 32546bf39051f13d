"""bot/scheduling.py on a real AsyncIOScheduler: jobs fire by Hearth's clock, by themselves."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import Clock, SystemClock
from bot.scheduling import Scheduler
from tests.clocks import ManualClock

START = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
WAIT = 5.0  # seconds a run may take to show up before the test fails


class Runs:
    """Jobs that note (name, Hearth time) when they run; tests wait for a count of them."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.seen: list[tuple[str, datetime]] = []
        self._changed = asyncio.Condition()

    async def job(self, name: str) -> None:
        async with self._changed:
            self.seen.append((name, self.clock.now()))
            self._changed.notify_all()

    def of(self, name: str) -> list[datetime]:
        return [when for seen_name, when in self.seen if seen_name == name]

    async def wait_for(self, name: str, count: int = 1) -> list[datetime]:
        async with asyncio.timeout(WAIT), self._changed:
            await self._changed.wait_for(lambda: len(self.of(name)) >= count)
        return self.of(name)


async def stopped(scheduler: Scheduler) -> None:
    scheduler.shutdown()
    await asyncio.sleep(0)  # APScheduler stops on the loop's next turn


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def scheduler(clock: ManualClock) -> AsyncIterator[Scheduler]:
    scheduler = Scheduler(clock)
    scheduler.start()
    unfollow = clock.on_move(scheduler.wakeup)
    yield scheduler
    unfollow()
    await stopped(scheduler)


@pytest.fixture
def runs(clock: ManualClock) -> Runs:
    return Runs(clock)


async def test_a_one_off_job_fires_when_the_clock_reaches_it_and_not_before(
    scheduler: Scheduler, clock: ManualClock, runs: Runs
) -> None:
    scheduler.run_once("reminder", START + timedelta(minutes=10), runs.job, "reminder")
    scheduler.run_once("barrier", START + timedelta(minutes=9), runs.job, "barrier")
    assert scheduler.next_run("reminder") == START + timedelta(minutes=10)

    clock.advance(timedelta(minutes=9))
    await runs.wait_for("barrier")
    assert runs.of("reminder") == [], "a minute early"
    assert scheduler.next_run("reminder") == START + timedelta(minutes=10)

    clock.advance(timedelta(minutes=1))
    assert await runs.wait_for("reminder") == [START + timedelta(minutes=10)]
    assert scheduler.next_run("reminder") is None, "a one-off job is done once it has fired"


async def test_a_time_in_the_past_runs_at_once(scheduler: Scheduler, runs: Runs) -> None:
    scheduler.run_once("late", START - timedelta(hours=2), runs.job, "late")
    assert await runs.wait_for("late") == [START]


async def test_local_times_keep_their_hour_across_both_dst_changes(
    scheduler: Scheduler, clock: ManualClock, runs: Runs
) -> None:
    london = ZoneInfo("Europe/London")
    spring = datetime(2026, 3, 29, 9, 0, tzinfo=london)  # BST starts: 08:00 UTC
    autumn = datetime(2026, 10, 25, 9, 0, tzinfo=london)  # BST ends: 09:00 UTC
    scheduler.run_once("spring", spring, runs.job, "spring")
    scheduler.run_once("autumn", autumn, runs.job, "autumn")
    assert scheduler.next_run("spring") == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert scheduler.next_run("autumn") == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)

    clock.set(datetime(2026, 3, 29, 8, 0, tzinfo=UTC))
    assert await runs.wait_for("spring") == [datetime(2026, 3, 29, 8, 0, tzinfo=UTC)]

    scheduler.run_once("barrier", datetime(2026, 10, 25, 8, 0, tzinfo=UTC), runs.job, "barrier")
    clock.set(datetime(2026, 10, 25, 8, 0, tzinfo=UTC))  # 09:00 had it still been summer
    await runs.wait_for("barrier")
    assert runs.of("autumn") == []
    clock.set(datetime(2026, 10, 25, 9, 0, tzinfo=UTC))
    assert await runs.wait_for("autumn") == [datetime(2026, 10, 25, 9, 0, tzinfo=UTC)]


async def test_naive_times_are_refused(scheduler: Scheduler, runs: Runs) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        scheduler.run_once("naive", datetime(2026, 3, 29, 9, 0), runs.job, "naive")
    assert scheduler.job_ids() == []


async def test_a_repeating_job_turns_a_jump_over_several_runs_into_one(
    scheduler: Scheduler, clock: ManualClock, runs: Runs
) -> None:
    scheduler.run_every("tick", timedelta(seconds=30), runs.job, "tick")
    assert scheduler.next_run("tick") == START + timedelta(seconds=30)

    clock.advance(timedelta(seconds=30))
    await runs.wait_for("tick", 1)
    clock.advance(timedelta(seconds=155))  # over five run times
    await runs.wait_for("tick", 2)
    assert scheduler.next_run("tick") == START + timedelta(seconds=210), "the grid is kept"

    clock.advance(timedelta(seconds=25))
    assert await runs.wait_for("tick", 3) == [
        START + timedelta(seconds=30),
        START + timedelta(seconds=185),
        START + timedelta(seconds=210),
    ], "one run for the jump, not a burst of five"


async def test_a_run_missed_by_a_day_still_runs_once(
    scheduler: Scheduler, clock: ManualClock, runs: Runs
) -> None:
    scheduler.run_once("announce", START + timedelta(minutes=1), runs.job, "announce")
    scheduler.run_every("tick", timedelta(minutes=1), runs.job, "tick")
    clock.advance(timedelta(days=1))
    assert await runs.wait_for("announce") == [START + timedelta(days=1)]
    assert await runs.wait_for("tick") == [START + timedelta(days=1)]
    assert scheduler.next_run("tick") == START + timedelta(days=1, minutes=1)


async def test_registering_again_replaces_the_job_as_a_rebuild_at_start_does(
    scheduler: Scheduler, clock: ManualClock, runs: Runs
) -> None:
    stored = {"meeting:1": START + timedelta(hours=1), "meeting:2": START + timedelta(hours=2)}

    def rebuild() -> None:
        for job_id, when in stored.items():
            scheduler.run_once(job_id, when, runs.job, job_id)

    rebuild()
    rebuild()
    stored["meeting:1"] = START + timedelta(hours=3)  # the meeting moved
    rebuild()
    assert scheduler.job_ids() == ["meeting:1", "meeting:2"]
    assert scheduler.next_run("meeting:1") == START + timedelta(hours=3)

    clock.advance(timedelta(hours=2))
    await runs.wait_for("meeting:2")
    assert runs.of("meeting:1") == [], "the old time is gone"
    clock.advance(timedelta(hours=1))
    await runs.wait_for("meeting:1")
    assert runs.of("meeting:1") == [START + timedelta(hours=3)]
    assert runs.of("meeting:2") == [START + timedelta(hours=2)]


async def test_cancelled_jobs_never_fire(
    scheduler: Scheduler, clock: ManualClock, runs: Runs
) -> None:
    for job_id in ("flag:1", "flag:2", "meeting:1"):
        scheduler.run_once(job_id, START + timedelta(minutes=5), runs.job, job_id)
    scheduler.run_every("checkins:due", timedelta(minutes=1), runs.job, "checkins:due")

    assert scheduler.cancel("checkins:due") is True
    assert scheduler.cancel("checkins:due") is False
    assert scheduler.cancel("never-registered") is False
    assert scheduler.cancel_prefix("flag:") == 2
    assert scheduler.job_ids() == ["meeting:1"]
    assert scheduler.next_run("flag:1") is None
    with pytest.raises(KeyError):
        await scheduler.run_now("flag:1")

    clock.advance(timedelta(minutes=5))
    await runs.wait_for("meeting:1")
    assert [name for name, _ in runs.seen] == ["meeting:1"]


async def test_a_job_that_makes_itself_due_again_while_running_runs_again(
    scheduler: Scheduler, clock: ManualClock, runs: Runs
) -> None:
    # A meeting run that finds the next thing already due registers itself for "now" as its
    # last act; that fire comes while the first run is still finishing and must not be lost.
    async def meeting() -> None:
        await runs.job("meeting")
        if len(runs.of("meeting")) == 1:
            scheduler.run_once("meeting:1", clock.now(), meeting)

    scheduler.run_once("meeting:1", START + timedelta(minutes=1), meeting)
    clock.advance(timedelta(minutes=1))
    assert len(await runs.wait_for("meeting", 2)) == 2


async def test_a_fire_during_a_run_waits_for_it_and_runs_after(
    scheduler: Scheduler, clock: ManualClock, runs: Runs
) -> None:
    release = asyncio.Event()
    active: list[int] = []
    overlapped = False

    async def slow() -> None:
        nonlocal overlapped
        overlapped |= bool(active)
        active.append(1)
        await runs.job("slow")
        if len(runs.of("slow")) == 1:
            await release.wait()
        active.pop()

    scheduler.run_every("checkins:due", timedelta(seconds=30), slow)
    clock.advance(timedelta(seconds=30))
    await runs.wait_for("slow", 1)
    clock.advance(timedelta(seconds=30))  # due again while the first run waits
    outside = asyncio.create_task(scheduler.run_now("checkins:due"))
    release.set()
    await runs.wait_for("slow", 3)
    await outside
    assert not overlapped, "one run of a job at a time"


class FailureLog(logging.Handler):
    """Notes the jobs the scheduler reports as failed, and lets a test wait for one."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.jobs: list[str] = []
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "scheduled job failed":
            self.jobs.append(record.__dict__["job"])
            self.seen.set()


async def test_a_failing_job_is_logged_and_others_still_fire(
    scheduler: Scheduler, clock: ManualClock, runs: Runs
) -> None:
    async def broken() -> None:
        raise RuntimeError("boom")

    failures = FailureLog()
    logger = logging.getLogger("bot.scheduling")
    logger.addHandler(failures)
    try:
        scheduler.run_once("broken", START + timedelta(minutes=1), broken)
        scheduler.run_once("fine", START + timedelta(minutes=2), runs.job, "fine")
        clock.advance(timedelta(minutes=1))
        async with asyncio.timeout(WAIT):
            await failures.seen.wait()
    finally:
        logger.removeHandler(failures)
    assert failures.jobs == ["broken"]
    clock.advance(timedelta(minutes=1))
    await runs.wait_for("fine")


async def test_a_clock_that_stands_still_holds_jobs_back_while_real_time_passes(
    scheduler: Scheduler, clock: ManualClock, runs: Runs
) -> None:
    # Due 50 ms from now on the stopped clock: the scheduler's own timer wakes it after 50 ms
    # of real time, and it must find the job still not due.
    scheduler.run_once("held", START + timedelta(milliseconds=50), runs.job, "held")
    wall = Scheduler(SystemClock())
    wall.start()
    try:
        real = Runs(SystemClock())
        wall.run_once("later", datetime.now(UTC) + timedelta(milliseconds=200), real.job, "later")
        await real.wait_for("later")
    finally:
        await stopped(wall)
    scheduler.run_once("barrier", START, runs.job, "barrier")
    await runs.wait_for("barrier")
    assert runs.of("held") == []
    assert scheduler.next_run("held") == START + timedelta(milliseconds=50)
    clock.advance(timedelta(milliseconds=50))
    assert await runs.wait_for("held") == [START + timedelta(milliseconds=50)]


WALL_CLOCK_STEP = timedelta(milliseconds=50)


async def test_on_the_system_clock_jobs_fire_by_real_time_unshifted() -> None:
    clock = SystemClock()
    scheduler = Scheduler(clock)
    scheduler.start()
    runs = Runs(clock)
    try:
        when = clock.now() + timedelta(milliseconds=100)
        scheduler.run_once("soon", when, runs.job, "soon")
        scheduler.run_every("tick", timedelta(milliseconds=100), runs.job, "tick")
        assert scheduler.next_run("soon") == when
        [fired] = await runs.wait_for("soon")
        # Not before its time, give or take a small step of this machine's wall clock (a VM's
        # clock was once seen 15 ms behind the instant the job had been checked against).
        assert fired >= when - WALL_CLOCK_STEP
        assert len(await runs.wait_for("tick", 2)) >= 2, "the repeating job keeps going"
    finally:
        await stopped(scheduler)


async def test_moving_the_clock_before_start_or_after_shutdown_is_harmless(
    clock: ManualClock, runs: Runs
) -> None:
    scheduler = Scheduler(clock)
    clock.on_move(scheduler.wakeup)
    scheduler.run_once("meeting:1", START + timedelta(minutes=1), runs.job, "meeting:1")
    clock.advance(timedelta(seconds=1))  # not started yet
    scheduler.start()
    await stopped(scheduler)
    assert not scheduler.running
    clock.advance(timedelta(minutes=1))  # stopped
    assert runs.seen == []
