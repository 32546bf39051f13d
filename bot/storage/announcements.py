"""Scheduled announcements and their deliveries."""

from __future__ import annotations

from datetime import datetime, time
from typing import Protocol

from bot.domain.announcements import Announcement, AnnouncementRepeat
from bot.storage.database import Database, Row, present
from bot.storage.timestamps import from_db, to_db


class AnnouncementRepository(Protocol):
    async def create(
        self,
        guild_id: int,
        channel_id: int,
        message: str,
        first_at: datetime,
        local_time: time,
        zone: str,
        repeat: AnnouncementRepeat,
        ping_role_id: int | None,
        created_by: int,
        now: datetime,
    ) -> Announcement: ...
    async def get(self, announcement_id: int) -> Announcement | None: ...
    async def active_for_guild(self, guild_id: int) -> list[Announcement]: ...
    async def all_active(self) -> list[Announcement]: ...
    async def deactivate(self, announcement_id: int) -> bool: ...
    async def claim(self, announcement_id: int, due_at: datetime, now: datetime) -> bool: ...
    async def finish(
        self, announcement_id: int, due_at: datetime, status: str, now: datetime
    ) -> None: ...
    async def release(self, announcement_id: int, due_at: datetime) -> None: ...
    async def interrupted(self) -> list[tuple[int, datetime]]: ...


class SqlAnnouncementRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        guild_id: int,
        channel_id: int,
        message: str,
        first_at: datetime,
        local_time: time,
        zone: str,
        repeat: AnnouncementRepeat,
        ping_role_id: int | None,
        created_by: int,
        now: datetime,
    ) -> Announcement:
        async with self._db.transaction() as tx:
            new_id = await tx.insert(
                "INSERT INTO announcements (guild_id, channel_id, message, first_at, local_time,"
                " timezone, repeat, ping_role_id, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    channel_id,
                    message,
                    to_db(first_at),
                    f"{local_time:%H:%M}",
                    zone,
                    repeat.value,
                    ping_role_id,
                    created_by,
                    to_db(now),
                ),
            )
        created = await self.get(new_id)
        created = present(created, f"announcement {new_id}")
        return created

    async def get(self, announcement_id: int) -> Announcement | None:
        row = await self._db.fetch_one(
            "SELECT * FROM announcements WHERE id = ?", (announcement_id,)
        )
        return _announcement(row) if row else None

    async def active_for_guild(self, guild_id: int) -> list[Announcement]:
        rows = await self._db.fetch_all(
            "SELECT * FROM announcements WHERE guild_id = ? AND active = 1 ORDER BY first_at",
            (guild_id,),
        )
        return [_announcement(row) for row in rows]

    async def all_active(self) -> list[Announcement]:
        rows = await self._db.fetch_all("SELECT * FROM announcements WHERE active = 1")
        return [_announcement(row) for row in rows]

    async def deactivate(self, announcement_id: int) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE announcements SET active = 0 WHERE id = ? AND active = 1",
                (announcement_id,),
            )
        return changed > 0

    async def claim(self, announcement_id: int, due_at: datetime, now: datetime) -> bool:
        async with self._db.transaction() as tx:
            inserted = await tx.execute(
                "INSERT INTO announcement_deliveries (announcement_id, due_at, status,"
                " updated_at) VALUES (?, ?, 'sending', ?) ON CONFLICT DO NOTHING",
                (announcement_id, to_db(due_at), to_db(now)),
            )
        return inserted > 0

    async def finish(
        self, announcement_id: int, due_at: datetime, status: str, now: datetime
    ) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE announcement_deliveries SET status = ?, updated_at = ?"
                " WHERE announcement_id = ? AND due_at = ?",
                (status, to_db(now), announcement_id, to_db(due_at)),
            )

    async def release(self, announcement_id: int, due_at: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "DELETE FROM announcement_deliveries WHERE announcement_id = ? AND due_at = ?"
                " AND status = 'sending'",
                (announcement_id, to_db(due_at)),
            )

    async def interrupted(self) -> list[tuple[int, datetime]]:
        """(announcement, due time) claims left 'sending' by the last stop: each may or may not
        have reached Discord."""
        rows = await self._db.fetch_all(
            "SELECT announcement_id, due_at FROM announcement_deliveries"
            " WHERE status = 'sending' ORDER BY due_at"
        )
        return [(int(row["announcement_id"]), from_db(row["due_at"])) for row in rows]


def _announcement(row: Row) -> Announcement:
    return Announcement(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        message=row["message"],
        first_at=from_db(row["first_at"]),
        local_time=time.fromisoformat(row["local_time"]),
        zone=row["timezone"],
        repeat=AnnouncementRepeat(row["repeat"]),
        ping_role_id=row["ping_role_id"],
        active=bool(row["active"]),
        created_by=row["created_by"],
    )
