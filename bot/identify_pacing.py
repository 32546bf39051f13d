"""Pacing IDENTIFY as Discord allows: one per 5 seconds in each ``max_concurrency`` bucket.

Discord groups shards into buckets ``shard_id % max_concurrency`` (``max_concurrency`` comes with
GET /gateway/bot) and lets each bucket start one session per 5 seconds. discord.py's default hook
waits 5 s before every IDENTIFY but the first, whatever the bucket; this waits only as long as
the shard's own bucket needs, so a large bot's shards start together.

Processes sharing one PostgreSQL database (README "Scaling out") share the buckets too: before
an IDENTIFY a process takes a PostgreSQL advisory lock for the bucket and keeps it for the 5
seconds that follow, so another process's IDENTIFY in that bucket waits until then. If the
database cannot be reached for this, the process paces its own shards only, and says so.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict

import asyncpg

log = logging.getLogger("hearth.identify")
IDENTIFY_WINDOW = 5.0
# pg_advisory_lock's two-key form: the first key says "Hearth's identify buckets".
BUCKET_LOCK_SPACE = 0x4944_4E54  # "IDNT"


class IdentifyPacer:
    def __init__(
        self,
        max_concurrency: int = 1,
        *,
        shared_with: str | None = None,
        window: float = IDENTIFY_WINDOW,
    ) -> None:
        """``shared_with``: the PostgreSQL URL of processes that share the bot's token."""
        self.max_concurrency = max(1, max_concurrency)
        self.window = window
        self._shared_with = shared_with
        self._last: dict[int, float] = {}
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._held: set[asyncio.Task[None]] = set()

    def bucket(self, shard_id: int | None) -> int:
        return (shard_id or 0) % self.max_concurrency

    async def wait_turn(self, shard_id: int | None) -> None:
        """Return when ``shard_id`` may IDENTIFY, and count that IDENTIFY as taking place."""
        bucket = self.bucket(shard_id)
        async with self._locks[bucket]:
            last = self._last.get(bucket)
            if last is not None:
                wait = last + self.window - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
            if self._shared_with is not None:
                await self._wait_for_other_processes(bucket)
            self._last[bucket] = time.monotonic()

    async def _wait_for_other_processes(self, bucket: int) -> None:
        """Take the bucket's lock across processes and keep it for the window after this
        IDENTIFY (closing the connection releases it)."""
        connection: asyncpg.Connection | None = None
        try:
            connection = await asyncpg.connect(self._shared_with)
            await connection.execute(
                "SELECT pg_advisory_lock($1::int, $2::int)", BUCKET_LOCK_SPACE, bucket
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            if connection is not None:
                await connection.close()
            log.warning(
                "identify paced in this process only: the database is unreachable",
                extra={"error": type(exc).__name__},
            )
            return
        task = asyncio.create_task(self._release_after_window(connection))
        self._held.add(task)
        task.add_done_callback(self._held.discard)

    async def close(self) -> None:
        """Give back the buckets still held (a stopping process has nothing left to start)."""
        for held in list(self._held):
            held.cancel()
        await asyncio.gather(*self._held, return_exceptions=True)

    async def _release_after_window(self, connection: asyncpg.Connection) -> None:
        try:
            await asyncio.sleep(self.window)
        finally:
            await connection.close()
