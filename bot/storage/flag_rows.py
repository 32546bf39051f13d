"""Rows of the flags tables: what a new flag carries, and reading and writing single rows."""

from __future__ import annotations

from datetime import datetime

from bot.domain.flags import Flag, FlagSeverity, FlagStatus, NewFlag
from bot.storage.database import Row, Transaction, present
from bot.storage.timestamps import from_db, to_db


async def insert_flag(
    tx: Transaction,
    flag: NewFlag,
    now: datetime,
    first_escalation: datetime | None,
    reporter: int | None,
    detail: str | None,
) -> int:
    flag_id = await tx.insert(
        "INSERT INTO flags (guild_id, source, category, severity, user_id, channel_id,"
        " message_id, reports, next_escalation_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            flag.guild_id,
            flag.source,
            flag.category,
            flag.severity,
            flag.user_id,
            flag.channel_id,
            flag.message_id,
            1 if reporter else 0,
            to_db(first_escalation) if first_escalation else None,
            to_db(now),
        ),
    )
    if reporter is not None:
        await tx.execute(
            "INSERT INTO flag_reporters (flag_id, user_id) VALUES (?, ?)", (flag_id, reporter)
        )
    await add_event(tx, flag_id, "created", reporter, detail, now)
    return flag_id


async def add_event(
    tx: Transaction, flag_id: int, action: str, actor: int | None, detail: str | None, now: datetime
) -> None:
    await tx.execute(
        "INSERT INTO flag_events (flag_id, action, actor_id, detail, at) VALUES (?, ?, ?, ?, ?)",
        (flag_id, action, actor, detail, to_db(now)),
    )


async def get_flag(tx: Transaction, flag_id: int) -> Flag:
    row = await tx.fetch_one("SELECT * FROM flags WHERE id = ?", (flag_id,))
    row = present(row, f"flag {flag_id}")
    return flag_of(row)


def _when(text: str | None) -> datetime | None:
    return from_db(text) if text else None


def flag_of(row: Row) -> Flag:
    return Flag(
        id=row["id"],
        guild_id=row["guild_id"],
        source=row["source"],
        category=row["category"],
        severity=FlagSeverity(row["severity"]),
        user_id=row["user_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        reports=row["reports"],
        status=FlagStatus(row["status"]),
        claimed_by=row["claimed_by"],
        claimed_at=_when(row["claimed_at"]),
        closed_by=row["closed_by"],
        closed_at=_when(row["closed_at"]),
        escalation_step=row["escalation_step"],
        next_escalation_at=_when(row["next_escalation_at"]),
        card_channel_id=row["card_channel_id"],
        card_message_id=row["card_message_id"],
        created_at=from_db(row["created_at"]),
        member_unreachable=bool(row["member_unreachable"]),
    )
