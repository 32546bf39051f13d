"""Work that must not overlap for one key (one member's messages, one member's card) waits its
turn; work for other keys never waits."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable


class InTurn:
    """Work for one key runs one at a time, in arrival order (asyncio.Lock wakes waiters first
    come, first served, and a free lock is taken without yielding)."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._waiting: dict[Hashable, int] = {}
        self._idle = asyncio.Event()
        self._idle.set()

    @contextlib.asynccontextmanager
    async def turn(self, key: Hashable) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        self._idle.clear()
        try:
            async with lock:
                yield
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]
            if not self._waiting:
                self._idle.set()

    async def wait_idle(self) -> None:
        """Wait until no work holds or waits for a turn."""
        while self._waiting:
            await self._idle.wait()
