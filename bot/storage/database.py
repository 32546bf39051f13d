"""An SQLite database opened from a URL, with pragmas, serialised transactions and migrations.

One aiosqlite connection serves the whole bot. A lock serialises access so one coroutine's
transaction never interleaves with another's statements; reads outside a transaction take the
lock too, so they never observe another coroutine's uncommitted writes.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

log = logging.getLogger(__name__)

Row = sqlite3.Row
Params = Sequence[Any] | dict[str, Any]

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
    # Erased rows are overwritten with zeros, not left readable in free space.
    "PRAGMA secure_delete = ON",
)


class DatabaseError(Exception):
    """The database could not be opened or migrated; the message says why in plain words."""


class MissingRow(LookupError):
    """A row the statement just before guarantees is not there: something else changed the
    database in between (a server's data erased meanwhile, another process, a manual edit)."""


Found = TypeVar("Found")


def present(found: Found | None, what: str) -> Found:
    """`found`, or MissingRow naming `what` when it is None."""
    if found is None:
        raise MissingRow(f"{what} is missing from the database")
    return found


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        """Split into statements; `executescript` would COMMIT and break the single transaction."""
        statements, current = [], ""
        for line in self.sql.splitlines(keepends=True):
            current += line
            if sqlite3.complete_statement(current):
                if current.strip().strip(";").strip():
                    statements.append(current.strip())
                current = ""
        if current.strip():
            raise DatabaseError(f"migration {self.name} ends with an incomplete statement")
        return statements


def bundled_migrations() -> list[Migration]:
    folder = resources.files("bot.storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise DatabaseError(f"migration numbers must run 1..n without gaps, found {versions}")
    return found


class Transaction:
    """Statements inside one BEGIN IMMEDIATE … COMMIT."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows changed."""
        cursor = await self._conn.execute(sql, params)
        return cursor.rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT; returns the new row's id."""
        cursor = await self._conn.execute(sql, params)
        return int(cursor.lastrowid or 0)

    # Each aiosqlite call is a round trip to its thread, the main cost under load, so reads use
    # the single-call execute_fetchall rather than execute + fetch + close.
    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self._conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._conn.execute_fetchall(sql, params))


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> Database:
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

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(self._conn)
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            else:
                try:
                    await self._conn.execute("COMMIT")
                except BaseException:
                    # A refused COMMIT (deferred constraint, full disk) leaves the transaction
                    # open, and every later write on this connection would fail with it.
                    if self._conn.in_transaction:
                        await self._conn.execute("ROLLBACK")
                    raise

    @asynccontextmanager
    async def single_writes(self) -> AsyncIterator[Transaction]:
        """Hold the connection for a few statements, each committing on its own.

        For the hot path where one statement writes (atomic by itself, so it needs no explicit
        BEGIN) and the next ones read what it wrote: two round trips fewer than transaction().
        Anything that writes more than once belongs in transaction().
        """
        async with self._lock:
            yield Transaction(self._conn)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async with self._lock:
            return await Transaction(self._conn).fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._lock:
            return await Transaction(self._conn).fetch_all(sql, params)

    async def schema_version(self) -> int:
        async with self._lock:
            exists = await Transaction(self._conn).fetch_one(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            )
            if exists is None:
                return 0
            row = await Transaction(self._conn).fetch_one(
                "SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations"
            )
            return int(row["version"]) if row else 0

    async def migrate(
        self, migrations: list[Migration] | None = None, *, target: int | None = None
    ) -> list[int]:
        """Apply pending migrations (up to `target`) in one transaction; returns those applied."""
        available = bundled_migrations() if migrations is None else migrations
        current = await self.schema_version()
        latest = available[-1].version if available else 0
        if current > latest:
            raise DatabaseError(
                f"the database is at schema version {current} but this Hearth only knows "
                f"{latest}: it was written by a newer version"
            )
        pending = [
            m for m in available if m.version > current and (target is None or m.version <= target)
        ]
        if not pending:
            return []
        async with self.transaction() as tx:
            await tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            for migration in pending:
                for statement in migration.statements():
                    await tx.execute(statement)
                await tx.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at)"
                    " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                    (migration.version, migration.name),
                )
        applied = [m.version for m in pending]
        log.info("migrations applied", extra={"versions": ",".join(map(str, applied))})
        return applied
