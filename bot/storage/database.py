"""The database the repositories talk to: one interface, two backends.

Repositories hold one SQL text per statement, portable between SQLite (the embedded default,
`bot/storage/sqlite_backend.py`) and PostgreSQL (`bot/storage/postgres_backend.py`), and reach
the database only through `Database` and `Transaction` below: `execute`, `insert`, `fetch_one`,
`fetch_all`, `transaction()` and `single_writes()`. Rows answer `row["column"]` and `row[0]`
on both. Which backend serves a process is chosen by the database URL
(`bot/storage/backends.py`).

Transactions are serialised the same way on both: one at a time in a process, so a
transaction's reads and writes never interleave with another coroutine's.
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from bot.storage.timestamps import to_db

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]
Dialect = Literal["sqlite", "postgresql"]

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class Row(Protocol):
    """What both drivers' rows offer: sqlite3.Row and asyncpg.Record."""

    def __getitem__(self, key: int | str, /) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...
    def keys(self) -> Any: ...


class DatabaseError(Exception):
    """The database could not be opened or migrated; the message says why in plain words."""


class IntegrityError(Exception):
    """A statement broke a constraint (unique, foreign key, check), on either backend."""


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
class TableShape:
    """What copying a table needs to know: its columns (in order), which hold instants as a
    native type, its primary key, and the tables its foreign keys point to."""

    columns: tuple[str, ...]
    instants: frozenset[str]
    primary_key: tuple[str, ...]
    references: frozenset[str]


@dataclass(frozen=True)
class Claimant:
    """Who this process is when it claims shared work (a delivery), and how one statement tells
    that another claimant has died, so a dead process's claims pass on at once instead of after
    their lease. `dead(column)` is an SQL condition on the column naming a claim's holder, with
    `dead_params` for its placeholders."""

    name: str
    dead_sql: str  # with {holder} where the holder's column goes
    dead_params: tuple[Any, ...] = ()

    def dead(self, holder: str) -> str:
        return "(" + self.dead_sql.format(holder=holder) + ")"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations(dialect: Dialect = "sqlite") -> list[Migration]:
    """The numbered migrations for a dialect: `migrations/` for SQLite, and their twins with
    the same numbers in `migrations/postgresql/`."""
    folder = resources.files("bot.storage") / "migrations"
    if dialect == "postgresql":
        folder = folder / "postgresql"
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


def is_postgres_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


class Transaction(ABC):
    """Statements on one connection: inside BEGIN … COMMIT, or each on its own (single_writes)."""

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows changed."""

    @abstractmethod
    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT into a table with an `id` column; returns the new row's id."""

    @abstractmethod
    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None: ...

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...


class Database(ABC):
    dialect: Dialect
    # Where this database is, for messages: a file path, or a URL without its password.
    label: str

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """BEGIN … COMMIT, rolled back when the block raises."""

    @abstractmethod
    def single_writes(self) -> AbstractAsyncContextManager[Transaction]:
        """Hold a connection for a few statements, each committing on its own.

        For the hot path where one statement writes (atomic by itself, so it needs no explicit
        BEGIN) and the next ones read what it wrote: two round trips fewer than transaction().
        Anything that writes more than once belongs in transaction().
        """

    @abstractmethod
    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None: ...

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    @abstractmethod
    async def table_names(self, tx: Transaction, *, with_column: str | None = None) -> list[str]:
        """The tables of the schema (only those with the column, when given), sorted."""

    @abstractmethod
    async def describe(self, tx: Transaction, table: str) -> TableShape: ...

    @abstractmethod
    async def after_copy(self, tx: Transaction, table: str) -> None:
        """Rows were written with their ids: make new ids continue after them."""

    @abstractmethod
    async def flush_erased(self) -> None:
        """Make erased rows leave what the backend keeps on disk as far as it can now."""

    @abstractmethod
    async def compact(self) -> None:
        """Rewrite the stored tables so no old version of a changed value is left in them."""

    @abstractmethod
    async def _apply(self, tx: Transaction, migration: Migration) -> None: ...

    @abstractmethod
    async def claimant(self) -> Claimant:
        """This process as a claimant; a process that ends (even by SIGKILL) counts as dead."""

    @abstractmethod
    async def announce(self, tx: Transaction, topic: str, payload: str) -> None:
        """Tell the other processes sharing this database that something they may keep in memory
        changed; delivered when `tx` commits."""

    @abstractmethod
    async def follow(self, topic: str, on_change: Callable[[str], None]) -> None:
        """Call `on_change(payload)` for every announcement on `topic`, from any process."""

    async def schema_version(self) -> int:
        async with self.transaction() as tx:
            return await self._version(tx)

    async def _version(self, tx: Transaction) -> int:
        if "schema_migrations" not in await self.table_names(tx):
            return 0
        row = await tx.fetch_one(
            "SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations"
        )
        return int(row["version"]) if row else 0

    async def migrate(
        self, migrations: list[Migration] | None = None, *, target: int | None = None
    ) -> list[int]:
        """Apply pending migrations (up to `target`) in one transaction; returns those applied."""
        available = bundled_migrations(self.dialect) if migrations is None else migrations
        latest = available[-1].version if available else 0
        async with self.transaction() as tx:
            current = await self._version(tx)
            if current > latest:
                raise DatabaseError(
                    f"the database is at schema version {current} but this Hearth only knows "
                    f"{latest}: it was written by a newer version"
                )
            pending = [
                m
                for m in available
                if m.version > current and (target is None or m.version <= target)
            ]
            if not pending:
                return []
            stamp = "TIMESTAMPTZ" if self.dialect == "postgresql" else "TEXT"
            await tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                f" version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at {stamp} NOT NULL)"
            )
            for migration in pending:
                await self._apply(tx, migration)
                await tx.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, to_db(datetime.now(UTC))),
                )
        applied = [m.version for m in pending]
        log.info("migrations applied", extra={"versions": ",".join(map(str, applied))})
        return applied
