"""The bot's scheduler: timed work derived from stored state.

The database is the source of truth. Features register their jobs here from what is stored, at
start and whenever that state changes; a job id names the thing it delivers, so re-registering
replaces instead of duplicating, and every run must itself be idempotent (check a delivery record
before acting) because a job may fire again after a restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock

log = logging.getLogger(__name__)

JobFunc = Callable[..., Awaitable[Any]]


class Scheduler:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._scheduler = AsyncIOScheduler(
            timezone="UTC",
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                # Runs are idempotent and decide from the clock, so a late run is always wanted:
                # a dropped one would leave its meeting silent until the next restart.
                "misfire_grace_time": None,
            },
        )
        self._scheduler.add_listener(self._on_job_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        # What each job id runs, kept beside APScheduler (which forgets a dated job once it has
        # fired) so run_now works at any moment.
        self._work: dict[str, tuple[JobFunc, tuple[Any, ...]]] = {}

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

    def run_once(self, job_id: str, when: datetime, func: JobFunc, *args: Any) -> None:
        """Run `func(*args)` at `when` on Hearth's clock; replaces any job with the same id.

        APScheduler waits on the wall clock, so the wait is measured on Hearth's clock and
        applied from the wall clock's now (the same thing in production). A time already past
        runs at once.
        """
        if when.tzinfo is None:
            raise ValueError("scheduled times must be timezone-aware")
        wait = max(timedelta(0), when - self._clock.now())
        self._work[job_id] = (func, args)
        self._scheduler.add_job(
            func,
            DateTrigger(run_date=datetime.now(UTC) + wait),
            args=args,
            id=job_id,
            replace_existing=True,
        )

    def run_every(self, job_id: str, interval: timedelta, func: JobFunc, *args: Any) -> None:
        self._work[job_id] = (func, args)
        self._scheduler.add_job(
            func,
            IntervalTrigger(seconds=interval.total_seconds()),
            args=args,
            id=job_id,
            replace_existing=True,
        )

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
        """Run a registered job at once, outside its schedule (catch-up at start, and tests)."""
        if job_id not in self._work:
            raise KeyError(f"no scheduled job {job_id!r}")
        func, args = self._work[job_id]
        await func(*args)

    def job_ids(self) -> list[str]:
        return sorted(self._work)

    def next_run(self, job_id: str) -> datetime | None:
        job = self._scheduler.get_job(job_id)
        return job.next_run_time if job else None

    def _on_job_event(self, event: JobExecutionEvent) -> None:
        if isinstance(event.exception, asyncio.CancelledError):
            log.info("scheduled job stopped by shutdown", extra={"job": event.job_id})
        elif event.exception is not None:
            log.error(
                "scheduled job failed",
                exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
                extra={"job": event.job_id},
            )
        else:
            log.warning("scheduled job missed its time", extra={"job": event.job_id})
