"""The bot's scheduler: timed work derived from stored state.

The database is the source of truth. Features register their jobs here from what is stored, at
start and whenever that state changes; a job id names the thing it delivers, so re-registering
replaces instead of duplicating, and every run must itself be idempotent (check a delivery record
before acting) because a job may fire again after a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)

JobFunc = Callable[..., Awaitable[Any]]


class Scheduler:
    def __init__(self, *, misfire_grace: timedelta = timedelta(minutes=10)) -> None:
        self._scheduler = AsyncIOScheduler(
            timezone="UTC",
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(misfire_grace.total_seconds()),
            },
        )
        self._scheduler.add_listener(self._on_job_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)

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
        """Run `func(*args)` at `when` (aware); replaces any job with the same id."""
        if when.tzinfo is None:
            raise ValueError("scheduled times must be timezone-aware")
        self._scheduler.add_job(
            func, DateTrigger(run_date=when), args=args, id=job_id, replace_existing=True
        )

    def run_every(self, job_id: str, interval: timedelta, func: JobFunc, *args: Any) -> None:
        self._scheduler.add_job(
            func,
            IntervalTrigger(seconds=interval.total_seconds()),
            args=args,
            id=job_id,
            replace_existing=True,
        )

    def cancel(self, job_id: str) -> bool:
        if self._scheduler.get_job(job_id) is None:
            return False
        self._scheduler.remove_job(job_id)
        return True

    def cancel_prefix(self, prefix: str) -> int:
        """Cancel every job whose id starts with `prefix` (used when a cog unloads)."""
        doomed = [job.id for job in self._scheduler.get_jobs() if job.id.startswith(prefix)]
        for job_id in doomed:
            self._scheduler.remove_job(job_id)
        return len(doomed)

    async def run_now(self, job_id: str) -> None:
        """Run a registered job at once, outside its schedule (catch-up at start, and tests)."""
        job = self._scheduler.get_job(job_id)
        if job is None:
            raise KeyError(f"no scheduled job {job_id!r}")
        await job.func(*job.args, **job.kwargs)

    def job_ids(self) -> list[str]:
        return sorted(job.id for job in self._scheduler.get_jobs())

    def next_run(self, job_id: str) -> datetime | None:
        job = self._scheduler.get_job(job_id)
        return job.next_run_time if job else None

    def _on_job_event(self, event: JobExecutionEvent) -> None:
        if event.exception is not None:
            log.error(
                "scheduled job failed",
                exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
                extra={"job": event.job_id},
            )
        else:
            log.warning("scheduled job missed its time", extra={"job": event.job_id})
