"""Sharding as Discord does it: which session gets which event, IDENTIFY's ``shard`` checked, and
the identify rate per ``max_concurrency`` bucket recorded (and, opt-in, enforced).

A guild lives on shard ``(guild_id >> 22) % shard_count``; events about it go only to the
session identified for that shard. Events that belong to no guild (DMs, DM interactions) arrive
on shard 0 only. A session identified without ``shard`` gets everything, which Discord allows
while the bot is in fewer than ``max_guilds_per_shard`` (2,500) guilds; past that IDENTIFY is
closed with 4011 Sharding required. A ``shard`` that is not ``[id, count]`` with
``0 <= id < count`` is closed with 4010 Invalid shard.

IDENTIFY is limited per bucket ``shard_id % max_concurrency``: one per 5 seconds in each
bucket. Every IDENTIFY is recorded in ``identifies`` (shard, bucket, monotonic time) so a test
can assert the pacing; with ``enforce_identify_rate`` an IDENTIFY that comes too soon in its
bucket is answered with op 9 INVALID_SESSION (d=false), as Discord answers one it rate-limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CLOSE_INVALID_SHARD = 4010
CLOSE_SHARDING_REQUIRED = 4011
IDENTIFY_WINDOW_SECONDS = 5.0
MAX_GUILDS_PER_SHARD = 2500

Shard = tuple[int, int]

# Events whose guild is named by "id" rather than "guild_id".
_GUILD_ITSELF = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


def parse_shard(raw: Any) -> Shard | None:
    """``[id, count]`` as sent in IDENTIFY, or None when it is not a valid pair."""
    if not isinstance(raw, list | tuple) or len(raw) != 2:
        return None
    shard_id, count = raw
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (shard_id, count)):
        return None
    if count < 1 or not 0 <= shard_id < count:
        return None
    return shard_id, count


def event_guild_id(event: str, data: dict[str, Any]) -> int | None:
    raw = data.get("id") if event in _GUILD_ITSELF else data.get("guild_id")
    return int(raw) if raw is not None else None


def receives(shard: Shard | None, guild_id: int | None) -> bool:
    """Whether a session identified with ``shard`` gets an event about ``guild_id`` (None: an
    event outside any guild, which goes to shard 0)."""
    if shard is None:
        return True
    shard_id, count = shard
    if guild_id is None:
        return shard_id == 0
    return shard_of(guild_id, count) == shard_id


@dataclass(frozen=True)
class IdentifyRecord:
    shard: Shard | None
    bucket: int
    at: float  # time.monotonic()
    refused: bool = False


@dataclass
class Sharding:
    """The fake's sharding knobs and records (``fake.sharding``)."""

    # What GET /gateway/bot recommends.
    shard_count: int = 1
    max_concurrency: int = 1
    max_guilds_per_shard: int = MAX_GUILDS_PER_SHARD
    enforce_identify_rate: bool = False
    identifies: list[IdentifyRecord] = field(default_factory=list)

    def bucket(self, shard: Shard | None) -> int:
        return (shard[0] if shard else 0) % self.max_concurrency

    def record_identify(self, shard: Shard | None, now: float) -> IdentifyRecord:
        """Record an IDENTIFY; it is ``refused`` when enforcing and its bucket identified less
        than 5 s ago."""
        bucket = self.bucket(shard)
        too_soon = any(
            r.bucket == bucket and not r.refused and now - r.at < IDENTIFY_WINDOW_SECONDS
            for r in self.identifies
        )
        record = IdentifyRecord(shard, bucket, now, refused=too_soon and self.enforce_identify_rate)
        self.identifies.append(record)
        return record

    def too_fast(self) -> list[tuple[IdentifyRecord, IdentifyRecord]]:
        """Pairs of accepted IDENTIFYs in the same bucket less than 5 s apart."""
        accepted = [r for r in self.identifies if not r.refused]
        return [
            (earlier, later)
            for i, earlier in enumerate(accepted)
            for later in accepted[i + 1 :]
            if later.bucket == earlier.bucket and later.at - earlier.at < IDENTIFY_WINDOW_SECONDS
        ]

    def gateway_bot(self, url: str) -> dict[str, Any]:
        return {
            "url": url,
            "shards": self.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 14_400_000,
                "max_concurrency": self.max_concurrency,
            },
        }
