"""Copying a whole database into an empty one of the other kind (SQLite into PostgreSQL), and
proving the copy: row counts and a checksum per table, computed the same way on both sides.

The copy runs in one transaction on the target, table by table in foreign-key order, in batches
read by primary key; ids are kept. The checksum of a table is the sum (mod 2^256) of a SHA-256
per row over its values in canonical form (instants as their ISO text, NULL distinct from
every text), so it does not depend on the order either database returns rows in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.database import Database, DatabaseError, Row, TableShape, Transaction
from bot.storage.timestamps import as_text, from_db

BATCH_ROWS = 500
_SKIPPED = {"schema_migrations"}  # each database keeps its own record of its migrations
_MODULUS = 2**256


class CopyError(Exception):
    """The copy was refused or failed; the message is one line saying why."""


@dataclass(frozen=True)
class TableCopy:
    table: str
    rows: int
    checksum: str


def _canonical(value: Any, instant: bool) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, datetime):
        return as_text(value)
    if instant:
        return as_text(from_db(value))
    if isinstance(value, bytes):
        return "b:" + value.hex()
    if isinstance(value, float):
        return "f:" + repr(value)
    return str(value)


def row_digest(row: Row, shape: TableShape, instants: frozenset[str]) -> int:
    text = "\x1f".join(_canonical(row[i], name in instants) for i, name in enumerate(shape.columns))
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


async def _pages(tx: Transaction, table: str, shape: TableShape) -> Any:
    """Every row of the table, a batch at a time, in primary-key order."""
    key = shape.primary_key
    if not key:
        raise CopyError(f"table {table} has no primary key to copy it by")
    names = ", ".join(shape.columns)
    order = ", ".join(key)
    after = f"({order}) > ({', '.join('?' for _ in key)})"
    last: tuple | None = None
    while True:
        where = f" WHERE {after}" if last is not None else ""
        rows = await tx.fetch_all(
            f"SELECT {names} FROM {table}{where} ORDER BY {order} LIMIT ?",
            (*(last or ()), BATCH_ROWS),
        )
        if not rows:
            return
        yield rows
        last = tuple(rows[-1][shape.columns.index(name)] for name in key)


async def table_summary(
    tx: Transaction, table: str, shape: TableShape, instants: frozenset[str]
) -> tuple[int, str]:
    """(rows, checksum) of a table."""
    count, total = 0, 0
    async for rows in _pages(tx, table, shape):
        count += len(rows)
        for row in rows:
            total = (total + row_digest(row, shape, instants)) % _MODULUS
    return count, f"{total:064x}"


def _dependency_order(shapes: dict[str, TableShape]) -> list[str]:
    ordered: list[str] = []
    placed: set[str] = set()
    while len(ordered) < len(shapes):
        ready = sorted(
            name
            for name, shape in shapes.items()
            if name not in placed and shape.references - {name} <= placed
        )
        if not ready:
            raise CopyError("the tables' foreign keys form a cycle: no order to copy them in")
        ordered += ready
        placed.update(ready)
    return ordered


async def _shapes(db: Database) -> dict[str, TableShape]:
    async with db.transaction() as tx:
        names = [n for n in await db.table_names(tx) if n not in _SKIPPED]
        return {name: await db.describe(tx, name) for name in names}


async def _refuse_unless_empty(target: Database, tables: list[str]) -> None:
    async with target.transaction() as tx:
        for table in tables:
            if await tx.fetch_one(f"SELECT 1 FROM {table} LIMIT 1") is not None:
                raise CopyError(
                    f"the target database is not empty (table {table} has rows); copy-data "
                    "only fills a new, empty database"
                )


def _converted(row: Row, shape: TableShape, instants: frozenset[str]) -> list[Any]:
    return [
        from_db(value) if name in instants and isinstance(value, str) else value
        for name, value in zip(shape.columns, row, strict=True)
    ]


async def copy_database(
    source: Database,
    target: Database,
    report: Callable[[TableCopy], None] = lambda _: None,
) -> list[TableCopy]:
    """Copy `source` into the empty `target` (migrated here), then verify every table."""
    try:
        await target.migrate()
        versions = (await source.schema_version(), await target.schema_version())
    except DatabaseError as exc:
        raise CopyError(str(exc)) from None
    if versions[0] != versions[1]:
        raise CopyError(
            f"the source database is at schema version {versions[0]} and this Hearth's is "
            f"{versions[1]}: run `python -m bot migrate` on it first"
        )
    source_shapes, target_shapes = await _shapes(source), await _shapes(target)
    if sorted(source_shapes) != sorted(target_shapes):
        missing = sorted(set(source_shapes) ^ set(target_shapes))
        raise CopyError(f"the two databases' tables differ: {', '.join(missing)}")
    order = _dependency_order(target_shapes)
    await _refuse_unless_empty(target, order)
    async with source.transaction() as read, target.transaction() as write:
        for table in order:
            shape = source_shapes[table]
            if set(shape.columns) != set(target_shapes[table].columns):
                raise CopyError(f"table {table} has different columns in the two databases")
            instants = target_shapes[table].instants
            async for rows in _pages(read, table, shape):
                await _insert(write, table, shape, [_converted(r, shape, instants) for r in rows])
            await target.after_copy(write, table)
    return await verify(source, target, order, source_shapes, target_shapes, report)


async def _insert(tx: Transaction, table: str, shape: TableShape, rows: list[list[Any]]) -> None:
    one = "(" + ", ".join("?" for _ in shape.columns) + ")"
    await tx.execute(
        f"INSERT INTO {table} ({', '.join(shape.columns)}) VALUES " + ", ".join(one for _ in rows),
        [value for row in rows for value in row],
    )


async def verify(
    source: Database,
    target: Database,
    order: list[str],
    source_shapes: dict[str, TableShape],
    target_shapes: dict[str, TableShape],
    report: Callable[[TableCopy], None],
) -> list[TableCopy]:
    copies = []
    async with source.transaction() as left, target.transaction() as right:
        for table in order:
            instants = target_shapes[table].instants
            # Both sides read the columns in the source's order, so the digests line up.
            shape = source_shapes[table]
            here = await table_summary(left, table, shape, instants)
            there = await table_summary(right, table, shape, instants)
            if here != there:
                raise CopyError(
                    f"table {table} differs after the copy: {here[0]} rows here, {there[0]} "
                    "there, or their checksums differ; the target was left as it is"
                )
            copy = TableCopy(table, here[0], here[1])
            report(copy)
            copies.append(copy)
    return copies
