"""Members' own settings (time zone), shared across servers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bot.storage.database import Database
from bot.storage.due_marks import member_due_again
from bot.storage.timestamps import to_db

ZONE_TOPIC = "member_zone"


class ProfileRepository(Protocol):
    async def timezone(self, user_id: int) -> str | None: ...

    async def set_timezone(self, user_id: int, zone: str | None, now: datetime) -> None: ...

    async def follow_zone_changes(self, on_change: Callable[[int], None]) -> None:
        """Call `on_change(user_id)` whenever any process sharing the database sets a member's
        own zone."""
        ...

    async def timezones(self, limit: int) -> dict[int, str] | None:
        """Every member's own zone, or None if there are more than `limit`."""
        ...


class SqlProfileRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def follow_zone_changes(self, on_change: Callable[[int], None]) -> None:
        await self._db.follow(ZONE_TOPIC, lambda payload: on_change(int(payload)))

    async def timezone(self, user_id: int) -> str | None:
        row = await self._db.fetch_one(
            "SELECT timezone FROM member_profile WHERE user_id = ?", (user_id,)
        )
        return row["timezone"] if row else None

    async def timezones(self, limit: int) -> dict[int, str] | None:
        rows = await self._db.fetch_all(
            "SELECT user_id, timezone FROM member_profile WHERE timezone IS NOT NULL LIMIT ?",
            (limit + 1,),
        )
        if len(rows) > limit:
            return None
        return {int(row["user_id"]): str(row["timezone"]) for row in rows}

    async def set_timezone(self, user_id: int, zone: str | None, now: datetime) -> None:
        stamp = to_db(now)
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO member_profile (user_id, timezone, created_at, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
                "timezone = excluded.timezone, updated_at = excluded.updated_at",
                (user_id, zone, stamp, stamp),
            )
            await member_due_again(tx, user_id, now)
            await self._db.announce(tx, ZONE_TOPIC, str(user_id))
