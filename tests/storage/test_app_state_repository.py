"""The bot's own small facts (such as the last command-sync hash), on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from bot.storage.storage import Storage
from bot.storage.timestamps import from_db, plain
from tests.storage.support import plain_all, reopened

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


async def test_unknown_key_is_none_and_a_set_value_reads_back(storage: Storage) -> None:
    assert await storage.app_state.get("command_hash") is None
    await storage.app_state.set("command_hash", "abc123", NOW)
    assert await storage.app_state.get("command_hash") == "abc123"
    assert await storage.app_state.get("other") is None


async def test_setting_again_replaces_value_and_time_stored_as_utc(storage: Storage) -> None:
    await storage.app_state.set("command_hash", "old", NOW)
    later = datetime(2026, 3, 8, 9, 15, tzinfo=timezone(timedelta(hours=-5)))
    await storage.app_state.set("command_hash", "new", later)
    assert await storage.app_state.get("command_hash") == "new"
    rows = await plain_all(storage, "SELECT key, updated_at FROM app_state")
    assert [row["key"] for row in rows] == ["command_hash"]
    assert plain(rows[0]["updated_at"]) == "2026-03-08T14:15:00.000Z"
    assert from_db(rows[0]["updated_at"]) == later


async def test_values_survive_reopening_the_file(db_target: Path | str) -> None:
    async with reopened(db_target) as storage:
        await storage.app_state.set("a", "1", NOW)
        await storage.app_state.set("b", "2", NOW)
    async with reopened(db_target) as storage:
        assert await storage.app_state.get("a") == "1"
        assert await storage.app_state.get("b") == "2"
