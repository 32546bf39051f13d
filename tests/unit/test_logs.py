"""Log lines are logfmt and never carry secrets."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import SystemClock
from bot.logs import LogfmtFormatter, RedactingFilter, configure_logging
from bot.scheduling import Scheduler


def _record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("hearth.test", logging.INFO, __file__, 1, msg, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_logfmt_line_carries_extra_fields_quoted() -> None:
    line = LogfmtFormatter().format(_record("cog loaded", cog="cogs.a b", count=3))
    assert " level=INFO logger=hearth.test " in line
    assert 'msg="cog loaded"' in line
    assert 'cog="cogs.a b"' in line
    assert "count=3" in line
    assert line.startswith("ts=") and "Z " in line


def test_redacting_filter_replaces_secrets_in_formatted_message() -> None:
    record = _record("login with %s failed", "super-secret-token")
    RedactingFilter(["super-secret-token"]).filter(record)
    assert record.getMessage() == "login with [redacted] failed"


def test_discord_debug_logs_stay_off(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("DEBUG", secrets=["super-secret-token"])
    try:
        logging.getLogger("discord.gateway").debug("payload with message content")
        logging.getLogger("aiosqlite").debug("executing INSERT with a private note")
        logging.getLogger("hearth.x").debug("token is super-secret-token")
        err = capsys.readouterr().err
        assert "payload with message content" not in err
        assert "private note" not in err
        assert "super-secret-token" not in err
        assert "[redacted]" in err
    finally:
        logging.getLogger().handlers.clear()
        logging.getLogger().setLevel(logging.WARNING)


class Seen(logging.Handler):
    """Lets a test wait until the scheduler has logged a line with this message."""

    def __init__(self, message: str) -> None:
        super().__init__(logging.INFO)
        self.message = message
        self.event = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == self.message:
            self.event.set()


async def test_scheduler_work_is_logged_once_by_hearth_not_line_by_line_by_apscheduler(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A shard process holds tens of thousands of jobs: APScheduler's own INFO line for every job
    # added and run cost seconds at start, and a traceback for every job stopped at shutdown.
    configure_logging("INFO")
    failed, stopped = Seen("scheduled job failed"), Seen("scheduled job stopped by shutdown")
    for handler in (failed, stopped):
        logging.getLogger("bot.scheduling").addHandler(handler)
    scheduler = Scheduler(SystemClock())
    scheduler.start()
    forever = asyncio.Event()

    async def broken() -> None:
        raise RuntimeError("boom")

    try:
        now = datetime.now(UTC)
        scheduler.run_once("meeting:1", now, broken)
        scheduler.run_once("meeting:2", now, forever.wait)
        scheduler.run_once("meeting:3", now + timedelta(days=1), forever.wait)
        await asyncio.wait_for(failed.event.wait(), 10)
        scheduler.shutdown()  # meeting:2 is still waiting: its run is cancelled
        await asyncio.wait_for(stopped.event.wait(), 10)
        err = capsys.readouterr().err
    finally:
        for handler in (failed, stopped):
            logging.getLogger("bot.scheduling").removeHandler(handler)
        logging.getLogger().handlers.clear()
        logging.getLogger().setLevel(logging.WARNING)
        for name in ("apscheduler", "apscheduler.executors"):
            logging.getLogger(name).setLevel(logging.NOTSET)
    assert "Added job" not in err and "Running job" not in err and "executed" not in err
    assert err.count('msg="scheduled job failed"') == 1
    assert err.count("RuntimeError: boom") == 1, "the failure is reported once, by Hearth"
    assert 'msg="scheduled job stopped by shutdown" job=meeting:2' in err
    assert "CancelledError" not in err and "raised an exception" not in err
