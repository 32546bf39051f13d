"""Rows of the peer-support tables: reading requests and supporters, writing events."""

from __future__ import annotations

from datetime import datetime

from bot.domain.peer_hours import WeeklyHours
from bot.domain.peer_support import (
    PeerRequest,
    RequestOrigin,
    RequestStatus,
    Supporter,
)
from bot.storage.database import Row, Transaction
from bot.storage.sealing import PEER_REASON, FieldCodec
from bot.storage.timestamps import from_db, to_db


def request_of(row: Row, codec: FieldCodec) -> PeerRequest:
    return PeerRequest(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        user_id=int(row["user_id"]),
        origin=RequestOrigin(row["origin"]),
        reason=codec.open(PEER_REASON, row["reason"]),
        origin_channel_id=row["origin_channel_id"],
        status=RequestStatus(row["status"]),
        supporter_id=row["supporter_id"],
        card_channel_id=row["card_channel_id"],
        card_message_id=row["card_message_id"],
        thread_id=row["thread_id"],
        wait_until=maybe(row["wait_until"]),
        flag_id=row["flag_id"],
        debrief=row["debrief"],
        created_at=from_db(row["created_at"]),
        first_taken_at=maybe(row["first_taken_at"]),
    )


async def add_event(
    tx: Transaction,
    guild_id: int,
    request_id: int,
    action: str,
    actor_id: int | None,
    now: datetime,
) -> None:
    await tx.execute(
        "INSERT INTO peer_request_events (guild_id, request_id, action, actor_id, at)"
        " VALUES (?, ?, ?, ?, ?)",
        (guild_id, request_id, action, actor_id, to_db(now)),
    )


def supporter_of(row: Row) -> Supporter:
    return Supporter(
        guild_id=int(row["guild_id"]),
        user_id=int(row["user_id"]),
        on_duty=bool(row["on_duty"]),
        hours=WeeklyHours.from_spec(row["hours"]) if row["hours"] else None,
    )


def maybe(stored: str | None) -> datetime | None:
    return from_db(stored) if stored else None
