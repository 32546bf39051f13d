"""Writing an imported Meeting Guide feed: in batches, and archiving what left the feed."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain.meetings import FeedChanges, Meeting
from bot.storage.database import Database
from bot.storage.meetings import columns_of, meeting_of
from bot.storage.timestamps import to_db

# Rows written per transaction: each batch is one short write, so other work (a check-in, a
# crisis flag) never waits behind a whole feed.
BATCH_SIZE = 200


class MeetingImportRepository(Protocol):
    async def imported(self, guild_id: int) -> dict[str, Meeting]: ...
    async def apply(
        self, guild_id: int, organizer: int, changes: FeedChanges, now: datetime
    ) -> list[int]: ...
    async def guilds_with_imported(self) -> list[int]: ...


class SqliteMeetingImportRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def imported(self, guild_id: int) -> dict[str, Meeting]:
        """Every meeting of the server that came from a feed, archived ones too, by slug."""
        rows = await self._db.fetch_all(
            "SELECT * FROM meetings WHERE guild_id = ? AND source_slug IS NOT NULL", (guild_id,)
        )
        return {row["source_slug"]: meeting_of(row) for row in rows}

    async def apply(
        self, guild_id: int, organizer: int, changes: FeedChanges, now: datetime
    ) -> list[int]:
        """Write the changes a batch at a time; returns the new meetings' ids."""
        stamp = to_db(now)
        created: list[int] = []
        for start in range(0, len(changes.create), BATCH_SIZE):
            async with self._db.transaction() as tx:
                for fields in changes.create[start : start + BATCH_SIZE]:
                    values = columns_of(fields)
                    names = ", ".join(
                        [*values, "guild_id", "created_by", "created_at", "updated_at"]
                    )
                    marks = ", ".join("?" for _ in range(len(values) + 4))
                    row = await tx.fetch_one(
                        f"INSERT INTO meetings ({names}) VALUES ({marks}) RETURNING id",
                        (*values.values(), guild_id, organizer, stamp, stamp),
                    )
                    if row is not None:
                        created.append(int(row["id"]))
        for start in range(0, len(changes.update), BATCH_SIZE):
            async with self._db.transaction() as tx:
                for meeting_id, fields in changes.update[start : start + BATCH_SIZE]:
                    values = columns_of(fields)
                    assignments = ", ".join(f"{name} = ?" for name in values)
                    await tx.execute(
                        # event_start cleared: the Events entry is refreshed with the new details.
                        f"UPDATE meetings SET {assignments}, event_start = NULL,"
                        " archived_at = NULL, updated_at = ? WHERE id = ? AND guild_id = ?",
                        (*values.values(), stamp, meeting_id, guild_id),
                    )
        for start in range(0, len(changes.archive), BATCH_SIZE):
            batch = list(changes.archive[start : start + BATCH_SIZE])
            marks = ", ".join("?" for _ in batch)
            async with self._db.transaction() as tx:
                await tx.execute(
                    "UPDATE meetings SET archived_at = ?, updated_at = ?"
                    f" WHERE guild_id = ? AND source_slug IS NOT NULL AND id IN ({marks})"
                    " AND archived_at IS NULL",
                    (stamp, stamp, guild_id, *batch),
                )
        return created

    async def guilds_with_imported(self) -> list[int]:
        rows = await self._db.fetch_all(
            "SELECT DISTINCT guild_id FROM meetings"
            " WHERE source_slug IS NOT NULL AND archived_at IS NULL ORDER BY guild_id"
        )
        return [int(row["guild_id"]) for row in rows]
