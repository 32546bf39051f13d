"""Rows of the peer-support tables: a request as the cogs see it, and reading and writing rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.peer_hours import WeeklyHours
from bot.domain.peer_support import RequestOrigin, RequestStatus, Supporter
from bot.storage.database import Row, Transaction
from bot.storage.sealing import PEER_REASON, FieldCodec
from bot.storage.timestamps import from_db, to_db


@dataclass(frozen=True)
class PeerRequest:
    id: int
    guild_id: int
    user_id: int
    origin: RequestOrigin
    reason: str | None
    origin_channel_id: int | None
    status: RequestStatus
    supporter_id: int | None
    card_channel_id: int | None
    card_message_id: int | None
    thread_id: int | None
    wait_until: datetime | None
    flag_id: int | None
    debrief: str | None
    created_at: datetime
    first_taken_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.status in (RequestStatus.WAITING, RequestStatus.TAKEN)


class TakeOutcome(StrEnum):
    TAKEN = "taken"
    GONE = "gone"  # no longer waiting: someone else took it, or the moderators have it
    AT_CAP = "at_cap"  # the supporter already holds as many conversations as the server allows
    OWN = "own"  # it is the supporter's own request


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
