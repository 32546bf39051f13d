"""Small key/value facts the bot keeps about itself (e.g. the last command-sync hash)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.storage.database import Database
from bot.storage.timestamps import to_db


class AppStateRepository(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str, now: datetime) -> None: ...


class SqlAppStateRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> str | None:
        row = await self._db.fetch_one("SELECT value FROM app_state WHERE key = ?", (key,))
        return str(row["value"]) if row else None

    async def set(self, key: str, value: str, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO app_state (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (key, value, to_db(now)),
            )
