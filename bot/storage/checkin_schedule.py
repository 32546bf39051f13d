"""Reminder settings, and the delivery records that make reminders and prompts happen once."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Protocol

from bot.domain.checkins import PROMPT_MAX_ATTEMPTS, PROMPT_RETRY_DELAYS, Reminder
from bot.storage.database import Database, Row, Transaction
from bot.storage.due_marks import guild_due_again, reminder_due_again
from bot.storage.timestamps import from_db, to_db


class CheckinScheduleRepository(Protocol):
    async def set_reminder(
        self, guild_id: int, user_id: int, local_time: str, now: datetime
    ) -> None: ...
    async def disable_reminder(
        self, guild_id: int, user_id: int, now: datetime, *, reason: str | None = None
    ) -> bool: ...
    async def reminder(self, guild_id: int, user_id: int) -> Reminder | None: ...
    async def enabled_reminders(self) -> list[Reminder]: ...
    async def take_notice(self, guild_id: int, user_id: int) -> str | None: ...
    async def claim_reminder(
        self, guild_id: int, user_id: int, day: date, now: datetime
    ) -> bool: ...
    async def mark_handled(self, guild_id: int, user_id: int, day: date) -> None: ...
    async def finish_reminder(
        self, guild_id: int, user_id: int, day: date, outcome: str, now: datetime
    ) -> None: ...
    async def release_reminder(
        self, guild_id: int, user_id: int, day: date, *, retry_at: datetime
    ) -> None: ...
    async def claim_prompt(
        self, guild_id: int, day: date, channel_id: int, now: datetime
    ) -> bool: ...
    async def prompt_posted(
        self, guild_id: int, day: date, message_id: int, thread_id: int | None, now: datetime
    ) -> None: ...
    async def prompt_failed(self, guild_id: int, day: date, error: str, now: datetime) -> int: ...
    async def abandon_prompt(self, guild_id: int, day: date, now: datetime) -> None: ...
    async def interrupted_prompts(self) -> list[tuple[int, date]]: ...
    async def prompt_interrupted(self, guild_id: int, day: date, now: datetime) -> None: ...
    async def interrupted_reminders(self) -> list[tuple[int, int, date]]: ...


class SqlCheckinScheduleRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        # (guild, user) pairs with a notice to give. Asked at every check-in and almost always
        # empty; this repository is the only writer of the flag, so memory mirrors the table.
        self._notices: set[tuple[int, int]] | None = None
        # Held while the set is read, so a burst of first check-ins reads it once.
        self._notices_loading = asyncio.Lock()

    async def _pending_notices(self) -> set[tuple[int, int]]:
        if self._notices is None:
            async with self._notices_loading:
                if self._notices is None:
                    rows = await self._db.fetch_all(
                        "SELECT guild_id, user_id FROM checkin_reminders WHERE notice_pending = 1"
                    )
                    self._notices = {(int(r["guild_id"]), int(r["user_id"])) for r in rows}
        return self._notices

    async def set_reminder(
        self, guild_id: int, user_id: int, local_time: str, now: datetime
    ) -> None:
        stamp = to_db(now)
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO checkin_reminders (guild_id, user_id, local_time, enabled,"
                " created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)"
                " ON CONFLICT (guild_id, user_id) DO UPDATE SET local_time = excluded.local_time,"
                " enabled = 1, disabled_reason = NULL, notice_pending = 0, handled_date = NULL,"
                " updated_at = excluded.updated_at",
                (guild_id, user_id, local_time, stamp, stamp),
            )
            await reminder_due_again(tx, guild_id, user_id, now)
        (await self._pending_notices()).discard((guild_id, user_id))

    async def disable_reminder(
        self, guild_id: int, user_id: int, now: datetime, *, reason: str | None = None
    ) -> bool:
        """Switch off; with a reason, the member is told at their next check-in."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE checkin_reminders SET enabled = 0, disabled_reason = ?,"
                " notice_pending = ?, updated_at = ? WHERE guild_id = ? AND user_id = ?"
                " AND enabled = 1",
                (reason, int(reason is not None), to_db(now), guild_id, user_id),
            )
            if changed:
                await reminder_due_again(tx, guild_id, user_id, None)
        if changed and reason is not None:
            (await self._pending_notices()).add((guild_id, user_id))
        return changed > 0

    async def reminder(self, guild_id: int, user_id: int) -> Reminder | None:
        row = await self._db.fetch_one(
            "SELECT * FROM checkin_reminders WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return _reminder(row) if row else None

    async def enabled_reminders(self) -> list[Reminder]:
        rows = await self._db.fetch_all("SELECT * FROM checkin_reminders WHERE enabled = 1")
        return [_reminder(row) for row in rows]

    async def take_notice(self, guild_id: int, user_id: int) -> str | None:
        """The reason reminders were switched off, once; None when there is nothing to tell."""
        pending = await self._pending_notices()
        if (guild_id, user_id) not in pending:
            return None
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT disabled_reason FROM checkin_reminders WHERE guild_id = ? AND user_id = ?"
                " AND notice_pending = 1",
                (guild_id, user_id),
            )
            await tx.execute(
                "UPDATE checkin_reminders SET notice_pending = 0"
                " WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
        pending.discard((guild_id, user_id))
        return str(row["disabled_reason"]) if row else None

    async def claim_reminder(self, guild_id: int, user_id: int, day: date, now: datetime) -> bool:
        """True when this day's reminder is now ours to send: never twice, even after a crash."""
        async with self._db.transaction() as tx:
            inserted = await tx.execute(
                "INSERT INTO checkin_reminder_deliveries"
                " (guild_id, user_id, local_date, outcome, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (guild_id, user_id, day.isoformat(), "sending", to_db(now)),
            )
            await _set_handled(tx, guild_id, user_id, day)
        return inserted > 0

    async def mark_handled(self, guild_id: int, user_id: int, day: date) -> None:
        """Nothing to send that day (the member already checked in): stop looking at it."""
        async with self._db.transaction() as tx:
            await _set_handled(tx, guild_id, user_id, day)

    async def finish_reminder(
        self, guild_id: int, user_id: int, day: date, outcome: str, now: datetime
    ) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE checkin_reminder_deliveries SET outcome = ?, updated_at = ?"
                " WHERE guild_id = ? AND user_id = ? AND local_date = ?",
                (outcome, to_db(now), guild_id, user_id, day.isoformat()),
            )

    async def release_reminder(
        self, guild_id: int, user_id: int, day: date, *, retry_at: datetime
    ) -> None:
        """Give a claimed reminder back after a passing failure; due again at `retry_at`."""
        async with self._db.transaction() as tx:
            await reminder_due_again(tx, guild_id, user_id, retry_at)
            await tx.execute(
                "DELETE FROM checkin_reminder_deliveries"
                " WHERE guild_id = ? AND user_id = ? AND local_date = ? AND outcome = 'sending'",
                (guild_id, user_id, day.isoformat()),
            )
            await tx.execute(
                "UPDATE checkin_reminders SET handled_date = NULL"
                " WHERE guild_id = ? AND user_id = ? AND handled_date = ?",
                (guild_id, user_id, day.isoformat()),
            )

    async def claim_prompt(self, guild_id: int, day: date, channel_id: int, now: datetime) -> bool:
        """True when the day's prompt should be posted now: the first try, or a retry that is
        due after a failure (waiting longer after each)."""
        stamp = to_db(now)
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT status, attempts, updated_at FROM checkin_prompts"
                " WHERE guild_id = ? AND local_date = ?",
                (guild_id, day.isoformat()),
            )
            if row is None:
                await tx.execute(
                    "INSERT INTO checkin_prompts (guild_id, local_date, channel_id, status,"
                    " attempts, updated_at) VALUES (?, ?, ?, 'posting', 1, ?)",
                    (guild_id, day.isoformat(), channel_id, stamp),
                )
                return True
            attempts = int(row["attempts"])
            if row["status"] != "failed" or attempts >= PROMPT_MAX_ATTEMPTS:
                return False
            if now < from_db(row["updated_at"]) + PROMPT_RETRY_DELAYS[attempts - 1]:
                return False
            await tx.execute(
                "UPDATE checkin_prompts SET status = 'posting', attempts = attempts + 1,"
                " channel_id = ?, updated_at = ? WHERE guild_id = ? AND local_date = ?",
                (channel_id, stamp, guild_id, day.isoformat()),
            )
        return True

    async def prompt_posted(
        self, guild_id: int, day: date, message_id: int, thread_id: int | None, now: datetime
    ) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE checkin_prompts SET status = 'posted', message_id = ?, thread_id = ?,"
                " last_error = NULL, updated_at = ? WHERE guild_id = ? AND local_date = ?",
                (message_id, thread_id, to_db(now), guild_id, day.isoformat()),
            )

    async def prompt_failed(self, guild_id: int, day: date, error: str, now: datetime) -> int:
        """Record a failed post; returns how many attempts have now failed."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE checkin_prompts SET status = 'failed', last_error = ?, updated_at = ?"
                " WHERE guild_id = ? AND local_date = ?",
                (error, to_db(now), guild_id, day.isoformat()),
            )
            row = await tx.fetch_one(
                "SELECT attempts FROM checkin_prompts WHERE guild_id = ? AND local_date = ?",
                (guild_id, day.isoformat()),
            )
        return int(row["attempts"]) if row else 0

    async def abandon_prompt(self, guild_id: int, day: date, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE checkin_prompts SET status = 'abandoned', updated_at = ?"
                " WHERE guild_id = ? AND local_date = ?",
                (to_db(now), guild_id, day.isoformat()),
            )

    async def interrupted_prompts(self) -> list[tuple[int, date]]:
        """(guild, local day) prompts left 'posting' by the last stop: posted or not, unknown."""
        rows = await self._db.fetch_all(
            "SELECT guild_id, local_date FROM checkin_prompts WHERE status = 'posting'"
        )
        return [(int(r["guild_id"]), date.fromisoformat(r["local_date"])) for r in rows]

    async def prompt_interrupted(self, guild_id: int, day: date, now: datetime) -> None:
        """It never reached Discord: let it be retried at once."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE checkin_prompts SET status = 'failed', last_error = 'interrupted',"
                " updated_at = ? WHERE guild_id = ? AND local_date = ? AND status = 'posting'",
                (to_db(now - PROMPT_RETRY_DELAYS[-1]), guild_id, day.isoformat()),
            )
            await guild_due_again(tx, guild_id, now, counters=False, reminders=False, prompt=True)

    async def interrupted_reminders(self) -> list[tuple[int, int, date]]:
        """(guild, member, local day) reminders left 'sending' by the last stop."""
        rows = await self._db.fetch_all(
            "SELECT guild_id, user_id, local_date FROM checkin_reminder_deliveries"
            " WHERE outcome = 'sending'"
        )
        return [
            (int(r["guild_id"]), int(r["user_id"]), date.fromisoformat(r["local_date"]))
            for r in rows
        ]


async def _set_handled(tx: Transaction, guild_id: int, user_id: int, day: date) -> None:
    await tx.execute(
        "UPDATE checkin_reminders SET handled_date = ? WHERE guild_id = ? AND user_id = ?",
        (day.isoformat(), guild_id, user_id),
    )


def _reminder(row: Row) -> Reminder:
    return Reminder(
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        local_time=row["local_time"],
        enabled=bool(row["enabled"]),
        disabled_reason=row["disabled_reason"],
        active_since=from_db(row["updated_at"]),
        handled_date=date.fromisoformat(row["handled_date"]) if row["handled_date"] else None,
    )
