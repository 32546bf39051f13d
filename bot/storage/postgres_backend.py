"""The PostgreSQL backend: an asyncpg pool behind the same interface as SQLite's.

Statements keep SQLite's `?` placeholders in the repositories; each is rewritten once to `$n`
(`placeholders.to_numbered`, cached) and asyncpg prepares and caches it per connection. Rows are
asyncpg Records, which answer `row["column"]` and `row[0]` as sqlite3.Row does.

Transactions keep SQLite's semantics: one at a time in the process (an asyncio lock, so waiting
coroutines don't hold pooled connections), and across processes too: each takes a transaction
advisory lock in the same round trip as its BEGIN, as SQLite lets one writer in at a time.
Reads outside a transaction queue on the same lock, so statements run in the order they were
asked for, as on SQLite.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import asyncpg

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
from bot.storage.placeholders import to_numbered
from bot.storage.urls import without_password

# Any constant works; this one spells "hearth" in ASCII, to be recognisable in pg_locks.
WRITER_LOCK = 0x686561727468
_BEGIN = f"BEGIN; SELECT pg_advisory_xact_lock({WRITER_LOCK})"
# A session as a claimant: its backend's pid and start, so a later session reusing the pid is
# somebody else.
_SESSION_NAME = "'pg:' || a.pid || ':' || (extract(epoch FROM a.backend_start) * 1000000)::bigint"
# A claimant is dead once no session has its name. A session of another role shows no start
# (pg_stat_activity hides it): then a session with that pid still counts as alive, so a claim is
# never taken from a live process, at worst it waits for its lease.
_CLAIMANT_DEAD = (
    "NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE {holder} = " + _SESSION_NAME + " OR"
    " (a.backend_start IS NULL AND {holder} LIKE 'pg:' || a.pid || ':%'))"
)
# One connection is held at a time (statements queue on one lock); the pool replaces it if lost.
POOL_SIZE = 2


def _args(params: Params) -> tuple:
    if isinstance(params, dict):
        raise TypeError("named parameters are not portable: use ? placeholders")
    return tuple(params)


def _changed(status: str) -> int:
    """Rows changed, from a command tag such as "UPDATE 3" or "INSERT 0 1"."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def _channel(topic: str) -> str:
    return f"hearth_{topic}"


class PostgresTransaction(Transaction):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        try:
            return _changed(await self._conn.execute(to_numbered(sql), *_args(params)))
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise IntegrityError(str(exc)) from exc

    async def insert(self, sql: str, params: Params = ()) -> int:
        try:
            found = await self._conn.fetchval(to_numbered(sql) + " RETURNING id", *_args(params))
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise IntegrityError(str(exc)) from exc
        return int(found or 0)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        try:
            return await self._conn.fetchrow(to_numbered(sql), *_args(params))
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise IntegrityError(str(exc)) from exc

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        try:
            return list(await self._conn.fetch(to_numbered(sql), *_args(params)))
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise IntegrityError(str(exc)) from exc

    async def run_script(self, sql: str) -> None:
        """Several statements without parameters, in one round trip (migrations)."""
        await self._conn.execute(sql)


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self._lock = asyncio.Lock()
        # Statements take the lock anyway, so they share one connection, held from the pool:
        # giving it back after each statement would cost a reset round trip every time.
        self._held: asyncpg.Connection | None = None
        # LISTEN needs a connection of its own that no statement ever borrows.
        self._listener: asyncpg.Connection | None = None
        # This process as a claimant: the held connection's session, named once per connection.
        self._claimant: tuple[asyncpg.Connection, Claimant] | None = None
        self.url = url
        self.label = without_password(url)

    @classmethod
    async def connect(cls, url: str, *, pool_size: int = POOL_SIZE) -> PostgresDatabase:
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=1,
                max_size=pool_size,
                server_settings={"timezone": "UTC", "application_name": "hearth"},
                # Hearth's statements stay prepared (asyncpg keeps 100 by default).
                statement_cache_size=1024,
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as exc:
            raise DatabaseError(
                f"cannot open the database at {without_password(url)}: {exc}"
            ) from None
        return cls(pool, url)

    async def claimant(self) -> Claimant:
        """The held connection's session: PostgreSQL ends it when the process dies (its
        connection closes, even after SIGKILL), and then its claims pass on at once. A lost
        connection is replaced by a new session, a new claimant: the old one's claims count as
        dead from then on (they are this process's own, so it may take them back)."""
        async with self._lock:
            conn = await self._connection()
            if self._claimant is None or self._claimant[0] is not conn:
                name = await conn.fetchval(
                    f"SELECT {_SESSION_NAME} FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()"
                )
                self._claimant = (conn, Claimant(str(name), _CLAIMANT_DEAD))
            return self._claimant[1]

    async def announce(self, tx: Transaction, topic: str, payload: str) -> None:
        await tx.execute("SELECT pg_notify(?, ?)", (_channel(topic), payload))

    async def follow(self, topic: str, on_change: Callable[[str], None]) -> None:
        if self._listener is None:
            self._listener = await asyncpg.connect(self.url)

        def deliver(_connection: object, _pid: int, _channel: str, payload: str) -> None:
            on_change(payload)

        await self._listener.add_listener(_channel(topic), deliver)

    async def close(self) -> None:
        if self._listener is not None:
            await self._listener.close()
            self._listener = None
        async with self._lock:
            if self._held is not None:
                await self._pool.release(self._held)
                self._held = None
            await self._pool.close()

    async def _connection(self) -> asyncpg.Connection:
        """The held connection (with the lock taken); a new one if the old one was lost."""
        if self._held is not None and self._held.is_closed():
            await self._pool.release(self._held)
            self._held = None
        if self._held is None:
            self._held = await self._pool.acquire()
        return self._held

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self._lock:
            conn = await self._connection()
            await conn.execute(_BEGIN)
            try:
                yield PostgresTransaction(conn)
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                try:
                    await conn.execute("COMMIT")
                except asyncpg.IntegrityConstraintViolationError as exc:
                    raise IntegrityError(str(exc)) from exc

    @asynccontextmanager
    async def single_writes(self) -> AsyncIterator[Transaction]:
        async with self._lock:
            yield PostgresTransaction(await self._connection())

    # Reads queue on the same lock as writes, as on SQLite: a read asked for after a write
    # (a card remembered, then looked up) sees it, whatever the pool's connections do.
    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async with self._lock:
            return await PostgresTransaction(await self._connection()).fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._lock:
            return await PostgresTransaction(await self._connection()).fetch_all(sql, params)

    async def table_names(self, tx: Transaction, *, with_column: str | None = None) -> list[str]:
        if with_column is None:
            rows = await tx.fetch_all(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                " ORDER BY table_name"
            )
        else:
            rows = await tx.fetch_all(
                "SELECT c.table_name FROM information_schema.columns c"
                " JOIN information_schema.tables t ON t.table_schema = c.table_schema"
                " AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'"
                " WHERE c.table_schema = current_schema() AND c.column_name = ?"
                " ORDER BY c.table_name",
                (with_column,),
            )
        return [str(row[0]) for row in rows]

    async def describe(self, tx: Transaction, table: str) -> TableShape:
        columns = await tx.fetch_all(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        keys = await tx.fetch_all(
            "SELECT c.contype::text AS kind, r.relname AS target,"
            " array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum"
            " ORDER BY k.n)::text[] AS columns"
            " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
            " LEFT JOIN pg_class r ON r.oid = c.confrelid"
            " WHERE t.relname = ? AND t.relnamespace = current_schema()::regnamespace"
            " AND c.contype IN ('p', 'f')",
            (table,),
        )
        primary = next((tuple(row["columns"]) for row in keys if row["kind"] == "p"), ())
        return TableShape(
            columns=tuple(row["column_name"] for row in columns),
            instants=frozenset(
                row["column_name"]
                for row in columns
                if row["data_type"] == "timestamp with time zone"
            ),
            primary_key=primary,
            references=frozenset(row["target"] for row in keys if row["kind"] == "f"),
        )

    async def after_copy(self, tx: Transaction, table: str) -> None:
        shape = await self.describe(tx, table)
        if shape.primary_key == ("id",):
            await tx.fetch_one(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" COALESCE(max(id), 0) + 1, false) FROM {table}"
            )

    async def flush_erased(self) -> None:
        """Nothing to do at once: PostgreSQL keeps a deleted row's old version in the table
        file until VACUUM (run by autovacuum) makes its space reusable; see the README."""

    async def compact(self) -> None:
        """VACUUM FULL rewrites every table into new files, without old row versions."""
        async with self._lock:
            await (await self._connection()).execute("VACUUM FULL")

    async def _apply(self, tx: Transaction, migration: Migration) -> None:
        if not isinstance(tx, PostgresTransaction):
            raise TypeError("a PostgreSQL migration needs a PostgreSQL transaction")
        await tx.run_script(migration.sql)
