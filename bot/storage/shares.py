"""Anonymous shares: who wrote each one (for moderators and for taking it down), never the text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.storage.database import Database, Row
from bot.storage.timestamps import from_db, to_db


@dataclass(frozen=True)
class Share:
    id: int
    guild_id: int
    user_id: int  # the author: shown to moderators only, on a report or a detection
    channel_id: int
    message_id: int | None
    status: str  # posting, posted, removed, failed
    created_at: datetime


class ShareRepository(Protocol):
    async def start(self, guild_id: int, user_id: int, channel_id: int, now: datetime) -> int: ...
    async def posted(self, share_id: int, message_id: int) -> None: ...
    async def failed(self, share_id: int) -> None: ...
    async def recent(self, guild_id: int, user_id: int, since: datetime) -> list[datetime]: ...
    async def get(self, share_id: int) -> Share | None: ...
    async def remove(self, share_id: int, user_id: int, now: datetime) -> bool: ...


class SqlShareRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def start(self, guild_id: int, user_id: int, channel_id: int, now: datetime) -> int:
        """Recorded before posting, so the rate limit counts it even if Hearth stops midway."""
        async with self._db.transaction() as tx:
            return await tx.insert(
                "INSERT INTO anonymous_shares (guild_id, user_id, channel_id, created_at)"
                " VALUES (?, ?, ?, ?)",
                (guild_id, user_id, channel_id, to_db(now)),
            )

    async def posted(self, share_id: int, message_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE anonymous_shares SET status = 'posted', message_id = ? WHERE id = ?",
                (message_id, share_id),
            )

    async def failed(self, share_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE anonymous_shares SET status = 'failed' WHERE id = ? AND status = 'posting'",
                (share_id,),
            )

    async def recent(self, guild_id: int, user_id: int, since: datetime) -> list[datetime]:
        rows = await self._db.fetch_all(
            "SELECT created_at FROM anonymous_shares WHERE guild_id = ? AND user_id = ?"
            " AND created_at > ? AND status <> 'failed'",
            (guild_id, user_id, to_db(since)),
        )
        return [from_db(row[0]) for row in rows]

    async def get(self, share_id: int) -> Share | None:
        row = await self._db.fetch_one("SELECT * FROM anonymous_shares WHERE id = ?", (share_id,))
        return _share(row) if row else None

    async def remove(self, share_id: int, user_id: int, now: datetime) -> bool:
        """Only its author takes a share down."""
        async with self._db.transaction() as tx:
            return (
                await tx.execute(
                    "UPDATE anonymous_shares SET status = 'removed', removed_at = ?"
                    " WHERE id = ? AND user_id = ? AND status = 'posted'",
                    (to_db(now), share_id, user_id),
                )
                > 0
            )


def _share(row: Row) -> Share:
    return Share(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        user_id=int(row["user_id"]),
        channel_id=int(row["channel_id"]),
        message_id=row["message_id"],
        status=str(row["status"]),
        created_at=from_db(row["created_at"]),
    )
