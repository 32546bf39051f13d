"""The shared loop of the due runs: batches until one comes back short, a few rows at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.domain.due_times import NextDue
from bot.due_batches import work_through_due

LATER = datetime(2026, 1, 1, tzinfo=UTC)


async def test_batches_go_on_while_full_and_rows_are_looked_at_a_few_at_a_time() -> None:
    due = list(range(25))
    stored: list[NextDue] = []
    running = 0
    most = 0

    async def fetch(limit: int) -> list[int]:
        return due[:limit]

    async def look(row: int) -> NextDue:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        running -= 1
        return NextDue((row,), 0, LATER)

    async def store(answers: Sequence[NextDue]) -> int:
        stored.extend(answers)
        done = {answer.key[0] for answer in answers}
        due[:] = [row for row in due if row not in done]
        return len(answers)

    looked = await work_through_due(fetch, look, store, batch=10, at_once=3)
    assert looked == 25
    assert sorted(answer.key[0] for answer in stored) == list(range(25))
    assert most == 3
    assert due == []


async def test_an_empty_index_is_one_read_and_nothing_stored() -> None:
    reads: list[int] = []
    stores: list[Sequence[NextDue]] = []

    async def fetch(limit: int) -> list[int]:
        reads.append(limit)
        return []

    async def look(row: int) -> NextDue:
        raise AssertionError("nothing is due")

    async def store(answers: Sequence[NextDue]) -> int:
        stores.append(answers)
        return 0

    assert await work_through_due(fetch, look, store) == 0
    assert reads == [200]
    assert stores == [[]]
