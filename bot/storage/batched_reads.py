"""Reads by key that arrive together are answered by one statement.

For lookups made on every busy interaction (a burst of check-ins each asking for the member's
partnerships): each statement is a round trip to aiosqlite's thread or the PostgreSQL server, so
a burst of a hundred costs one or two statements instead of a hundred. A lookup is never answered
by a statement that began before it was asked: lookups that arrive while one runs wait for the
next, so a read asked after a write still sees it, as with one statement each.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MAX_KEYS = 64


class BatchedReads(Generic[K, V]):
    def __init__(
        self, read: Callable[[Sequence[K]], Awaitable[dict[K, V]]], missing: Callable[[], V]
    ) -> None:
        """`read(keys)` answers every key it finds; `missing()` is the answer for the others."""
        self._read = read
        self._missing = missing
        self._waiting: dict[K, list[asyncio.Future[V]]] = {}
        self._running: asyncio.Task[None] | None = None

    async def get(self, key: K) -> V:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[V] = loop.create_future()
        self._waiting.setdefault(key, []).append(answer)
        if self._running is None or self._running.done():
            self._running = loop.create_task(self._read_waiting(), name="batched reads")
        return await answer

    async def _read_waiting(self) -> None:
        batch: dict[K, list[asyncio.Future[V]]] = {}
        try:
            while self._waiting:
                keys = list(self._waiting)[:MAX_KEYS]
                batch = {key: self._waiting.pop(key) for key in keys}
                try:
                    found = await self._read(keys)
                except Exception as exc:
                    for answers in batch.values():
                        for answer in answers:
                            if not answer.done():
                                answer.set_exception(exc)
                    continue
                for key, answers in batch.items():
                    value = found[key] if key in found else self._missing()
                    for answer in answers:
                        if not answer.done():  # its caller may have given up
                            answer.set_result(value)
        except BaseException:
            # Stopped (the bot shutting down): no caller is left waiting for ever.
            for answers in [*batch.values(), *self._waiting.values()]:
                for answer in answers:
                    answer.cancel()
            self._waiting.clear()
            raise


def in_list(values: Sequence[object]) -> tuple[str, list[object]]:
    """Placeholders and values for `IN (...)`, the values repeated up to a power of two: a few
    statement shapes, each prepared once (PostgreSQL), whatever the batch's size."""
    size = 1
    while size < len(values):
        size *= 2
    padded = [*values, *[values[-1]] * (size - len(values))]
    return ", ".join("?" * size), padded
