"""The daily meetings digest's claims, and how many scheduled events Hearth may use."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from bot.domain.meeting_events import EventWindow
from bot.storage.database import Database
from bot.storage.timestamps import to_db


class MeetingDigestRepository(Protocol):
    async def claim(self, guild_id: int, day: date, now: datetime) -> bool: ...
    async def finish(self, guild_id: int, day: date, status: str, now: datetime) -> None: ...
    async def release(self, guild_id: int, day: date) -> None: ...
    async def interrupted(self) -> list[tuple[int, date]]: ...
    async def status(self, guild_id: int, day: date) -> str | None: ...
    async def record_window(self, guild_id: int, window: EventWindow, now: datetime) -> None: ...
    async def window(self, guild_id: int) -> EventWindow | None: ...


class SqlMeetingDigestRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, guild_id: int, day: date, now: datetime) -> bool:
        """Taken once per server and day, before anything is posted."""
        async with self._db.transaction() as tx:
            inserted = await tx.execute(
                "INSERT INTO meeting_digests (guild_id, local_date, status, updated_at)"
                " VALUES (?, ?, 'sending', ?) ON CONFLICT (guild_id, local_date) DO NOTHING",
                (guild_id, day.isoformat(), to_db(now)),
            )
        return inserted > 0

    async def finish(self, guild_id: int, day: date, status: str, now: datetime) -> None:
        """Settle the day (also one given back for a retry, which has no claim left)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO meeting_digests (guild_id, local_date, status, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, local_date) DO UPDATE SET"
                " status = excluded.status, updated_at = excluded.updated_at",
                (guild_id, day.isoformat(), status, to_db(now)),
            )

    async def release(self, guild_id: int, day: date) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "DELETE FROM meeting_digests WHERE guild_id = ? AND local_date = ?"
                " AND status = 'sending'",
                (guild_id, day.isoformat()),
            )

    async def interrupted(self) -> list[tuple[int, date]]:
        """Digests the last stop left being posted: some parts may have reached Discord."""
        rows = await self._db.fetch_all(
            "SELECT guild_id, local_date FROM meeting_digests WHERE status = 'sending'"
            " ORDER BY local_date"
        )
        return [(int(row["guild_id"]), date.fromisoformat(row["local_date"])) for row in rows]

    async def status(self, guild_id: int, day: date) -> str | None:
        row = await self._db.fetch_one(
            "SELECT status FROM meeting_digests WHERE guild_id = ? AND local_date = ?",
            (guild_id, day.isoformat()),
        )
        return str(row["status"]) if row else None

    async def record_window(self, guild_id: int, window: EventWindow, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO meeting_event_windows (guild_id, budget, others, checked_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET"
                " budget = excluded.budget, others = excluded.others,"
                " checked_at = excluded.checked_at",
                (guild_id, window.budget, window.others, to_db(now)),
            )

    async def window(self, guild_id: int) -> EventWindow | None:
        row = await self._db.fetch_one(
            "SELECT budget, others FROM meeting_event_windows WHERE guild_id = ?", (guild_id,)
        )
        return EventWindow(int(row["budget"]), int(row["others"])) if row else None
