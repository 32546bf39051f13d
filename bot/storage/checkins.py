"""Check-in rows: one per member per local day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from bot.domain.checkins import CheckinEntry, CheckinInput, CheckinSummary, Mood, RecordedCheckin
from bot.storage.checkin_writer import CheckinWriter
from bot.storage.database import Database, Row
from bot.storage.sealing import CHECKIN_NOTE, PLAIN, FieldCodec
from bot.storage.timestamps import to_db


class CheckinRepository(Protocol):
    async def record(
        self,
        guild_id: int,
        user_id: int,
        day: date,
        checkin: CheckinInput,
        shared: bool,
        now: datetime,
        *,
        clear_note: bool = False,
    ) -> RecordedCheckin: ...

    async def days(self, guild_id: int, user_id: int) -> list[date]: ...

    async def between(
        self, guild_id: int, user_id: int, first: date, last: date
    ) -> list[CheckinEntry]: ...

    async def exists(self, guild_id: int, user_id: int, day: date) -> bool: ...

    async def daily_summaries(
        self, guild_id: int, first: date, last: date
    ) -> dict[date, CheckinSummary]: ...

    async def shared_card(
        self, guild_id: int, user_id: int, day: date
    ) -> tuple[int, int] | None: ...

    async def remember_card(
        self, guild_id: int, user_id: int, day: date, channel_id: int, message_id: int
    ) -> None: ...


class SqlCheckinRepository:
    def __init__(self, db: Database, codec: FieldCodec = PLAIN) -> None:
        self._db = db
        self._codec = codec
        # Concurrent check-ins share their statements (see checkin_writer).
        self._writer = CheckinWriter(db)

    async def record(
        self,
        guild_id: int,
        user_id: int,
        day: date,
        checkin: CheckinInput,
        shared: bool,
        now: datetime,
        *,
        clear_note: bool = False,
    ) -> RecordedCheckin:
        """Save the day's check-in. A second one the same day updates the first: the mood is
        replaced, a craving or note not given keeps its earlier value, and the note is removed
        only on purpose (`clear_note`, unless a new note replaces it)."""
        stamp = to_db(now)
        written = await self._writer.write(
            (
                guild_id,
                user_id,
                day.isoformat(),
                int(checkin.mood),
                checkin.craving,
                self._codec.seal(CHECKIN_NOTE, checkin.note),
                int(shared),
                stamp,
                stamp,
            ),
            clear_note=clear_note,
        )
        return RecordedCheckin(
            updated=written.row["revision"] > 0,
            days=written.days,
            entry=_entry(written.row, self._codec),
        )

    async def days(self, guild_id: int, user_id: int) -> list[date]:
        rows = await self._db.fetch_all(
            "SELECT local_date FROM checkins WHERE guild_id = ? AND user_id = ?"
            " ORDER BY local_date",
            (guild_id, user_id),
        )
        return [date.fromisoformat(row["local_date"]) for row in rows]

    async def between(
        self, guild_id: int, user_id: int, first: date, last: date
    ) -> list[CheckinEntry]:
        rows = await self._db.fetch_all(
            "SELECT local_date, mood, craving, note, shared FROM checkins"
            " WHERE guild_id = ? AND user_id = ? AND local_date BETWEEN ? AND ?"
            " ORDER BY local_date",
            (guild_id, user_id, first.isoformat(), last.isoformat()),
        )
        return [_entry(row, self._codec) for row in rows]

    async def exists(self, guild_id: int, user_id: int, day: date) -> bool:
        row = await self._db.fetch_one(
            "SELECT 1 FROM checkins WHERE guild_id = ? AND user_id = ? AND local_date = ?",
            (guild_id, user_id, day.isoformat()),
        )
        return row is not None

    async def daily_summaries(
        self, guild_id: int, first: date, last: date
    ) -> dict[date, CheckinSummary]:
        """Per local day from first to last: how many check-ins, from how many members, and
        the average mood. Days nobody checked in are absent."""
        rows = await self._db.fetch_all(
            "SELECT local_date, count(*) AS n, count(DISTINCT user_id) AS members,"
            " avg(mood) AS mood FROM checkins WHERE guild_id = ? AND local_date BETWEEN ? AND ?"
            " GROUP BY local_date",
            (guild_id, first.isoformat(), last.isoformat()),
        )
        return {
            date.fromisoformat(row["local_date"]): CheckinSummary(
                count=int(row["n"]), members=int(row["members"]), average_mood=float(row["mood"])
            )
            for row in rows
        }

    async def shared_card(self, guild_id: int, user_id: int, day: date) -> tuple[int, int] | None:
        """(channel id, message id) of the card already shared for that day, if any."""
        row = await self._db.fetch_one(
            "SELECT card_channel_id, card_message_id FROM checkins WHERE guild_id = ?"
            " AND user_id = ? AND local_date = ? AND card_message_id IS NOT NULL",
            (guild_id, user_id, day.isoformat()),
        )
        return (int(row[0]), int(row[1])) if row else None

    async def remember_card(
        self, guild_id: int, user_id: int, day: date, channel_id: int, message_id: int
    ) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE checkins SET card_channel_id = ?, card_message_id = ?"
                " WHERE guild_id = ? AND user_id = ? AND local_date = ?",
                (channel_id, message_id, guild_id, user_id, day.isoformat()),
            )


def _entry(row: Row, codec: FieldCodec) -> CheckinEntry:
    return CheckinEntry(
        local_date=date.fromisoformat(row["local_date"]),
        mood=Mood(row["mood"]),
        craving=row["craving"],
        note=codec.open(CHECKIN_NOTE, row["note"]),
        shared=bool(row["shared"]),
    )
