"""A schema read back from a live database, in terms both backends share, for comparing the
SQLite migrations with their PostgreSQL twins."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.storage.database import Database

# Columns that hold instants: TEXT on SQLite, TIMESTAMPTZ on PostgreSQL (the naming rule of
# bot/storage/migrations/postgresql/README.md).
INSTANT_NAME = re.compile(r"^(\w+_at|at|since|wait_until|occurrence|first_at|event_start)$")
_PG_FAMILY = {"bigint": "integer", "integer": "integer", "text": "text"}
_PG_DELETE = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}


@dataclass(frozen=True)
class Column:
    name: str
    family: str  # integer, text or instant
    not_null: bool
    default: str | None


@dataclass
class Table:
    columns: dict[str, Column] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()
    unique: set[tuple[str, ...]] = field(default_factory=set)
    # name -> (columns, unique, partial)
    indexes: dict[str, tuple[tuple[str, ...], bool, bool]] = field(default_factory=dict)
    # (columns, referenced table, referenced columns, on delete)
    foreign_keys: set[tuple[tuple[str, ...], str, tuple[str, ...], str]] = field(
        default_factory=set
    )


def _default(text: str | None) -> str | None:
    if text is None:
        return None
    text = re.sub(r"::[a-z ]+$", "", text.strip())
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return text


async def read_schema(database: Database) -> dict[str, Table]:
    if database.dialect == "postgresql":
        return await _read_postgres(database)
    return await _read_sqlite(database)


async def _read_sqlite(database: Database) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    async with database.transaction() as tx:
        for name in await database.table_names(tx):
            table = tables[name] = Table()
            info = await tx.fetch_all(f"PRAGMA table_info({name})")
            keyed = sorted((row["pk"], row["name"]) for row in info if row["pk"])
            table.primary_key = tuple(column for _, column in keyed)
            for row in info:
                declared = str(row["type"]).upper()
                family = "integer" if declared == "INTEGER" else "text"
                if family == "text" and INSTANT_NAME.match(row["name"]):
                    family = "instant"
                not_null = bool(row["notnull"]) or row["name"] in table.primary_key
                table.columns[row["name"]] = Column(
                    row["name"], family, not_null, _default(row["dflt_value"])
                )
            for index in await tx.fetch_all(f"PRAGMA index_list({name})"):
                columns = tuple(
                    row["name"] for row in await tx.fetch_all(f"PRAGMA index_info({index['name']})")
                )
                if index["origin"] == "u":
                    table.unique.add(columns)
                elif index["origin"] == "c":
                    entry = (columns, bool(index["unique"]), bool(index["partial"]))
                    table.indexes[index["name"]] = entry
            links: dict[int, list] = {}
            for row in await tx.fetch_all(f"PRAGMA foreign_key_list({name})"):
                links.setdefault(row["id"], []).append(row)
            for rows in links.values():
                ordered = sorted(rows, key=lambda row: row["seq"])
                table.foreign_keys.add(
                    (
                        tuple(row["from"] for row in ordered),
                        ordered[0]["table"],
                        tuple(row["to"] for row in ordered),
                        ordered[0]["on_delete"],
                    )
                )
    return tables


_PG_INDEXES = (
    "SELECT i.relname AS name, ix.indisunique AS is_unique, ix.indpred IS NOT NULL AS partial,"
    " EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid) AS backs,"
    " array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n)"
    " JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum"
    " ORDER BY k.n)::text[] AS columns"
    " FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid"
    " JOIN pg_class t ON t.oid = ix.indrelid"
    " WHERE t.relname = ? AND t.relnamespace = 'public'::regnamespace"
)
_PG_CONSTRAINTS = (
    "SELECT c.contype::text AS kind, c.confdeltype::text AS on_delete, r.relname AS target,"
    " array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)"
    " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum"
    " ORDER BY k.n)::text[] AS columns,"
    " array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)"
    " JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum"
    " ORDER BY k.n)::text[] AS target_columns"
    " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
    " LEFT JOIN pg_class r ON r.oid = c.confrelid"
    " WHERE t.relname = ? AND t.relnamespace = 'public'::regnamespace"
    " AND c.contype IN ('p', 'u', 'f')"
)


async def _read_postgres(database: Database) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    async with database.transaction() as tx:
        for name in await database.table_names(tx):
            table = tables[name] = Table()
            for row in await tx.fetch_all(
                "SELECT column_name, data_type, is_nullable, column_default"
                " FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = ?",
                (name,),
            ):
                data_type = str(row["data_type"])
                family = (
                    "instant"
                    if data_type == "timestamp with time zone"
                    else _PG_FAMILY.get(data_type, data_type)
                )
                table.columns[row["column_name"]] = Column(
                    row["column_name"],
                    family,
                    row["is_nullable"] == "NO",
                    _default(row["column_default"]),
                )
            for row in await tx.fetch_all(_PG_CONSTRAINTS, (name,)):
                columns = tuple(row["columns"])
                if row["kind"] == "p":
                    table.primary_key = columns
                elif row["kind"] == "u":
                    table.unique.add(columns)
                else:
                    table.foreign_keys.add(
                        (
                            columns,
                            row["target"],
                            tuple(row["target_columns"]),
                            _PG_DELETE[row["on_delete"]],
                        )
                    )
            for row in await tx.fetch_all(_PG_INDEXES, (name,)):
                if not row["backs"]:
                    entry = (tuple(row["columns"]), row["is_unique"], row["partial"])
                    table.indexes[row["name"]] = entry
    return tables
