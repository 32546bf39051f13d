"""A server's privacy choices (how long private notes are kept), the record of Hearth being
removed from a server, and erasing everything a server's members and admins stored."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from bot.storage.database import Database, Transaction
from bot.storage.privacy import flush_erased
from bot.storage.timestamps import from_db, to_db

# Rows that belong to a guild through a parent and have no ON DELETE CASCADE: removed first.
_CHILDREN_FIRST = (
    "DELETE FROM flag_events WHERE flag_id IN (SELECT id FROM flags WHERE guild_id = ?)",
    "DELETE FROM flag_reporters WHERE flag_id IN (SELECT id FROM flags WHERE guild_id = ?)",
)


class GuildPrivacyRepository(Protocol):
    async def retention_days(self, guild_id: int) -> int | None: ...
    async def set_retention(self, guild_id: int, days: int | None, now: datetime) -> None: ...
    async def purge_old_notes(self, now: datetime) -> int: ...
    async def purge_guild_notes(self, guild_id: int, now: datetime) -> int: ...
    async def mark_removed(self, guild_id: int, now: datetime) -> bool: ...
    async def clear_removed(self, guild_id: int) -> bool: ...
    async def removed_since(self, guild_id: int) -> datetime | None: ...
    async def removed_before(self, cutoff: datetime) -> list[int]: ...
    async def known_guilds(self) -> set[int]: ...
    async def erase_guild(self, guild_id: int) -> int: ...


class SqlGuildPrivacyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def retention_days(self, guild_id: int) -> int | None:
        row = await self._db.fetch_one(
            "SELECT note_retention_days FROM guild_privacy WHERE guild_id = ?", (guild_id,)
        )
        return int(row[0]) if row and row[0] is not None else None

    async def set_retention(self, guild_id: int, days: int | None, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO guild_privacy (guild_id, note_retention_days, updated_at)"
                " VALUES (?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET"
                " note_retention_days = excluded.note_retention_days,"
                " updated_at = excluded.updated_at",
                (guild_id, days, to_db(now)),
            )

    async def purge_old_notes(self, now: datetime) -> int:
        """Blank private notes older than each server's retention; the rows stay. Returns how
        many notes were removed."""
        purged = 0
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "SELECT guild_id, note_retention_days FROM guild_privacy"
                " WHERE note_retention_days IS NOT NULL"
            )
            for row in rows:
                cutoff = now - timedelta(days=int(row["note_retention_days"]))
                purged += await _purge_guild_notes(tx, int(row["guild_id"]), cutoff)
        if purged:
            await flush_erased(self._db)
        return purged

    async def purge_guild_notes(self, guild_id: int, now: datetime) -> int:
        """The same for one server, at once (when its admins choose a retention)."""
        days = await self.retention_days(guild_id)
        if days is None:
            return 0
        async with self._db.transaction() as tx:
            purged = await _purge_guild_notes(tx, guild_id, now - timedelta(days=days))
        if purged:
            await flush_erased(self._db)
        return purged

    async def mark_removed(self, guild_id: int, now: datetime) -> bool:
        """Remember when Hearth left a server (the first time, if told again). True if new."""
        async with self._db.transaction() as tx:
            return (
                await tx.execute(
                    "INSERT INTO guild_privacy (guild_id, removed_at, updated_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (guild_id) DO UPDATE SET removed_at = excluded.removed_at,"
                    " updated_at = excluded.updated_at WHERE guild_privacy.removed_at IS NULL",
                    (guild_id, to_db(now), to_db(now)),
                )
                > 0
            )

    async def clear_removed(self, guild_id: int) -> bool:
        async with self._db.transaction() as tx:
            return (
                await tx.execute(
                    "UPDATE guild_privacy SET removed_at = NULL"
                    " WHERE guild_id = ? AND removed_at IS NOT NULL",
                    (guild_id,),
                )
                > 0
            )

    async def removed_since(self, guild_id: int) -> datetime | None:
        row = await self._db.fetch_one(
            "SELECT removed_at FROM guild_privacy WHERE guild_id = ?", (guild_id,)
        )
        return from_db(row[0]) if row and row[0] else None

    async def removed_before(self, cutoff: datetime) -> list[int]:
        rows = await self._db.fetch_all(
            "SELECT guild_id FROM guild_privacy WHERE removed_at IS NOT NULL AND removed_at <= ?"
            " ORDER BY guild_id",
            (to_db(cutoff),),
        )
        return [int(row[0]) for row in rows]

    async def known_guilds(self) -> set[int]:
        """Every server any table holds data for."""
        async with self._db.transaction() as tx:
            found: set[int] = set()
            for table in await self._db.table_names(tx, with_column="guild_id"):
                rows = await tx.fetch_all(f"SELECT DISTINCT guild_id FROM {table}")
                found.update(int(row[0]) for row in rows if row[0] is not None)
        return found

    async def erase_guild(self, guild_id: int) -> int:
        """Delete every row of the server in every table (children cascade); returns the rows
        deleted. Tables are found by their guild_id column, so new features are covered."""
        deleted = 0
        async with self._db.transaction() as tx:
            for statement in _CHILDREN_FIRST:
                deleted += await tx.execute(statement, (guild_id,))
            for table in await self._db.table_names(tx, with_column="guild_id"):
                deleted += await tx.execute(f"DELETE FROM {table} WHERE guild_id = ?", (guild_id,))
        await flush_erased(self._db)
        return deleted


async def _purge_guild_notes(tx: Transaction, guild_id: int, cutoff: datetime) -> int:
    # local_date narrows the scan through the (guild_id, local_date) index; created_at, in
    # UTC, decides. A day of slack on the local date covers every time zone.
    latest_day = (cutoff + timedelta(days=1)).date().isoformat()
    purged = await tx.execute(
        "UPDATE checkins SET note = NULL WHERE guild_id = ? AND local_date <= ?"
        " AND note IS NOT NULL AND created_at < ?",
        (guild_id, latest_day, to_db(cutoff)),
    )
    # A reset note is written when the reset opens the next period, so that period's
    # created_at is when the note was written (end_date may be a day the member picked).
    purged += await tx.execute(
        "UPDATE sobriety_periods SET note = NULL WHERE note IS NOT NULL"
        " AND counter_id IN (SELECT id FROM sobriety_counters WHERE guild_id = ?)"
        " AND EXISTS (SELECT 1 FROM sobriety_periods later"
        " WHERE later.counter_id = sobriety_periods.counter_id"
        " AND later.id > sobriety_periods.id AND later.created_at < ?)",
        (guild_id, to_db(cutoff)),
    )
    return purged
