"""Migrations on real SQLite files: fresh databases, upgrades, and refusals."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage.backends import open_database
from bot.storage.database import DatabaseError, Migration, bundled_migrations
from bot.storage.sqlite_backend import migration_statements
from bot.storage.storage import open_storage

NOW = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


async def test_fresh_database_gets_every_migration(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "hearth.db"
    db = await open_database(path)
    try:
        applied = await db.migrate()
        assert applied == [m.version for m in bundled_migrations()]
        assert await db.schema_version() == bundled_migrations()[-1].version
        assert await db.migrate() == []
    finally:
        await db.close()
    assert {"guild_config", "app_state", "schema_migrations"} <= _tables(path)


async def test_pragmas(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "h.db")
    try:
        journal = await db.fetch_one("PRAGMA journal_mode")
        foreign = await db.fetch_one("PRAGMA foreign_keys")
        sync = await db.fetch_one("PRAGMA synchronous")
        busy = await db.fetch_one("PRAGMA busy_timeout")
    finally:
        await db.close()
    assert journal is not None and journal[0] == "wal"
    assert foreign is not None and foreign[0] == 1
    assert sync is not None and sync[0] == 1  # NORMAL
    assert busy is not None and busy[0] >= 1000


@pytest.mark.parametrize("start", [m.version for m in bundled_migrations()[:-1]])
async def test_upgrade_from_each_earlier_version_keeps_data(tmp_path: Path, start: int) -> None:
    path = tmp_path / "h.db"
    db = await open_database(path)
    await db.migrate(target=start)
    assert await db.schema_version() == start
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO guild_config (guild_id, timezone, created_at, updated_at)"
            " VALUES (?, ?, ?, ?)",
            (111, "Europe/Dublin", "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"),
        )
    await db.close()

    storage = await open_storage(path)
    try:
        assert await storage.database.schema_version() == bundled_migrations()[-1].version
        config = await storage.guild_configs.get(111)
        assert config is not None and config.timezone == "Europe/Dublin"
    finally:
        await storage.close()


async def test_failed_migration_changes_nothing(tmp_path: Path) -> None:
    broken = [*bundled_migrations(), Migration(99, "0099_broken.sql", "CREATE TABLE x (a);\nNOPE;")]
    db = await open_database(tmp_path / "h.db")
    try:
        with pytest.raises(sqlite3.OperationalError):
            await db.migrate(broken)
        assert await db.schema_version() == 0
        assert await db.fetch_one("SELECT name FROM sqlite_master WHERE name = 'x'") is None
    finally:
        await db.close()


async def test_database_from_a_newer_hearth_is_refused(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "h.db")
    try:
        await db.migrate()
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO schema_migrations VALUES (999, '0999_future.sql', 'x')")
        with pytest.raises(DatabaseError, match="newer version"):
            await db.migrate()
    finally:
        await db.close()


def test_statement_splitting_keeps_trigger_bodies_whole() -> None:
    sql = (
        "CREATE TABLE a (x);\n"
        "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE a SET x = 1;\n  SELECT 1;\nEND;\n"
    )
    statements = migration_statements(Migration(1, "0001_t.sql", sql))
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


async def test_unopenable_path_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(DatabaseError, match="cannot open the database"):
        await open_database(blocker / "hearth.db")


async def test_rollback_on_error_inside_transaction(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path / "h.db")
    try:
        with pytest.raises(RuntimeError):
            async with storage.database.transaction() as tx:
                await tx.execute(
                    "INSERT INTO app_state (key, value, updated_at) VALUES ('k', 'v', 'x')"
                )
                raise RuntimeError("boom")
        assert await storage.app_state.get("k") is None
        await storage.app_state.set("k", "v2", NOW)
        assert await storage.app_state.get("k") == "v2"
    finally:
        await storage.close()
