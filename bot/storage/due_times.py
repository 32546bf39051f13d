"""Next-due instants of timed work: what is due now, found through an index, never a walk.

Each counter, check-in reminder and server prompt keeps `next_due_at` (UTC) and a revision. A
timed run asks for rows whose instant has come (`due_*`), handles them, and stores each one's
next instant (`reschedule_*`) only if nothing changed the row meanwhile: every change that asks
for a fresh look (a new start date, a time zone, a milestone plan, a retry) bumps the revision
and sets the row due, through the helpers in `due_marks`, in the same transaction as the
change itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from bot.domain.due_times import DueCounter, DuePrompt, DueReminder, NextDue
from bot.domain.shards import ShardPlan
from bot.storage.checkin_schedule import _reminder
from bot.storage.database import Database
from bot.storage.due_marks import guild_due_again
from bot.storage.guild_config import _to_config
from bot.storage.sealing import PLAIN, FieldCodec
from bot.storage.sobriety import _COUNTER_COLUMNS, _COUNTER_FROM, _counter
from bot.storage.timestamps import from_db, to_db

ALL_SHARDS = ShardPlan()


def _owned(column: str, shards: ShardPlan) -> str:
    """Only rows of guilds this process serves: a row of another process's guild left in the
    due set would come back first in every batch and starve the rows behind it."""
    if shards.shard_count is None or shards.shard_ids is None:
        return ""
    marks = ", ".join("?" for _ in shards.shard_ids)
    return f" AND (({column} >> 22) % ?) IN ({marks})"


def _owned_params(shards: ShardPlan) -> tuple[int, ...]:
    if shards.shard_count is None or shards.shard_ids is None:
        return ()
    return (shards.shard_count, *shards.shard_ids)


class DueTimesRepository(Protocol):
    async def due_counters(
        self, now: datetime, limit: int, shards: ShardPlan = ALL_SHARDS
    ) -> list[DueCounter]: ...
    async def reschedule_counters(self, plans: Sequence[NextDue]) -> int: ...
    async def due_reminders(
        self, now: datetime, limit: int, shards: ShardPlan = ALL_SHARDS
    ) -> list[DueReminder]: ...
    async def reschedule_reminders(self, plans: Sequence[NextDue]) -> int: ...
    async def due_prompts(
        self, now: datetime, limit: int, shards: ShardPlan = ALL_SHARDS
    ) -> list[DuePrompt]: ...
    async def reschedule_prompts(self, plans: Sequence[NextDue]) -> int: ...
    async def prompt_settled(self, guild_id: int, day: date) -> bool: ...
    async def guild_due_again(
        self, guild_id: int, at: datetime, *, counters: bool, reminders: bool, prompt: bool
    ) -> None: ...
    async def next_counter_due(self, counter_id: int) -> datetime | None: ...


class SqlDueTimesRepository:
    def __init__(self, db: Database, codec: FieldCodec = PLAIN) -> None:
        self._db = db
        self._codec = codec

    async def due_counters(
        self, now: datetime, limit: int, shards: ShardPlan = ALL_SHARDS
    ) -> list[DueCounter]:
        rows = await self._db.fetch_all(
            f"SELECT {_COUNTER_COLUMNS}, c.due_revision{_COUNTER_FROM}"
            f" WHERE c.next_due_at <= ?{_owned('c.guild_id', shards)}"
            " ORDER BY c.next_due_at LIMIT ?",
            (to_db(now), *_owned_params(shards), limit),
        )
        return [DueCounter(_counter(row, self._codec), int(row["due_revision"])) for row in rows]

    async def reschedule_counters(self, plans: Sequence[NextDue]) -> int:
        return await self._reschedule(
            "UPDATE sobriety_counters SET next_due_at = ? WHERE id = ? AND due_revision = ?",
            plans,
        )

    async def due_reminders(
        self, now: datetime, limit: int, shards: ShardPlan = ALL_SHARDS
    ) -> list[DueReminder]:
        rows = await self._db.fetch_all(
            f"SELECT * FROM checkin_reminders WHERE next_due_at <= ?{_owned('guild_id', shards)}"
            " ORDER BY next_due_at LIMIT ?",
            (to_db(now), *_owned_params(shards), limit),
        )
        return [DueReminder(_reminder(row), int(row["due_revision"])) for row in rows]

    async def reschedule_reminders(self, plans: Sequence[NextDue]) -> int:
        return await self._reschedule(
            "UPDATE checkin_reminders SET next_due_at = ?"
            " WHERE guild_id = ? AND user_id = ? AND due_revision = ?",
            plans,
        )

    async def due_prompts(
        self, now: datetime, limit: int, shards: ShardPlan = ALL_SHARDS
    ) -> list[DuePrompt]:
        rows = await self._db.fetch_all(
            "SELECT * FROM guild_config WHERE checkin_prompt_due_at <= ?"
            f"{_owned('guild_id', shards)} ORDER BY checkin_prompt_due_at LIMIT ?",
            (to_db(now), *_owned_params(shards), limit),
        )
        return [DuePrompt(_to_config(row), int(row["checkin_prompt_revision"])) for row in rows]

    async def reschedule_prompts(self, plans: Sequence[NextDue]) -> int:
        return await self._reschedule(
            "UPDATE guild_config SET checkin_prompt_due_at = ?"
            " WHERE guild_id = ? AND checkin_prompt_revision = ?",
            plans,
        )

    async def prompt_settled(self, guild_id: int, day: date) -> bool:
        """Whether the day's prompt is posted or given up: nothing more to try that day."""
        row = await self._db.fetch_one(
            "SELECT status FROM checkin_prompts WHERE guild_id = ? AND local_date = ?",
            (guild_id, day.isoformat()),
        )
        return row is not None and row["status"] in ("posted", "abandoned")

    async def guild_due_again(
        self, guild_id: int, at: datetime, *, counters: bool, reminders: bool, prompt: bool
    ) -> None:
        """A server is back (or changed): its rows get a fresh look at `at`."""
        async with self._db.transaction() as tx:
            await guild_due_again(
                tx, guild_id, at, counters=counters, reminders=reminders, prompt=prompt
            )

    async def next_counter_due(self, counter_id: int) -> datetime | None:
        row = await self._db.fetch_one(
            "SELECT next_due_at FROM sobriety_counters WHERE id = ?", (counter_id,)
        )
        if row is None or row["next_due_at"] is None:
            return None
        return from_db(row["next_due_at"])

    async def _reschedule(self, sql: str, plans: Sequence[NextDue]) -> int:
        """Store each row's next instant in one transaction; returns how many were stored (a row
        changed since it was read keeps the time its change gave it)."""
        stored = 0
        if not plans:
            return stored
        async with self._db.transaction() as tx:
            for plan in plans:
                at = to_db(plan.at) if plan.at is not None else None
                stored += await tx.execute(sql, (at, *plan.key, plan.revision))
        return stored
