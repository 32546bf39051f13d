"""Working through rows whose next-due time has come: in batches, a few rows at a time.

The timed jobs for celebrations, check-in reminders and daily prompts share this loop: read a
batch of due rows through the next-due index, look at each (deliver what is due, work out the
row's next time), store the answers, and go on while batches come back full. Rows are looked at
a few at a time, so one slow delivery (a Discord round trip, an image) doesn't hold up the
others and the event loop is never held for a whole batch. Each answer is after the run's `now`
(or the row was changed meanwhile), so no row comes back within one run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from bot.domain.due_times import NextDue

Row = TypeVar("Row")

DUE_BATCH = 200
ROWS_AT_ONCE = 8


async def work_through_due(
    fetch: Callable[[int], Awaitable[Sequence[Row]]],
    look: Callable[[Row], Awaitable[NextDue]],
    store: Callable[[Sequence[NextDue]], Awaitable[int]],
    *,
    batch: int = DUE_BATCH,
    at_once: int = ROWS_AT_ONCE,
) -> int:
    """Returns how many rows were looked at. `look` must not raise for a row's own trouble (it
    answers with a retry time instead); anything it raises stops the run, and the rows not yet
    stored stay due for the next one."""
    gate = asyncio.Semaphore(at_once)

    async def one(row: Row) -> NextDue:
        async with gate:
            return await look(row)

    looked_at = 0
    while True:
        rows = await fetch(batch)
        answers = await asyncio.gather(*(one(row) for row in rows))
        await store(answers)
        looked_at += len(rows)
        if len(rows) < batch:
            return looked_at
