"""Background tasks that are never fire-and-forget: references kept, failures logged."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class BackgroundTasks:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        if (error := task.exception()) is not None:
            log.error(
                "background task failed",
                exc_info=(type(error), error, error.__traceback__),
                extra={"task": task.get_name()},
            )

    async def wait_idle(self) -> None:
        """Wait until every task spawned so far (and any they spawn) has finished."""
        while pending := [t for t in self._tasks if t is not asyncio.current_task()]:
            await asyncio.wait(pending)

    async def cancel_all(self) -> None:
        current = asyncio.current_task()
        pending = [t for t in self._tasks if t is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
