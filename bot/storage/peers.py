"""Peer supporters and support requests: duty, the wait timer, taking, handing over, closing.

Every change of a request is one conditional UPDATE from the state it must be in, so two
supporters pressing Take it at once, a restart, or a timer firing twice never do a step twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain.peer_hours import WeeklyHours
from bot.domain.peer_support import (
    PeerRequest,
    RequestOrigin,
    RequestStatus,
    RequestTimes,
    Supporter,
    TakeOutcome,
)
from bot.storage.database import Database, Row, Transaction, present
from bot.storage.peer_rows import (
    add_event,
    request_of,
    supporter_of,
)
from bot.storage.sealing import PEER_REASON, PLAIN, FieldCodec
from bot.storage.timestamps import from_db, to_db

__all__ = ["PeerRepository", "PeerRequest", "SqlPeerRepository", "TakeOutcome"]


class PeerRepository(Protocol):
    async def supporter(self, guild_id: int, user_id: int) -> Supporter | None: ...
    async def set_duty(self, guild_id: int, user_id: int, on: bool, now: datetime) -> None: ...
    async def set_hours(
        self, guild_id: int, user_id: int, hours: WeeklyHours | None, now: datetime
    ) -> None: ...
    async def on_duty(self, guild_id: int) -> list[Supporter]: ...
    async def open_request(self, guild_id: int, user_id: int) -> PeerRequest | None: ...
    async def create_request(
        self,
        guild_id: int,
        user_id: int,
        origin: RequestOrigin,
        reason: str | None,
        origin_channel_id: int | None,
        wait_until: datetime,
        now: datetime,
    ) -> PeerRequest | None: ...
    async def get(self, request_id: int) -> PeerRequest | None: ...
    async def by_thread(self, thread_id: int) -> PeerRequest | None: ...
    async def waiting(self) -> list[PeerRequest]: ...
    async def set_card(self, request_id: int, channel_id: int, message_id: int) -> None: ...
    async def set_thread(self, request_id: int, thread_id: int) -> None: ...
    async def set_flag(self, request_id: int, flag_id: int) -> None: ...
    async def take(
        self, request_id: int, supporter_id: int, cap: int, now: datetime
    ) -> TakeOutcome: ...
    async def release(self, request_id: int, supporter_id: int, wait_until: datetime) -> bool: ...
    async def hand_over(
        self, request_id: int, supporter_id: int, wait_until: datetime, now: datetime
    ) -> bool: ...
    async def to_moderators(
        self, request_id: int, now: datetime, *, early: bool = False
    ) -> bool: ...
    async def unflagged(self) -> list[PeerRequest]: ...
    async def involve_moderator(self, request_id: int, actor_id: int, now: datetime) -> None: ...
    async def close(self, request_id: int, actor_id: int, now: datetime) -> bool: ...
    async def debriefs_owed(self) -> list[PeerRequest]: ...
    async def debrief_done(self, request_id: int, delivered: bool) -> None: ...
    async def open_conversations(self, guild_id: int) -> dict[int, int]: ...
    async def stats_since(
        self, guild_id: int, since: datetime
    ) -> tuple[list[RequestTimes], list[tuple[str, datetime]]]: ...


class SqlPeerRepository:
    def __init__(self, db: Database, codec: FieldCodec = PLAIN) -> None:
        self._db = db
        self._codec = codec

    # ------------------------------------------------------------------ supporters
    async def supporter(self, guild_id: int, user_id: int) -> Supporter | None:
        row = await self._db.fetch_one(
            "SELECT * FROM peer_supporters WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return supporter_of(row) if row else None

    async def set_duty(self, guild_id: int, user_id: int, on: bool, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO peer_supporters (guild_id, user_id, on_duty, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET"
                " on_duty = excluded.on_duty, updated_at = excluded.updated_at",
                (guild_id, user_id, int(on), to_db(now)),
            )

    async def set_hours(
        self, guild_id: int, user_id: int, hours: WeeklyHours | None, now: datetime
    ) -> None:
        spec = hours.to_spec() if hours else None
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO peer_supporters (guild_id, user_id, hours, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET"
                " hours = excluded.hours, updated_at = excluded.updated_at",
                (guild_id, user_id, spec, to_db(now)),
            )

    async def on_duty(self, guild_id: int) -> list[Supporter]:
        rows = await self._db.fetch_all(
            "SELECT * FROM peer_supporters WHERE guild_id = ? AND on_duty = 1 ORDER BY user_id",
            (guild_id,),
        )
        return [supporter_of(row) for row in rows]

    # ------------------------------------------------------------------ requests
    async def open_request(self, guild_id: int, user_id: int) -> PeerRequest | None:
        row = await self._db.fetch_one(
            "SELECT * FROM peer_requests WHERE guild_id = ? AND user_id = ?"
            " AND status IN ('waiting', 'taken')",
            (guild_id, user_id),
        )
        return self._request(row) if row else None

    async def create_request(
        self,
        guild_id: int,
        user_id: int,
        origin: RequestOrigin,
        reason: str | None,
        origin_channel_id: int | None,
        wait_until: datetime,
        now: datetime,
    ) -> PeerRequest | None:
        """A new waiting request; None if the member already has an open one."""
        async with self._db.transaction() as tx:
            inserted = await tx.fetch_one(
                "INSERT INTO peer_requests (guild_id, user_id, origin, reason, origin_channel_id,"
                " wait_until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING RETURNING id",
                (
                    guild_id,
                    user_id,
                    origin.value,
                    self._codec.seal(PEER_REASON, reason),
                    origin_channel_id,
                    to_db(wait_until),
                    to_db(now),
                ),
            )
            if inserted is None:
                return None
            request_id = int(inserted["id"])
            await add_event(tx, guild_id, request_id, "requested", user_id, now)
            return await self._get(tx, request_id)

    async def get(self, request_id: int) -> PeerRequest | None:
        row = await self._db.fetch_one("SELECT * FROM peer_requests WHERE id = ?", (request_id,))
        return self._request(row) if row else None

    async def by_thread(self, thread_id: int) -> PeerRequest | None:
        row = await self._db.fetch_one(
            "SELECT * FROM peer_requests WHERE thread_id = ? ORDER BY id DESC LIMIT 1",
            (thread_id,),
        )
        return self._request(row) if row else None

    async def waiting(self) -> list[PeerRequest]:
        rows = await self._db.fetch_all(
            "SELECT * FROM peer_requests WHERE status = 'waiting' ORDER BY id"
        )
        return [self._request(row) for row in rows]

    async def set_card(self, request_id: int, channel_id: int, message_id: int) -> None:
        await self._set(
            request_id, "card_channel_id = ?, card_message_id = ?", channel_id, message_id
        )

    async def set_thread(self, request_id: int, thread_id: int) -> None:
        await self._set(request_id, "thread_id = ?", thread_id)

    async def set_flag(self, request_id: int, flag_id: int) -> None:
        await self._set(request_id, "flag_id = ?", flag_id)

    async def take(
        self, request_id: int, supporter_id: int, cap: int, now: datetime
    ) -> TakeOutcome:
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT guild_id, user_id, status FROM peer_requests WHERE id = ?", (request_id,)
            )
            if row is None or row["status"] != RequestStatus.WAITING:
                return TakeOutcome.GONE
            if int(row["user_id"]) == supporter_id:
                return TakeOutcome.OWN
            holding = await tx.fetch_one(
                "SELECT count(*) FROM peer_requests WHERE guild_id = ? AND supporter_id = ?"
                " AND status = 'taken'",
                (row["guild_id"], supporter_id),
            )
            if holding is not None and int(holding[0]) >= cap:
                return TakeOutcome.AT_CAP
            stamp = to_db(now)
            await tx.execute(
                "UPDATE peer_requests SET status = 'taken', supporter_id = ?, taken_at = ?,"
                " first_taken_at = coalesce(first_taken_at, ?), wait_until = NULL"
                " WHERE id = ? AND status = 'waiting'",
                (supporter_id, stamp, stamp, request_id),
            )
            await add_event(tx, int(row["guild_id"]), request_id, "taken", supporter_id, now)
        return TakeOutcome.TAKEN

    async def release(self, request_id: int, supporter_id: int, wait_until: datetime) -> bool:
        """Undo a take whose conversation could not be opened: waiting again, nothing counted."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE peer_requests SET status = 'waiting', supporter_id = NULL, wait_until = ?,"
                " first_taken_at = CASE WHEN first_taken_at = taken_at THEN NULL"
                " ELSE first_taken_at END, taken_at = NULL"
                " WHERE id = ? AND status = 'taken' AND supporter_id = ?",
                (to_db(wait_until), request_id, supporter_id),
            )
            if changed:
                await tx.execute(
                    "DELETE FROM peer_request_events WHERE id = (SELECT max(id) FROM"
                    " peer_request_events WHERE request_id = ? AND action = 'taken')",
                    (request_id,),
                )
        return changed > 0

    async def hand_over(
        self, request_id: int, supporter_id: int, wait_until: datetime, now: datetime
    ) -> bool:
        return await self._move(
            request_id,
            "status = 'waiting', supporter_id = NULL, taken_at = NULL, wait_until = ?",
            (to_db(wait_until),),
            "status = 'taken' AND supporter_id = ?",
            (supporter_id,),
            "handed_over",
            supporter_id,
            now,
        )

    async def to_moderators(self, request_id: int, now: datetime, *, early: bool = False) -> bool:
        """A waiting request goes to the moderators: when its wait is over, or `early` (nobody
        is on duty, or its card could not be posted)."""
        return await self._move(
            request_id,
            "status = 'to_moderators', wait_until = NULL, closed_at = ?",
            (to_db(now),),
            "status = 'waiting'" if early else "status = 'waiting' AND wait_until <= ?",
            () if early else (to_db(now),),
            "to_moderators",
            None,
            now,
        )

    async def unflagged(self) -> list[PeerRequest]:
        rows = await self._db.fetch_all(
            "SELECT * FROM peer_requests WHERE status = 'to_moderators' AND flag_id IS NULL"
            " ORDER BY id"
        )
        return [self._request(row) for row in rows]

    async def involve_moderator(self, request_id: int, actor_id: int, now: datetime) -> None:
        async with self._db.transaction() as tx:
            request = await self._get(tx, request_id)
            await add_event(tx, request.guild_id, request_id, "moderator_involved", actor_id, now)

    async def close(self, request_id: int, actor_id: int, now: datetime) -> bool:
        """Close a conversation; its supporter is owed a private check-in afterwards."""
        return await self._move(
            request_id,
            "status = 'closed', closed_at = ?, debrief = 'owed'",
            (to_db(now),),
            "status = 'taken'",
            (),
            "closed",
            actor_id,
            now,
        )

    async def debriefs_owed(self) -> list[PeerRequest]:
        rows = await self._db.fetch_all(
            "SELECT * FROM peer_requests WHERE debrief = 'owed' ORDER BY id"
        )
        return [self._request(row) for row in rows]

    async def debrief_done(self, request_id: int, delivered: bool) -> None:
        await self._set(request_id, "debrief = ?", "sent" if delivered else "undelivered")

    async def open_conversations(self, guild_id: int) -> dict[int, int]:
        rows = await self._db.fetch_all(
            "SELECT supporter_id, count(*) AS open FROM peer_requests"
            " WHERE guild_id = ? AND status = 'taken' AND supporter_id IS NOT NULL"
            " GROUP BY supporter_id",
            (guild_id,),
        )
        return {int(row["supporter_id"]): int(row["open"]) for row in rows}

    async def stats_since(
        self, guild_id: int, since: datetime
    ) -> tuple[list[RequestTimes], list[tuple[str, datetime]]]:
        requests = await self._db.fetch_all(
            "SELECT created_at, first_taken_at, status FROM peer_requests"
            " WHERE guild_id = ? AND created_at >= ?",
            (guild_id, to_db(since)),
        )
        events = await self._db.fetch_all(
            "SELECT action, at FROM peer_request_events WHERE guild_id = ? AND at >= ?"
            " AND action IN ('handed_over', 'moderator_involved')",
            (guild_id, to_db(since)),
        )
        return (
            [
                RequestTimes(
                    created_at=from_db(row["created_at"]),
                    first_taken_at=from_db(row["first_taken_at"])
                    if row["first_taken_at"]
                    else None,
                    went_to_moderators=row["status"] == RequestStatus.TO_MODERATORS,
                )
                for row in requests
            ],
            [(str(row["action"]), from_db(row["at"])) for row in events],
        )

    # ------------------------------------------------------------------ helpers
    async def _set(self, request_id: int, assignments: str, *values: object) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                f"UPDATE peer_requests SET {assignments} WHERE id = ?", (*values, request_id)
            )

    async def _move(
        self,
        request_id: int,
        assignments: str,
        values: tuple[object, ...],
        condition: str,
        condition_values: tuple[object, ...],
        action: str,
        actor_id: int | None,
        now: datetime,
    ) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                f"UPDATE peer_requests SET {assignments} WHERE id = ? AND {condition}",
                (*values, request_id, *condition_values),
            )
            if changed:
                request = await self._get(tx, request_id)
                await add_event(tx, request.guild_id, request_id, action, actor_id, now)
        return changed > 0

    async def _get(self, tx: Transaction, request_id: int) -> PeerRequest:
        row = await tx.fetch_one("SELECT * FROM peer_requests WHERE id = ?", (request_id,))
        return self._request(present(row, f"peer request {request_id}"))

    def _request(self, row: Row) -> PeerRequest:
        return request_of(row, self._codec)
