"""The bot's scheduler: timed work derived from stored state.

The database is the source of truth. Features register their jobs here from what is stored, at
start and whenever that state changes; a job id names the thing it delivers, so re-registering
replaces instead of duplicating, and every run must itself be idempotent (check a delivery record
before acting) because a job may fire again after a restart.

Times are Hearth's clock (`bot.clock`), not the wall clock: APScheduler decides what is due, but
by the clock Hearth was given (see `ClockedAsyncIOScheduler`). On the system clock the two are
the same thing.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobEvent,
    JobExecutionEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock, SystemClock

log = logging.getLogger(__name__)

JobFunc = Callable[..., Awaitable[Any]]

# Below this, a change in (wall clock - Hearth's clock) is the two clocks being read a moment
# apart, not a clock that moved; the system clock never gets past it, so nothing is shifted.
SKEW_TOLERANCE = timedelta(milliseconds=1)


class ClockedAsyncIOScheduler(AsyncIOScheduler):
    """APScheduler's asyncio scheduler, deciding what is due by Hearth's clock.

    APScheduler 3 asks `datetime.now()` for the time itself and has no way to be given a clock.
    So job times are kept in its wall-clock frame, `Hearth time + skew` (skew = wall clock minus
    Hearth's clock), and before every look at the jobs the frame is brought up to date: if the
    skew changed — a clock that was moved, or one that stood still while wall time ran on —
    every job moves by the change. A job is then due exactly when Hearth's clock reaches its
    time, and APScheduler's own coalescing and misfire rules apply to Hearth's time.

    APScheduler sleeps in wall-clock seconds until the next job; a clock that jumps rather than
    runs must call `wakeup()` after each jump (the system clock never needs to).
    """

    def __init__(self, clock: Clock, **options: Any) -> None:
        super().__init__(**options)
        self._clock = clock
        self.skew = datetime.now(UTC) - clock.now()
        self._shifting = False
        # The system clock is the wall clock: nothing ever needs shifting. Reading both a
        # moment apart can still differ by milliseconds when another thread holds the GIL
        # (a database call, work moved off the loop), and each such "move" would shift every
        # job: seconds of blocked loop with thousands of meetings.
        self._follows = not isinstance(clock, SystemClock)

    def wakeup(self) -> None:
        # modify_job() asks for a wakeup per job; while the frame is being shifted (from inside
        # _process_jobs, which plans the next wake itself) those would each shift every job
        # again: a storm that grows with the number of jobs.
        if not self._shifting:
            super().wakeup()

    def to_frame(self, moment: datetime) -> datetime:
        """A moment on Hearth's clock as APScheduler holds it now."""
        return moment + self.skew

    def from_frame(self, moment: datetime) -> datetime:
        return (moment - self.skew).astimezone(UTC)

    def _process_jobs(self) -> float | None:
        self._follow_clock()
        return super()._process_jobs()

    def _follow_clock(self) -> None:
        if not self._follows:
            return
        skew = datetime.now(UTC) - self._clock.now()
        shift = skew - self.skew
        if abs(shift) < SKEW_TOLERANCE:
            return
        self.skew = skew
        self._shifting = True
        try:
            for job in self.get_jobs():
                if job.next_run_time is not None:
                    self.modify_job(job.id, next_run_time=job.next_run_time + shift)
        finally:
            self._shifting = False


class Scheduler:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._scheduler = ClockedAsyncIOScheduler(
            clock,
            timezone="UTC",
            job_defaults={
                # A clock that jumped over several runs of a repeating job gives one run, not a
                # burst: every run decides from the clock what is due.
                "coalesce": True,
                # One run of a job at a time (see `_run_serialised`); a second fire that comes
                # while it runs waits for it instead of being dropped, which for a one-off job
                # (a meeting's next reminder) would lose it until the next restart.
                "max_instances": 2,
                # Runs are idempotent and decide from the clock, so a late run is always wanted:
                # a dropped one would leave its meeting silent until the next restart.
                "misfire_grace_time": None,
            },
        )
        self._scheduler.add_listener(
            self._on_job_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES
        )
        # What each job id runs, kept beside APScheduler (which forgets a dated job once it has
        # fired) so run_now works at any moment.
        self._work: dict[str, tuple[JobFunc, tuple[Any, ...]]] = {}
        self._job_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    @property
    def running(self) -> bool:
        return self._scheduler.running

    def start(self) -> None:
        if not self._scheduler.running:
            self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            # Do not wait: jobs are idempotent and resume from the database at the next start.
            self._scheduler.shutdown(wait=False)

    def wakeup(self) -> None:
        """Look at the jobs again now rather than at the next planned wake.

        For a clock that jumps instead of running (a test's clock being moved): APScheduler
        waits in wall-clock seconds, so without this a job the jump made due waits for the next
        planned wake. The system clock runs, so production never needs to call it. Does nothing
        while the scheduler is not running.
        """
        if self._scheduler.running:
            self._scheduler.wakeup()

    def run_once(self, job_id: str, when: datetime, func: JobFunc, *args: Any) -> None:
        """Run `func(*args)` at `when` on Hearth's clock (a time already past runs at once);
        replaces any job with the same id."""
        if when.tzinfo is None:
            raise ValueError("scheduled times must be timezone-aware")
        at = self._scheduler.to_frame(when.astimezone(UTC))
        self._add(job_id, DateTrigger(run_date=at), at, func, args)

    def run_every(self, job_id: str, interval: timedelta, func: JobFunc, *args: Any) -> None:
        """Run `func(*args)` every `interval` on Hearth's clock, first one interval from now."""
        first = self._scheduler.to_frame(self._clock.now() + interval)
        trigger = IntervalTrigger(seconds=interval.total_seconds(), start_date=first)
        self._add(job_id, trigger, first, func, args)

    def _add(
        self,
        job_id: str,
        trigger: DateTrigger | IntervalTrigger,
        first: datetime,
        func: JobFunc,
        args: tuple[Any, ...],
    ) -> None:
        self._work[job_id] = (func, args)
        self._scheduler.add_job(
            self._run_serialised,
            trigger,
            args=(job_id, func, args),
            id=job_id,
            name=job_id,
            replace_existing=True,
            # Given, so APScheduler does not work it out from its own idea of now.
            next_run_time=first,
        )

    async def _run_serialised(self, job_id: str, func: JobFunc, args: tuple[Any, ...]) -> None:
        lock = self._job_locks.get(job_id)
        if lock is None:
            lock = self._job_locks[job_id] = asyncio.Lock()
        async with lock:
            await func(*args)

    def cancel(self, job_id: str) -> bool:
        known = self._work.pop(job_id, None) is not None
        if self._scheduler.get_job(job_id) is None:
            return known
        self._scheduler.remove_job(job_id)
        return True

    def cancel_prefix(self, prefix: str) -> int:
        """Cancel every job whose id starts with `prefix` (used when a cog unloads)."""
        doomed = {job_id for job_id in self._work if job_id.startswith(prefix)}
        doomed |= {job.id for job in self._scheduler.get_jobs() if job.id.startswith(prefix)}
        for job_id in doomed:
            self.cancel(job_id)
        return len(doomed)

    async def run_now(self, job_id: str) -> None:
        """Run a registered job at once, outside its schedule (one run of it at a time still)."""
        if job_id not in self._work:
            raise KeyError(f"no scheduled job {job_id!r}")
        func, args = self._work[job_id]
        await self._run_serialised(job_id, func, args)

    def job_ids(self) -> list[str]:
        return sorted(self._work)

    def next_run(self, job_id: str) -> datetime | None:
        """When the job next fires on Hearth's clock (None once a one-off job has fired)."""
        job = self._scheduler.get_job(job_id)
        if job is None or job.next_run_time is None:
            return None
        return self._scheduler.from_frame(job.next_run_time)

    def _on_job_event(self, event: JobEvent) -> None:
        if not isinstance(event, JobExecutionEvent):
            # Max instances: a run is under way and another waits behind it; that one will see
            # the work this fire was for.
            log.info(
                "scheduled job already queued behind a running one", extra={"job": event.job_id}
            )
        elif isinstance(event.exception, asyncio.CancelledError):
            log.info("scheduled job stopped by shutdown", extra={"job": event.job_id})
        elif event.exception is not None:
            log.error(
                "scheduled job failed",
                exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
                extra={"job": event.job_id},
            )
        else:
            log.warning("scheduled job missed its time", extra={"job": event.job_id})
