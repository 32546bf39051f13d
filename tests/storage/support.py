"""Helpers for repository tests: reopening the same file, counting rows, failing mid-way."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.storage.database import Row
from bot.storage.storage import Storage, open_storage
from bot.storage.timestamps import plain


@asynccontextmanager
async def reopened(path: Path | str) -> AsyncIterator[Storage]:
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


class PlainRow(tuple):
    """A stored row with instants as their canonical text on either backend, so a test can
    check what is stored ("2026-03-07T12:00:00.000Z") the same way on both."""

    _names: list[str]

    def __new__(cls, row: Row) -> PlainRow:
        made = super().__new__(cls, (plain(value) for value in row))
        made._names = list(row.keys())
        return made

    def __getitem__(self, key):  # type: ignore[no-untyped-def,override]
        if isinstance(key, str):
            key = self._names.index(key)
        return tuple.__getitem__(self, key)


async def plain_one(storage: Storage, sql: str, params: tuple = ()) -> PlainRow | None:
    row = await storage.database.fetch_one(sql, params)
    return None if row is None else PlainRow(row)


async def plain_all(storage: Storage, sql: str, params: tuple = ()) -> list[PlainRow]:
    return [PlainRow(row) for row in await storage.database.fetch_all(sql, params)]


@asynccontextmanager
async def failing_inserts(storage: Storage, table: str) -> AsyncIterator[None]:
    """While inside, every INSERT into `table` aborts, as a full disk or a broken constraint
    would: a repository writing to it after other statements must roll all of them back."""
    trigger = f"fail_insert_{table}"
    if storage.database.dialect == "postgresql":
        create = [
            "CREATE OR REPLACE FUNCTION fail_insert() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'injected failure' USING ERRCODE = 'check_violation';"
            " END $$",
            f"CREATE TRIGGER {trigger} BEFORE INSERT ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION fail_insert()",
        ]
        drop = f"DROP TRIGGER {trigger} ON {table}"
    else:
        create = [
            f"CREATE TRIGGER {trigger} BEFORE INSERT ON {table}"
            " BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        ]
        drop = f"DROP TRIGGER {trigger}"
    async with storage.database.transaction() as tx:
        for statement in create:
            await tx.execute(statement)
    try:
        yield
    finally:
        async with storage.database.transaction() as tx:
            await tx.execute(drop)
