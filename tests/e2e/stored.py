"""Looking into (or tampering with) the bot's database from a test, on either backend.

`connect(database)` is `sqlite3.connect` for a SQLite file. For a PostgreSQL URL it gives a
connection with the same small surface (`execute(...)` with `?` placeholders, then `fetchone`,
`fetchall` or iteration; a `with` block), each statement committed on its own. Rows are tuples
that also answer by name (and to `dict(row)`), with instants as their canonical text, so a test
reads the same values from both.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg

from bot.storage.placeholders import to_numbered
from bot.storage.timestamps import from_db, plain

Target = Path | str


class PlainRow(tuple):
    """A row that is a tuple (equal to one), and also answers by name and to `dict(row)`."""

    _names: list[str]

    def __new__(cls, names: list[str], values: Any) -> PlainRow:
        made = super().__new__(cls, (plain(value) for value in values))
        made._names = names
        return made

    def keys(self) -> list[str]:
        return list(self._names)

    def __getitem__(self, key):  # type: ignore[no-untyped-def,override]
        if isinstance(key, str):
            key = self._names.index(key)
        return tuple.__getitem__(self, key)


class _Cursor:
    def __init__(self, rows: list[PlainRow]) -> None:
        self._rows = rows

    def fetchall(self) -> list[PlainRow]:
        return list(self._rows)

    def fetchone(self) -> PlainRow | None:
        return self._rows[0] if self._rows else None

    def __iter__(self) -> Iterator[PlainRow]:
        return iter(self._rows)


def _argument(value: Any) -> Any:
    """Instants written as canonical text in a test become datetimes for TIMESTAMPTZ."""
    if isinstance(value, str) and len(value) == 24 and value.endswith("Z") and value[10] == "T":
        return from_db(value)
    return value


class PostgresConnection:
    """One asyncpg connection driven from synchronous test code, on a loop of its own."""

    row_factory: Any = None  # accepted for sqlite3 compatibility; rows always have names

    def __init__(self, url: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._conn: asyncpg.Connection = self._call(asyncpg.connect(url))

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def execute(self, sql: str, params: tuple | list = ()) -> _Cursor:
        args = [_argument(value) for value in params]
        records = self._call(self._conn.fetch(to_numbered(sql), *args))
        return _Cursor([PlainRow(list(record.keys()), record.values()) for record in records])

    def close(self) -> None:
        self._call(self._conn.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


@contextmanager
def connect(database: Target) -> Iterator[Any]:
    if isinstance(database, str) and database.startswith("postgresql://"):
        conn = PostgresConnection(database)
        try:
            yield conn
        finally:
            conn.close()
        return
    with sqlite3.connect(database) as lite:
        lite.row_factory = _named
        yield lite


def _named(cursor: sqlite3.Cursor, values: tuple) -> PlainRow:
    return PlainRow([column[0] for column in cursor.description], values)


def is_postgres(database: Target) -> bool:
    return isinstance(database, str) and database.startswith("postgresql://")


def url_of(database: Target) -> str:
    """HEARTH_DATABASE_URL for the database."""
    return database if isinstance(database, str) else f"sqlite:///{database}"


def holds_text(database: Target, text: str) -> bool:
    """Whether the text is anywhere in what the database stores: in the SQLite file and its
    journal, or in any row of any table on PostgreSQL."""
    if not isinstance(database, str):
        return any(text.encode() in kept.read_bytes() for kept in database.parent.iterdir())
    with connect(database) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            )
        ]
        return any(
            conn.execute(
                f"SELECT 1 FROM {table} t WHERE strpos(t::text, ?) > 0", (text,)
            ).fetchall()
            for table in tables
        )


def state_dir_for(database: Target) -> Path:
    """HEARTH_STATE_DIR for a bot process: beside the SQLite file, or a new temporary folder
    with PostgreSQL (never the working tree)."""
    if isinstance(database, Path):
        return database.parent
    return Path(tempfile.mkdtemp(prefix="hearth-state-"))


def tables(conn: Any, *, with_column: str | None = None) -> list[str]:
    """The tables of the database open on `conn` (only those with the column, when given)."""
    if isinstance(conn, PostgresConnection):
        sql = (
            "SELECT table_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND column_name = ?"
            if with_column
            else "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    else:
        sql = (
            "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c"
            " WHERE m.type = 'table' AND c.name = ?"
            if with_column
            else "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
    rows = conn.execute(sql, (with_column,) if with_column else ())
    return sorted(str(row[0]) for row in rows)


def postgres_files(database: str) -> bytes:
    """Every file of the PostgreSQL database, once a checkpoint has written out its pages."""
    with connect(database) as conn:
        conn.execute("CHECKPOINT")
        folder = Path(conn.execute("SHOW data_directory").fetchone()[0])
        oid = conn.execute(
            "SELECT oid FROM pg_database WHERE datname = current_database()"
        ).fetchone()[0]
    return b"".join(part.read_bytes() for part in sorted((folder / "base" / str(oid)).iterdir()))
