"""Database.transaction on a real SQLite file when SQLite refuses the COMMIT itself."""

from __future__ import annotations

import sqlite3

import pytest

from bot.storage.storage import Storage


async def _rows(storage: Storage) -> list[tuple[str, str]]:
    rows = await storage.database.fetch_all("SELECT key, value FROM app_state ORDER BY key")
    return [(row["key"], row["value"]) for row in rows]


async def test_a_refused_commit_leaves_the_connection_usable(storage: Storage) -> None:
    database = storage.database
    with pytest.raises(sqlite3.IntegrityError):
        async with database.transaction() as tx:
            # A deferred foreign key is only checked at COMMIT, which SQLite then refuses while
            # keeping the transaction open.
            await tx.execute("PRAGMA defer_foreign_keys = ON")
            await tx.execute(
                "INSERT INTO meeting_skips (meeting_id, local_date, created_at)"
                " VALUES (999999, '2026-01-01', '2026-01-01T00:00:00+00:00')"
            )
    async with database.transaction() as tx:
        await tx.execute(
            "INSERT INTO app_state (key, value, updated_at)"
            " VALUES ('after', 'still works', '2026-01-01T00:00:00+00:00')"
        )
    assert await _rows(storage) == [("after", "still works")]
