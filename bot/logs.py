"""Structured (logfmt) logging that never carries message content or secrets.

Fields go in through `extra=`: `log.info("cog loaded", extra={"cog": name})` becomes
`... level=INFO logger=hearth.app msg="cog loaded" cog=cogs.setup`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

# At DEBUG, discord.py logs gateway payloads and request bodies (message content, interaction
# tokens) and aiosqlite logs SQL parameters (private notes), so these loggers never go below INFO
# whatever the setting says.
CLAMPED_LIBRARIES = ("discord", "aiosqlite", "apscheduler")


def _quote(value: object) -> str:
    text = str(value)
    if text == "" or any(ch in text for ch in ' ="\n'):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return text


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        parts = [
            f"ts={stamp[:-4]}Z",
            f"level={record.levelname}",
            f"logger={record.name}",
            f"msg={_quote(record.getMessage())}",
        ]
        parts += [
            f"{key}={_quote(value)}"
            for key, value in vars(record).items()
            if key not in _STANDARD_ATTRS and not key.startswith("_")
        ]
        line = " ".join(parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class RedactingFilter(logging.Filter):
    """Last line of defence: replace known secrets if any library ever logs them."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 8]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        if any(secret in message for secret in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
        return True


class VoiceNoticeFilter(logging.Filter):
    """Hearth never joins voice, so discord.py's start-up notices that voice libraries are
    missing are noise that makes operators look for a problem that is not there."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.name == "discord.client" and "voice will NOT be supported" in str(record.msg)
        )


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LogfmtFormatter())
    handler.addFilter(RedactingFilter(secrets))
    handler.addFilter(VoiceNoticeFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    floor = max(logging.getLevelName(level), logging.INFO)
    for name in CLAMPED_LIBRARIES:
        logging.getLogger(name).setLevel(floor)
    # APScheduler logs every job it adds and runs at INFO: a process holding 25,000 meetings
    # wrote 25,000 lines at start (seconds of its event loop) and three per reminder. Hearth's
    # scheduler reports what matters itself (bot/scheduling.py: failures with their traceback,
    # missed runs, runs stopped by shutdown), so APScheduler's executors, which log each failure
    # again and each run stopped at shutdown as a failure, are not needed at all.
    logging.getLogger("apscheduler").setLevel(max(floor, logging.WARNING))
    logging.getLogger("apscheduler.executors").setLevel(logging.CRITICAL + 1)
