"""The SQLite backend: one aiosqlite connection for the whole bot, with pragmas.

A lock serialises access so one coroutine's transaction never interleaves with another's
statements; reads outside a transaction take the lock too, so they never observe another
coroutine's uncommitted writes. Instants arrive as datetimes (`to_db`) and are stored as their
canonical fixed-width text, whose order is time order.
"""

from __future__ import annotations

import asyncio
import secrets
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import aiosqlite

from bot.storage.database import (
    Claimant,
    Database,
    DatabaseError,
    IntegrityError,
    Migration,
    Params,
    Row,
    TableShape,
    Transaction,
)
from bot.storage.timestamps import as_text

_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
    # Erased rows are overwritten with zeros, not left readable in free space.
    "PRAGMA secure_delete = ON",
)


def _stored(params: Params) -> Params:
    if isinstance(params, dict):
        return {k: as_text(v) if isinstance(v, datetime) else v for k, v in params.items()}
    return [as_text(v) if isinstance(v, datetime) else v for v in params]


def migration_statements(migration: Migration) -> list[str]:
    """Split into statements; `executescript` would COMMIT and break the single transaction."""
    statements, current = [], ""
    for line in migration.sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip().strip(";").strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        raise DatabaseError(f"migration {migration.name} ends with an incomplete statement")
    return statements


class SqliteTransaction(Transaction):
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        try:
            cursor = await self._conn.execute(sql, _stored(params))
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc
        return cursor.rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        try:
            cursor = await self._conn.execute(sql, _stored(params))
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc
        return int(cursor.lastrowid or 0)

    # Each aiosqlite call is a round trip to its thread, the main cost under load, so reads use
    # the single-call execute_fetchall rather than execute + fetch + close.
    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        try:
            return list(await self._conn.execute_fetchall(sql, _stored(params)))
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path
        self.label = str(path)
        # Fixed width, so text order is start order (see `claimant`).
        self._claimant = Claimant(
            name=f"sqlite:{time.time_ns():020d}:{secrets.token_hex(4)}",
            dead_sql="{holder} < ?",
        )

    @classmethod
    async def connect(cls, path: Path) -> SqliteDatabase:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise DatabaseError(f"cannot open the database at {path}: {exc}") from None
        conn.row_factory = sqlite3.Row
        try:
            for pragma in _PRAGMAS:
                await conn.execute(pragma)
        except sqlite3.Error as exc:
            await conn.close()
            raise DatabaseError(f"cannot use the database at {path}: {exc}") from None
        return cls(conn, path)

    async def claimant(self) -> Claimant:
        """A SQLite file serves one process at a time (bot/process_lock.py), so a claimant that
        started before this one has ended: its claims pass to this process at once. One that
        started later (a tool beside it, a test's second connection) counts as alive."""
        return Claimant(self._claimant.name, self._claimant.dead_sql, (self._claimant.name,))

    # A SQLite file serves one process (bot/process_lock.py): there is nobody else to tell.
    async def announce(self, tx: Transaction, topic: str, payload: str) -> None:
        return None

    async def follow(self, topic: str, on_change: Callable[[str], None]) -> None:
        return None

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTransaction(self._conn)
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            else:
                try:
                    await self._conn.execute("COMMIT")
                except BaseException as exc:
                    # A refused COMMIT (deferred constraint, full disk) leaves the transaction
                    # open, and every later write on this connection would fail with it.
                    if self._conn.in_transaction:
                        await self._conn.execute("ROLLBACK")
                    if isinstance(exc, sqlite3.IntegrityError):
                        raise IntegrityError(str(exc)) from exc
                    raise

    @asynccontextmanager
    async def single_writes(self) -> AsyncIterator[Transaction]:
        async with self._lock:
            yield SqliteTransaction(self._conn)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async with self._lock:
            return await SqliteTransaction(self._conn).fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._lock:
            return await SqliteTransaction(self._conn).fetch_all(sql, params)

    async def table_names(self, tx: Transaction, *, with_column: str | None = None) -> list[str]:
        if with_column is None:
            rows = await tx.fetch_all(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        else:
            rows = await tx.fetch_all(
                "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c"
                " WHERE m.type = 'table' AND c.name = ? ORDER BY m.name",
                (with_column,),
            )
        return [str(row[0]) for row in rows]

    async def describe(self, tx: Transaction, table: str) -> TableShape:
        columns = await tx.fetch_all(f"PRAGMA table_info({table})")
        keyed = sorted((row["pk"], row["name"]) for row in columns if row["pk"])
        links = await tx.fetch_all(f"PRAGMA foreign_key_list({table})")
        return TableShape(
            columns=tuple(row["name"] for row in columns),
            instants=frozenset(),  # instants are text here
            primary_key=tuple(name for _, name in keyed),
            references=frozenset(row["table"] for row in links),
        )

    async def after_copy(self, tx: Transaction, table: str) -> None:
        """Nothing to do: SQLite's next id is always one past the largest."""

    async def flush_erased(self) -> None:
        """Move erased pages out of the write-ahead log into the file, where `secure_delete`
        has zeroed what was removed, so erased words do not linger on disk."""
        async with self._lock:
            await self._conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")

    async def compact(self) -> None:
        """Rewrite the file and empty the write-ahead log: old values are gone from the disk."""
        async with self._lock:
            await self._conn.execute("VACUUM")
            await self._conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")

    async def _apply(self, tx: Transaction, migration: Migration) -> None:
        for statement in migration_statements(migration):
            await tx.execute(statement)
