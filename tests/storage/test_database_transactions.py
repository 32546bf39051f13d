"""Database.transaction when the database refuses the COMMIT itself, on each backend."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.storage.database import IntegrityError
from bot.storage.storage import Storage
from bot.storage.timestamps import to_db
from tests.storage.support import plain_all

STAMP = to_db(datetime(2026, 1, 1, tzinfo=UTC))


async def _rows(storage: Storage) -> list[tuple[str, str]]:
    rows = await plain_all(storage, "SELECT key, value FROM app_state ORDER BY key")
    return [(row["key"], row["value"]) for row in rows]


async def _deferred_reference(storage: Storage) -> str:
    """An INSERT whose broken foreign key is only checked at COMMIT."""
    if storage.database.dialect == "postgresql":
        async with storage.database.transaction() as tx:
            await tx.execute(
                "CREATE TABLE deferred_refs (meeting_id BIGINT"
                " REFERENCES meetings (id) DEFERRABLE INITIALLY DEFERRED)"
            )
        return "INSERT INTO deferred_refs (meeting_id) VALUES (999999)"
    return "INSERT INTO meeting_skips (meeting_id, local_date, created_at) VALUES (999999, ?, ?)"


async def test_a_refused_commit_leaves_the_connection_usable(storage: Storage) -> None:
    database = storage.database
    insert = await _deferred_reference(storage)
    with pytest.raises(IntegrityError):
        async with database.transaction() as tx:
            if database.dialect == "sqlite":
                # SQLite refuses the COMMIT while keeping the transaction open.
                await tx.execute("PRAGMA defer_foreign_keys = ON")
                await tx.execute(insert, ("2026-01-01", STAMP))
            else:
                await tx.execute(insert)
    async with database.transaction() as tx:
        await tx.execute(
            "INSERT INTO app_state (key, value, updated_at) VALUES ('after', 'still works', ?)",
            (STAMP,),
        )
    assert await _rows(storage) == [("after", "still works")]
