"""Snowflake ids and timestamps laid out exactly like Discord's.

Real snowflakes encode their creation time, and discord.py derives ``created_at`` from them, so
the fake generates them from the wall clock instead of using a plain counter.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1_420_070_400_000
_WORKER_ID = 1
_PROCESS_ID = 0


class SnowflakeGenerator:
    """Produces strictly increasing snowflakes: timestamp << 22 | worker | process | increment."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
            candidate = (millis << 22) | (_WORKER_ID << 17) | (_PROCESS_ID << 12)
            # Several ids in the same millisecond: bump the 12-bit increment (and, once it is
            # exhausted, borrow the next millisecond) so ids stay unique and ordered.
            self._last = max(candidate, self._last + 1)
            return self._last

    def next_on_shard(self, shard_id: int, shard_count: int) -> int:
        """The next id whose guild would live on ``shard_id`` of ``shard_count`` (its timestamp
        moved up to ``shard_count - 1`` ms ahead)."""
        if shard_count < 1 or not 0 <= shard_id < shard_count:
            raise ValueError(f"shard {shard_id} of {shard_count} does not exist")
        with self._lock:
            millis = max(int(time.time() * 1000) - DISCORD_EPOCH_MS, (self._last >> 22) + 1)
            millis += (shard_id - millis) % shard_count
            self._last = (millis << 22) | (_WORKER_ID << 17) | (_PROCESS_ID << 12)
            return self._last


def snowflake_time(snowflake: int) -> datetime:
    """The creation time encoded in a snowflake."""
    millis = (snowflake >> 22) + DISCORD_EPOCH_MS
    return datetime.fromtimestamp(millis / 1000, tz=UTC)


def iso(moment: datetime) -> str:
    """ISO-8601 with an explicit UTC offset, the form Discord puts in payloads."""
    return moment.astimezone(UTC).isoformat()


def iso_now() -> str:
    return iso(datetime.now(tz=UTC))


def parse_iso(value: str) -> datetime:
    """Parse a Discord/ISO timestamp; naive values are taken as UTC."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment
