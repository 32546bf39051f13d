"""Helpers for repository tests: reopening the same file, counting rows, failing mid-way."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.storage.storage import Storage, open_storage


@asynccontextmanager
async def reopened(path: Path) -> AsyncIterator[Storage]:
    """The same database file opened again, as after a restart."""
    storage = await open_storage(path)
    try:
        yield storage
    finally:
        await storage.close()


async def count(storage: Storage, table: str) -> int:
    row = await storage.database.fetch_one(f"SELECT count(*) FROM {table}")
    assert row is not None
    return int(row[0])


@asynccontextmanager
async def failing_inserts(storage: Storage, table: str) -> AsyncIterator[None]:
    """While inside, every INSERT into `table` aborts, as a full disk or a broken constraint
    would: a repository writing to it after other statements must roll all of them back."""
    trigger = f"fail_insert_{table}"
    async with storage.database.transaction() as tx:
        await tx.execute(
            f"CREATE TRIGGER {trigger} BEFORE INSERT ON {table}"
            " BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )
    try:
        yield
    finally:
        async with storage.database.transaction() as tx:
            await tx.execute(f"DROP TRIGGER {trigger}")
