"""Pacing IDENTIFY as Discord allows: one per 5 seconds in each ``max_concurrency`` bucket.

Discord groups shards into buckets ``shard_id % max_concurrency`` (``max_concurrency`` comes with
GET /gateway/bot) and lets each bucket start one session per 5 seconds. discord.py's default hook
waits 5 s before every IDENTIFY but the first, whatever the bucket; this waits only as long as
the shard's own bucket needs, so a large bot's shards start together. Within one process only:
processes that share a bot token must not start shards of one bucket at the same moment.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict

IDENTIFY_WINDOW = 5.0


class IdentifyPacer:
    def __init__(self, max_concurrency: int = 1) -> None:
        self.max_concurrency = max(1, max_concurrency)
        self._last: dict[int, float] = {}
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def bucket(self, shard_id: int | None) -> int:
        return (shard_id or 0) % self.max_concurrency

    async def wait_turn(self, shard_id: int | None) -> None:
        """Return when ``shard_id`` may IDENTIFY, and count that IDENTIFY as taking place."""
        bucket = self.bucket(shard_id)
        async with self._locks[bucket]:
            last = self._last.get(bucket)
            if last is not None:
                wait = last + IDENTIFY_WINDOW - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
            self._last[bucket] = time.monotonic()
