"""Every SQLite migration has a PostgreSQL twin, and both build the same schema.

A migration written for one database only fails here, so the two never drift apart.
"""

from __future__ import annotations

from pathlib import Path

from bot.storage.backends import open_database
from bot.storage.database import bundled_migrations
from tests.postgres_server import PostgresServer
from tests.storage.schema import read_schema


def test_every_sqlite_migration_has_a_postgresql_twin_with_the_same_number_and_name() -> None:
    sqlite = [m.name for m in bundled_migrations("sqlite")]
    postgres = [m.name for m in bundled_migrations("postgresql")]
    assert postgres == sqlite


async def test_both_backends_build_the_same_schema(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    lite = await open_database(tmp_path / "h.db")
    url = await postgres.new_database(migrated=False)
    pg = await open_database(url)
    try:
        assert await lite.migrate() == await pg.migrate()
        sqlite_schema, postgres_schema = await read_schema(lite), await read_schema(pg)
    finally:
        await lite.close()
        await pg.close()
        await postgres.drop_database(url)
    assert sorted(postgres_schema) == sorted(sqlite_schema)
    assert len(sqlite_schema) > 30
    for name, table in sqlite_schema.items():
        twin = postgres_schema[name]
        assert twin.columns == table.columns, name
        assert twin.primary_key == table.primary_key, name
        assert twin.unique == table.unique, name
        assert twin.indexes == table.indexes, name
        assert twin.foreign_keys == table.foreign_keys, name


async def test_the_comparison_notices_a_difference(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    """The reader sees what a forgotten twin would change: a column, an index, a key."""
    url = await postgres.new_database()
    pg = await open_database(url)
    try:
        before = await read_schema(pg)
        async with pg.transaction() as tx:
            await tx.execute("ALTER TABLE checkins ADD COLUMN extra TEXT")
            await tx.execute("CREATE INDEX checkins_by_mood ON checkins (mood)")
            await tx.execute("ALTER TABLE flag_rules DROP CONSTRAINT flag_rules_flag_id_fkey")
        after = await read_schema(pg)
    finally:
        await pg.close()
        await postgres.drop_database(url)
    assert "extra" in after["checkins"].columns and "extra" not in before["checkins"].columns
    assert after["checkins"].indexes["checkins_by_mood"] == (("mood",), False, False)
    assert before["flag_rules"].foreign_keys and not after["flag_rules"].foreign_keys
