"""Writing an imported Meeting Guide feed: in batches, and archiving what left the feed."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain.meetings import FeedChanges, Meeting
from bot.storage.database import Database
from bot.storage.meetings import columns_of, meetings_of
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


class SqlMeetingImportRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def imported(self, guild_id: int) -> dict[str, Meeting]:
        """Every meeting of the server that came from a feed, archived ones too, by slug."""
        rows = await self._db.fetch_all(
            "SELECT * FROM meetings WHERE guild_id = ? AND source_slug IS NOT NULL", (guild_id,)
        )
        return {meeting.source_slug or "": meeting for meeting in await meetings_of(rows)}

    async def apply(
        self, guild_id: int, organizer: int, changes: FeedChanges, now: datetime
    ) -> list[int]:
        """Write the changes a batch at a time; returns the new meetings' ids, in the order of
        `changes.create` (every imported meeting has a slug)."""
        stamp = to_db(now)
        created: list[int] = []
        for start in range(0, len(changes.create), BATCH_SIZE):
            batch = changes.create[start : start + BATCH_SIZE]
            rows = [columns_of(fields) for fields in batch]
            names = ", ".join([*rows[0], "guild_id", "created_by", "created_at", "updated_at"])
            marks = "(" + ", ".join("?" for _ in range(len(rows[0]) + 4)) + ")"
            params = [
                value
                for row in rows
                for value in (*row.values(), guild_id, organizer, stamp, stamp)
            ]
            async with self._db.transaction() as tx:
                # One statement per batch: a round trip per meeting would cost thousands.
                inserted = await tx.fetch_all(
                    f"INSERT INTO meetings ({names}) VALUES {', '.join([marks] * len(rows))}"
                    " RETURNING id, source_slug",
                    params,
                )
            # RETURNING gives no order: matched back by slug, unique in the server.
            ids = {row["source_slug"]: int(row["id"]) for row in inserted}
            created += [ids[fields.source_slug] for fields in batch if fields.source_slug in ids]
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
