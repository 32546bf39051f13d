"""Marking rows of timed work due again, inside the transaction of the change that moved them.

Used by the repositories whose changes move a due time (see `bot.storage.due_times`): each bumps
the row's revision, so a timed run that read the row before the change does not overwrite the
fresh instant with one worked out from older state.
"""

from __future__ import annotations

from datetime import datetime

from bot.storage.database import Transaction
from bot.storage.timestamps import to_db

# Settings whose change moves a server's due times: which rows each one touches.
ZONE_FIELDS = frozenset({"timezone"})
PLAN_FIELDS = frozenset({"milestone_plan"})
PROMPT_FIELDS = frozenset({"timezone", "checkin_channel_id", "checkin_prompt_time"})


async def counter_due_again(tx: Transaction, counter_id: int, at: datetime) -> None:
    # Two statements rather than CASE ... THEN ?: PostgreSQL would type that parameter as text.
    await tx.execute(
        "UPDATE sobriety_counters SET due_revision = due_revision + 1, next_due_at = ?"
        " WHERE id = ?",
        (to_db(at), counter_id),
    )
    await tx.execute(
        "UPDATE sobriety_counters SET next_due_at = NULL WHERE id = ? AND announce = 'off'",
        (counter_id,),
    )


async def reminder_due_again(
    tx: Transaction, guild_id: int, user_id: int, at: datetime | None
) -> None:
    """`at` None: switched off, nothing due until it is set again."""
    await tx.execute(
        "UPDATE checkin_reminders SET due_revision = due_revision + 1, next_due_at = ?"
        " WHERE guild_id = ? AND user_id = ?",
        (to_db(at) if at is not None else None, guild_id, user_id),
    )
    await tx.execute(
        "UPDATE checkin_reminders SET next_due_at = NULL"
        " WHERE guild_id = ? AND user_id = ? AND enabled = 0",
        (guild_id, user_id),
    )


async def member_due_again(tx: Transaction, user_id: int, at: datetime) -> None:
    """A member's own zone changed: their counters and reminders in every server."""
    stamp = to_db(at)
    await tx.execute(
        "UPDATE sobriety_counters SET due_revision = due_revision + 1, next_due_at = ?"
        " WHERE user_id = ? AND announce != 'off'",
        (stamp, user_id),
    )
    await tx.execute(
        "UPDATE checkin_reminders SET due_revision = due_revision + 1, next_due_at = ?"
        " WHERE user_id = ? AND enabled = 1",
        (stamp, user_id),
    )


async def guild_due_again(
    tx: Transaction, guild_id: int, at: datetime, *, counters: bool, reminders: bool, prompt: bool
) -> None:
    stamp = to_db(at)
    if counters:
        await tx.execute(
            "UPDATE sobriety_counters SET due_revision = due_revision + 1, next_due_at = ?"
            " WHERE guild_id = ? AND announce != 'off'",
            (stamp, guild_id),
        )
    if reminders:
        await tx.execute(
            "UPDATE checkin_reminders SET due_revision = due_revision + 1, next_due_at = ?"
            " WHERE guild_id = ? AND enabled = 1",
            (stamp, guild_id),
        )
    if prompt:
        await tx.execute(
            "UPDATE guild_config SET checkin_prompt_revision = checkin_prompt_revision + 1,"
            " checkin_prompt_due_at = ? WHERE guild_id = ?",
            (stamp, guild_id),
        )


async def settings_due_again(
    tx: Transaction, guild_id: int, changed: frozenset[str], at: datetime
) -> None:
    """A server setting changed: the rows whose due time depends on it get a fresh look."""
    await guild_due_again(
        tx,
        guild_id,
        at,
        counters=bool(changed & (ZONE_FIELDS | PLAN_FIELDS)),
        reminders=bool(changed & ZONE_FIELDS),
        prompt=bool(changed & PROMPT_FIELDS),
    )
