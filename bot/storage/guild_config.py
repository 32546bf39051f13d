"""Guild configuration rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from bot.domain.guild_config import GuildConfig
from bot.storage.database import Database, present
from bot.storage.due_marks import settings_due_again
from bot.storage.timestamps import to_db


class GuildConfigRepository(Protocol):
    async def get(self, guild_id: int) -> GuildConfig | None: ...

    async def update(self, guild_id: int, changes: dict[str, Any], now: datetime) -> GuildConfig:
        """Create the row if needed and set only the given fields; returns the stored config."""
        ...

    async def with_checkin_channel(self) -> list[GuildConfig]: ...


class SqlGuildConfigRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int) -> GuildConfig | None:
        row = await self._db.fetch_one("SELECT * FROM guild_config WHERE guild_id = ?", (guild_id,))
        return _to_config(row) if row else None

    async def with_checkin_channel(self) -> list[GuildConfig]:
        rows = await self._db.fetch_all(
            "SELECT * FROM guild_config WHERE checkin_channel_id IS NOT NULL"
        )
        return [_to_config(row) for row in rows]

    async def update(self, guild_id: int, changes: dict[str, Any], now: datetime) -> GuildConfig:
        unknown = set(changes) - GuildConfig.settable_fields()
        if unknown:
            raise ValueError(f"not guild settings: {sorted(unknown)}")
        # Validate the result before touching the database.
        GuildConfig(guild_id=guild_id, **changes)
        columns = sorted(changes)
        stamp = to_db(now)
        insert_cols = ", ".join(["guild_id", *columns, "created_at", "updated_at"])
        placeholders = ", ".join("?" for _ in range(len(columns) + 3))
        assignments = ", ".join([*(f"{c} = excluded.{c}" for c in columns), "updated_at = ?"])
        params = [guild_id, *(changes[c] for c in columns), stamp, stamp, stamp]
        async with self._db.transaction() as tx:
            await tx.execute(
                f"INSERT INTO guild_config ({insert_cols}) VALUES ({placeholders}) "
                f"ON CONFLICT (guild_id) DO UPDATE SET {assignments}",
                params,
            )
            await settings_due_again(tx, guild_id, frozenset(changes), now)
            row = await tx.fetch_one("SELECT * FROM guild_config WHERE guild_id = ?", (guild_id,))
        row = present(row, f"server {guild_id}'s settings")
        return _to_config(row)


def _to_config(row: Any) -> GuildConfig:
    # sqlite3.Row iterates over values, so pair them with the column names explicitly.
    values = dict(zip(row.keys(), row, strict=True))
    return GuildConfig(**{k: v for k, v in values.items() if k in GuildConfig.model_fields})
