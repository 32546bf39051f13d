"""Per-guild lists: milestone roles, and alerts shown in /hearth status."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain.guild_config import GuildAlert
from bot.storage.database import Database
from bot.storage.timestamps import to_db


class GuildExtrasRepository(Protocol):
    async def milestone_roles(self, guild_id: int) -> dict[str, int]: ...
    async def set_milestone_role(self, guild_id: int, key: str, role_id: int | None) -> None: ...
    async def alerts(self, guild_id: int) -> list[GuildAlert]: ...
    async def raise_alert(self, guild_id: int, topic: str, message: str, now: datetime) -> bool: ...
    async def clear_alert(self, guild_id: int, topic: str) -> bool: ...


class SqliteGuildExtrasRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def milestone_roles(self, guild_id: int) -> dict[str, int]:
        rows = await self._db.fetch_all(
            "SELECT milestone_key, role_id FROM milestone_roles WHERE guild_id = ?", (guild_id,)
        )
        return {row["milestone_key"]: int(row["role_id"]) for row in rows}

    async def set_milestone_role(self, guild_id: int, key: str, role_id: int | None) -> None:
        """Map a milestone to a role, or with None, remove the mapping."""
        async with self._db.transaction() as tx:
            if role_id is None:
                await tx.execute(
                    "DELETE FROM milestone_roles WHERE guild_id = ? AND milestone_key = ?",
                    (guild_id, key),
                )
            else:
                await tx.execute(
                    "INSERT INTO milestone_roles (guild_id, milestone_key, role_id)"
                    " VALUES (?, ?, ?) ON CONFLICT (guild_id, milestone_key)"
                    " DO UPDATE SET role_id = excluded.role_id",
                    (guild_id, key, role_id),
                )

    async def alerts(self, guild_id: int) -> list[GuildAlert]:
        rows = await self._db.fetch_all(
            "SELECT topic, message FROM guild_alerts WHERE guild_id = ? ORDER BY topic",
            (guild_id,),
        )
        return [GuildAlert(row["topic"], row["message"]) for row in rows]

    async def raise_alert(self, guild_id: int, topic: str, message: str, now: datetime) -> bool:
        """Store or refresh an alert; True when it is new (so a caller can notify once)."""
        async with self._db.transaction() as tx:
            existed = await tx.fetch_one(
                "SELECT 1 FROM guild_alerts WHERE guild_id = ? AND topic = ?", (guild_id, topic)
            )
            await tx.execute(
                "INSERT INTO guild_alerts (guild_id, topic, message, updated_at)"
                " VALUES (?, ?, ?, ?)"
                " ON CONFLICT (guild_id, topic) DO UPDATE SET message = excluded.message,"
                " updated_at = excluded.updated_at",
                (guild_id, topic, message, to_db(now)),
            )
        return existed is None

    async def clear_alert(self, guild_id: int, topic: str) -> bool:
        """Remove an alert; True if there was one (a problem just got fixed)."""
        async with self._db.transaction() as tx:
            removed = await tx.execute(
                "DELETE FROM guild_alerts WHERE guild_id = ? AND topic = ?", (guild_id, topic)
            )
        return removed > 0
