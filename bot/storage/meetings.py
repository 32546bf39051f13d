"""Meetings, their skipped dates, what was delivered for each occurrence, and RSVPs."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from bot.domain.meetings import Claim, Delivery, Meeting, MeetingFields
from bot.domain.recurrence import Repeat, Schedule
from bot.domain.reminder_offsets import offsets_spec, parse_offsets
from bot.domain.shards import ShardPlan
from bot.storage.database import Database, Row, present
from bot.storage.due_times import ALL_SHARDS, _owned, _owned_params
from bot.storage.timestamps import from_db, to_db

OFF_LOOP_ROWS = 200


class MeetingRepository(Protocol):
    async def create(
        self, guild_id: int, fields: MeetingFields, created_by: int, now: datetime
    ) -> Meeting: ...
    async def replace(self, meeting_id: int, fields: MeetingFields, now: datetime) -> Meeting: ...
    async def get(self, meeting_id: int) -> Meeting | None: ...
    async def for_guild(self, guild_id: int) -> list[Meeting]: ...
    async def all_for_guild(self, guild_id: int) -> list[Meeting]: ...
    async def everything(self, plan: ShardPlan = ALL_SHARDS) -> list[Meeting]: ...
    async def event_counts(self, guild_id: int) -> tuple[int, int, int]: ...
    async def skips_for_guild(self, guild_id: int) -> dict[int, set[date]]: ...
    async def by_slug(self, guild_id: int, slug: str) -> Meeting | None: ...
    async def delete(self, meeting_id: int) -> None: ...
    async def skips(self, meeting_id: int) -> set[date]: ...
    async def all_skips(self) -> dict[int, set[date]]: ...
    async def add_skip(self, meeting_id: int, day: date, now: datetime) -> bool: ...
    async def delivered(self, meeting_id: int, occurrence: datetime) -> dict[str, Delivery]: ...
    async def delivered_since(self, since: datetime) -> dict[tuple[int, datetime], set[str]]: ...
    async def claim(
        self, meeting_id: int, occurrence: datetime, kind: str, now: datetime
    ) -> bool: ...
    async def finish(
        self,
        meeting_id: int,
        occurrence: datetime,
        kind: str,
        status: str,
        now: datetime,
        channel_id: int | None = None,
        message_id: int | None = None,
    ) -> None: ...
    async def release(self, meeting_id: int, occurrence: datetime, kind: str) -> None: ...
    async def interrupted(self) -> list[Claim]: ...
    async def set_event(
        self, meeting_id: int, event_id: int | None, event_start: datetime | None
    ) -> None: ...
    async def rsvp(
        self, meeting_id: int, occurrence: datetime, user_id: int, going: bool, now: datetime
    ) -> tuple[int, int]: ...
    async def rsvp_counts(self, meeting_id: int, occurrence: datetime) -> tuple[int, int]: ...
    async def going(self, meeting_id: int, occurrence: datetime) -> list[int]: ...


class SqlMeetingRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self, guild_id: int, fields: MeetingFields, created_by: int, now: datetime
    ) -> Meeting:
        values = columns_of(fields)
        stamp = to_db(now)
        names = ", ".join([*values, "guild_id", "created_by", "created_at", "updated_at"])
        marks = ", ".join("?" for _ in range(len(values) + 4))
        async with self._db.transaction() as tx:
            meeting_id = await tx.insert(
                f"INSERT INTO meetings ({names}) VALUES ({marks})",
                (*values.values(), guild_id, created_by, stamp, stamp),
            )
        meeting = await self.get(meeting_id)
        meeting = present(meeting, f"meeting {meeting_id}")
        return meeting

    async def replace(self, meeting_id: int, fields: MeetingFields, now: datetime) -> Meeting:
        values = columns_of(fields)
        assignments = ", ".join(f"{name} = ?" for name in values)
        async with self._db.transaction() as tx:
            await tx.execute(
                # event_start cleared: the Events entry is refreshed with the new details.
                f"UPDATE meetings SET {assignments}, event_start = NULL, updated_at = ?"
                " WHERE id = ?",
                (*values.values(), to_db(now), meeting_id),
            )
        meeting = await self.get(meeting_id)
        meeting = present(meeting, f"meeting {meeting_id}")
        return meeting

    async def get(self, meeting_id: int) -> Meeting | None:
        row = await self._db.fetch_one("SELECT * FROM meetings WHERE id = ?", (meeting_id,))
        return meeting_of(row) if row else None

    async def for_guild(self, guild_id: int) -> list[Meeting]:
        rows = await self._db.fetch_all(
            "SELECT * FROM meetings WHERE guild_id = ? AND archived_at IS NULL"
            " ORDER BY lower(name), id",
            (guild_id,),
        )
        return await meetings_of(rows)

    async def all_for_guild(self, guild_id: int) -> list[Meeting]:
        """Archived meetings too (their Events entries must go)."""
        rows = await self._db.fetch_all(
            "SELECT * FROM meetings WHERE guild_id = ? ORDER BY id", (guild_id,)
        )
        return await meetings_of(rows)

    async def everything(self, plan: ShardPlan = ALL_SHARDS) -> list[Meeting]:
        """Every active meeting of the servers on the shards `plan` runs (all by default)."""
        # Chosen in SQL: with 100,000 meetings over 4 processes, reading every row to keep a
        # quarter cost each process seconds at start (bench/shard_schedule.py).
        rows = await self._db.fetch_all(
            "SELECT * FROM meetings WHERE archived_at IS NULL" + _owned("guild_id", plan),
            _owned_params(plan),
        )
        return await meetings_of(rows)

    async def event_counts(self, guild_id: int) -> tuple[int, int, int]:
        """(active meetings shown in Events, active meetings, archived meetings)."""
        row = await self._db.fetch_one(
            "SELECT coalesce(sum(CASE WHEN archived_at IS NULL AND event_id IS NOT NULL"
            " THEN 1 ELSE 0 END), 0) AS mirrored,"
            " coalesce(sum(CASE WHEN archived_at IS NULL THEN 1 ELSE 0 END), 0) AS active,"
            " coalesce(sum(CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END), 0) AS archived"
            " FROM meetings WHERE guild_id = ?",
            (guild_id,),
        )
        row = present(row, "the meeting counts")
        return int(row["mirrored"]), int(row["active"]), int(row["archived"])

    async def by_slug(self, guild_id: int, slug: str) -> Meeting | None:
        row = await self._db.fetch_one(
            "SELECT * FROM meetings WHERE guild_id = ? AND source_slug = ?", (guild_id, slug)
        )
        return meeting_of(row) if row else None

    async def delete(self, meeting_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM meetings WHERE id = ?", (meeting_id,))

    async def skips(self, meeting_id: int) -> set[date]:
        rows = await self._db.fetch_all(
            "SELECT local_date FROM meeting_skips WHERE meeting_id = ?", (meeting_id,)
        )
        return {date.fromisoformat(row["local_date"]) for row in rows}

    async def all_skips(self) -> dict[int, set[date]]:
        found: dict[int, set[date]] = {}
        for row in await self._db.fetch_all("SELECT meeting_id, local_date FROM meeting_skips"):
            found.setdefault(int(row["meeting_id"]), set()).add(
                date.fromisoformat(row["local_date"])
            )
        return found

    async def skips_for_guild(self, guild_id: int) -> dict[int, set[date]]:
        found: dict[int, set[date]] = {}
        rows = await self._db.fetch_all(
            "SELECT s.meeting_id, s.local_date FROM meeting_skips s"
            " JOIN meetings m ON m.id = s.meeting_id WHERE m.guild_id = ?",
            (guild_id,),
        )
        for row in rows:
            found.setdefault(int(row["meeting_id"]), set()).add(
                date.fromisoformat(row["local_date"])
            )
        return found

    async def add_skip(self, meeting_id: int, day: date, now: datetime) -> bool:
        async with self._db.transaction() as tx:
            added = await tx.execute(
                "INSERT INTO meeting_skips (meeting_id, local_date, created_at)"
                " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (meeting_id, day.isoformat(), to_db(now)),
            )
        return added > 0

    async def delivered(self, meeting_id: int, occurrence: datetime) -> dict[str, Delivery]:
        rows = await self._db.fetch_all(
            "SELECT kind, status, channel_id, message_id FROM meeting_deliveries"
            " WHERE meeting_id = ? AND occurrence = ?",
            (meeting_id, to_db(occurrence)),
        )
        return {
            row["kind"]: Delivery(row["kind"], row["status"], row["channel_id"], row["message_id"])
            for row in rows
        }

    async def delivered_since(self, since: datetime) -> dict[tuple[int, datetime], set[str]]:
        """Delivery kinds per (meeting, occurrence start in UTC), for occurrences since then."""
        found: dict[tuple[int, datetime], set[str]] = {}
        rows = await self._db.fetch_all(
            "SELECT meeting_id, occurrence, kind FROM meeting_deliveries WHERE occurrence >= ?",
            (to_db(since),),
        )
        for row in rows:
            key = (int(row["meeting_id"]), from_db(row["occurrence"]))
            found.setdefault(key, set()).add(row["kind"])
        return found

    async def claim(self, meeting_id: int, occurrence: datetime, kind: str, now: datetime) -> bool:
        async with self._db.single_writes() as tx:  # one statement: atomic alone
            inserted = await tx.execute(
                "INSERT INTO meeting_deliveries (meeting_id, occurrence, kind, status,"
                " updated_at) VALUES (?, ?, ?, 'sending', ?) ON CONFLICT DO NOTHING",
                (meeting_id, to_db(occurrence), kind, to_db(now)),
            )
        return inserted > 0

    async def finish(
        self,
        meeting_id: int,
        occurrence: datetime,
        kind: str,
        status: str,
        now: datetime,
        channel_id: int | None = None,
        message_id: int | None = None,
    ) -> None:
        async with self._db.single_writes() as tx:  # one statement: atomic alone
            await tx.execute(
                "UPDATE meeting_deliveries SET status = ?, channel_id = ?, message_id = ?,"
                " updated_at = ? WHERE meeting_id = ? AND occurrence = ? AND kind = ?",
                (status, channel_id, message_id, to_db(now), meeting_id, to_db(occurrence), kind),
            )

    async def release(self, meeting_id: int, occurrence: datetime, kind: str) -> None:
        async with self._db.single_writes() as tx:  # one statement: atomic alone
            await tx.execute(
                "DELETE FROM meeting_deliveries WHERE meeting_id = ? AND occurrence = ?"
                " AND kind = ? AND status = 'sending'",
                (meeting_id, to_db(occurrence), kind),
            )

    async def interrupted(self) -> list[Claim]:
        """Claims left 'sending' by the last stop: each may or may not have reached Discord."""
        rows = await self._db.fetch_all(
            "SELECT d.meeting_id, d.occurrence, d.kind, m.guild_id FROM meeting_deliveries d"
            " JOIN meetings m ON m.id = d.meeting_id WHERE d.status = 'sending'"
            " ORDER BY d.occurrence"
        )
        return [
            Claim(int(r["meeting_id"]), from_db(r["occurrence"]), r["kind"], int(r["guild_id"]))
            for r in rows
        ]

    async def set_event(
        self, meeting_id: int, event_id: int | None, event_start: datetime | None
    ) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE meetings SET event_id = ?, event_start = ? WHERE id = ?",
                (event_id, to_db(event_start) if event_start else None, meeting_id),
            )

    async def rsvp(
        self, meeting_id: int, occurrence: datetime, user_id: int, going: bool, now: datetime
    ) -> tuple[int, int]:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO meeting_rsvps (meeting_id, occurrence, user_id, going, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (meeting_id, occurrence, user_id)"
                " DO UPDATE SET going = excluded.going, updated_at = excluded.updated_at",
                (meeting_id, to_db(occurrence), user_id, int(going), to_db(now)),
            )
        return await self.rsvp_counts(meeting_id, occurrence)

    async def rsvp_counts(self, meeting_id: int, occurrence: datetime) -> tuple[int, int]:
        row = await self._db.fetch_one(
            "SELECT coalesce(sum(going), 0) AS yes, coalesce(sum(1 - going), 0) AS no"
            " FROM meeting_rsvps WHERE meeting_id = ? AND occurrence = ?",
            (meeting_id, to_db(occurrence)),
        )
        row = present(row, "the RSVP counts")
        return int(row["yes"]), int(row["no"])

    async def going(self, meeting_id: int, occurrence: datetime) -> list[int]:
        rows = await self._db.fetch_all(
            "SELECT user_id FROM meeting_rsvps WHERE meeting_id = ? AND occurrence = ?"
            " AND going = 1 ORDER BY updated_at",
            (meeting_id, to_db(occurrence)),
        )
        return [int(row["user_id"]) for row in rows]


def columns_of(fields: MeetingFields) -> dict[str, Any]:
    schedule = fields.schedule
    return {
        "name": fields.name,
        "weekdays": ",".join(str(d) for d in schedule.weekdays),
        "start_time": f"{schedule.start_time:%H:%M}",
        "timezone": schedule.zone,
        "duration_minutes": int(schedule.duration.total_seconds() // 60),
        "repeat": schedule.repeat.value,
        "nth": schedule.nth,
        "anchor_date": schedule.anchor.isoformat(),
        "voice_channel_id": fields.voice_channel_id,
        "link": fields.link,
        "description": fields.description,
        "types": ",".join(fields.types),
        "announce_channel_id": fields.announce_channel_id,
        "ping_role_id": fields.ping_role_id,
        "reminders": offsets_spec(fields.reminders),
        "source_slug": fields.source_slug,
    }


async def meetings_of(rows: list[Row]) -> list[Meeting]:
    """Rows to meetings; many of them off the event loop (about 0.1 ms each: a server with
    thousands would hold everyone else up)."""
    if len(rows) < OFF_LOOP_ROWS:
        return [meeting_of(row) for row in rows]
    return await asyncio.to_thread(lambda: [meeting_of(row) for row in rows])


def meeting_of(row: Row) -> Meeting:
    schedule = Schedule(
        weekdays=tuple(int(d) for d in row["weekdays"].split(",")),
        start_time=time.fromisoformat(row["start_time"]),
        zone=row["timezone"],
        duration=timedelta(minutes=row["duration_minutes"]),
        repeat=Repeat(row["repeat"]),
        anchor=date.fromisoformat(row["anchor_date"]),
        nth=row["nth"],
    )
    return Meeting(
        id=row["id"],
        guild_id=row["guild_id"],
        name=row["name"],
        schedule=schedule,
        voice_channel_id=row["voice_channel_id"],
        link=row["link"],
        description=row["description"],
        types=tuple(t for t in row["types"].split(",") if t),
        announce_channel_id=row["announce_channel_id"],
        ping_role_id=row["ping_role_id"],
        reminders=parse_offsets(row["reminders"]),
        source_slug=row["source_slug"],
        event_id=row["event_id"],
        event_start=from_db(row["event_start"]) if row["event_start"] else None,
        created_by=row["created_by"],
        archived=row["archived_at"] is not None,
    )
