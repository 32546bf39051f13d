"""Per-guild lists: milestone roles, and alerts shown in /hearth status."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain.guild_config import GuildAlert
from bot.storage.database import Database, Transaction
from bot.storage.timestamps import to_db


class GuildExtrasRepository(Protocol):
    async def milestone_roles(self, guild_id: int) -> dict[str, int]: ...
    async def set_milestone_role(self, guild_id: int, key: str, role_id: int | None) -> None: ...
    async def alerts(self, guild_id: int) -> list[GuildAlert]: ...
    async def raise_alert(self, guild_id: int, topic: str, message: str, now: datetime) -> bool: ...
    async def raise_alert_owing(
        self, guild_id: int, topic: str, message: str, now: datetime, notice_key: str
    ) -> bool: ...
    async def clear_alert(self, guild_id: int, topic: str) -> bool: ...


class SqlGuildExtrasRepository:
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
            return await _raise(tx, guild_id, topic, message, now)

    async def raise_alert_owing(
        self, guild_id: int, topic: str, message: str, now: datetime, notice_key: str
    ) -> bool:
        """Like `raise_alert`, and when the alert is new, record in the same transaction that a
        notice is owed under `notice_key` (the delivery journal's owed list): a stop before it
        is sent leaves the debt for the next start, and a stop after leaves the key, which the
        deliverer recognises, so the notice is neither lost nor repeated."""
        async with self._db.transaction() as tx:
            new = await _raise(tx, guild_id, topic, message, now)
            if new:
                await tx.execute(
                    "INSERT INTO owed_deliveries (key, guild_id, created_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (key) DO NOTHING",
                    (notice_key, guild_id, to_db(now)),
                )
            return new

    async def clear_alert(self, guild_id: int, topic: str) -> bool:
        """Remove an alert; True if there was one (a problem just got fixed)."""
        async with self._db.transaction() as tx:
            removed = await tx.execute(
                "DELETE FROM guild_alerts WHERE guild_id = ? AND topic = ?", (guild_id, topic)
            )
        return removed > 0


async def _raise(tx: Transaction, guild_id: int, topic: str, message: str, now: datetime) -> bool:
    existed = await tx.fetch_one(
        "SELECT 1 FROM guild_alerts WHERE guild_id = ? AND topic = ?", (guild_id, topic)
    )
    await tx.execute(
        "INSERT INTO guild_alerts (guild_id, topic, message, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (guild_id, topic) DO UPDATE SET message = excluded.message,"
        " updated_at = excluded.updated_at",
        (guild_id, topic, message, to_db(now)),
    )
    return existed is None
