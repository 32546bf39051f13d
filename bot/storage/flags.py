"""Flags, who reported them, their audit history, and who is on call."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain.flags import (
    Detected,
    EscalationDelays,
    Flag,
    FlagAlert,
    FlagEvent,
    FlagStatus,
    NewFlag,
    RuleCount,
)
from bot.storage import flag_detections
from bot.storage.database import Database
from bot.storage.flag_rows import add_event, flag_of, get_flag, insert_flag
from bot.storage.sealing import FLAG_DETAIL, PLAIN, FieldCodec
from bot.storage.timestamps import from_db, to_db

__all__ = [
    "Detected",
    "FlagAlert",
    "FlagEvent",
    "FlagRepository",
    "NewFlag",
    "RuleCount",
    "SqlFlagRepository",
]


class FlagRepository(Protocol):
    async def create(
        self,
        flag: NewFlag,
        now: datetime,
        first_escalation: datetime | None,
        reporter: int | None = None,
        detail: str | None = None,
    ) -> Flag: ...
    async def report(
        self,
        flag: NewFlag,
        reporter: int,
        reason: str | None,
        now: datetime,
        first_escalation: datetime | None,
    ) -> tuple[Flag, bool]: ...
    async def detect(
        self, flag: NewFlag, now: datetime, delays: EscalationDelays
    ) -> Detected | None: ...
    async def get(self, flag_id: int) -> Flag | None: ...
    async def for_guild(
        self, guild_id: int, status: FlagStatus | None, limit: int | None = None
    ) -> list[Flag]: ...
    async def open_support(self, guild_id: int, user_id: int) -> Flag | None: ...
    async def reporters(self, flag_id: int) -> list[int]: ...
    async def set_card(self, flag_id: int, channel_id: int, message_id: int) -> None: ...
    async def claim(self, flag_id: int, actor: int, now: datetime) -> bool: ...
    async def close(
        self, flag_id: int, actor: int, status: FlagStatus, note: str | None, now: datetime
    ) -> bool: ...
    async def advance(
        self, flag_id: int, step: int, next_at: datetime | None, actor: int | None, now: datetime
    ) -> bool: ...
    async def escalating(self) -> list[Flag]: ...
    async def without_card(self, guild_id: int | None) -> list[Flag]: ...
    async def events(self, flag_id: int) -> list[FlagEvent]: ...
    async def since(self, guild_id: int, start: datetime) -> list[Flag]: ...
    async def set_oncall(self, guild_id: int, user_id: int, on: bool, now: datetime) -> None: ...
    async def oncall(self, guild_id: int) -> list[int]: ...
    async def pending_alerts(self, flag_id: int | None = None) -> list[FlagAlert]: ...
    async def alert_sent(self, alert_id: int, now: datetime) -> bool: ...
    async def member_unreachable(self, flag_id: int, now: datetime) -> bool: ...
    async def rule_counts(self, guild_id: int) -> list[RuleCount]: ...


class SqlFlagRepository:
    def __init__(self, db: Database, codec: FieldCodec = PLAIN) -> None:
        self._db = db
        self._codec = codec

    def _seal(self, detail: str | None) -> str | None:
        # Reasons and moderators' notes are people's words: sealed when a data key is set.
        # Details Hearth writes itself (categories, steps, rule ids) read the same either way.
        return self._codec.seal(FLAG_DETAIL, detail)

    async def create(
        self,
        flag: NewFlag,
        now: datetime,
        first_escalation: datetime | None,
        reporter: int | None = None,
        detail: str | None = None,
    ) -> Flag:
        async with self._db.transaction() as tx:
            flag_id = await insert_flag(
                tx, flag, now, first_escalation, reporter, self._seal(detail)
            )
            return await get_flag(tx, flag_id)

    async def report(
        self,
        flag: NewFlag,
        reporter: int,
        reason: str | None,
        now: datetime,
        first_escalation: datetime | None,
    ) -> tuple[Flag, bool]:
        """A member's report: merged into the open flag for that message if there is one.
        Returns the flag and whether it merged."""
        async with self._db.transaction() as tx:
            existing = None
            if flag.message_id is not None:
                existing = await tx.fetch_one(
                    "SELECT id FROM flags WHERE guild_id = ? AND message_id = ?"
                    " AND source = 'report' AND status IN ('open', 'claimed')",
                    (flag.guild_id, flag.message_id),
                )
            if existing is None:
                flag_id = await insert_flag(
                    tx, flag, now, first_escalation, reporter, self._seal(reason)
                )
                return await get_flag(tx, flag_id), False
            flag_id = int(existing["id"])
            added = await tx.execute(
                "INSERT INTO flag_reporters (flag_id, user_id) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                (flag_id, reporter),
            )
            if added:
                await tx.execute("UPDATE flags SET reports = reports + 1 WHERE id = ?", (flag_id,))
            await add_event(tx, flag_id, "merged", reporter, self._seal(reason), now)
            return await get_flag(tx, flag_id), True

    async def detect(
        self, flag: NewFlag, now: datetime, delays: EscalationDelays
    ) -> Detected | None:
        """A detection: counted on the member's active detection flag if there is one, so
        moderators get one card, not one per message; a worse one restarts the ladder and owes
        alerts (see flag_detections). None when this edited version was already flagged."""
        async with self._db.transaction() as tx:
            return await flag_detections.detect(tx, flag, now, delays)

    async def get(self, flag_id: int) -> Flag | None:
        row = await self._db.fetch_one("SELECT * FROM flags WHERE id = ?", (flag_id,))
        return flag_of(row) if row else None

    async def for_guild(
        self, guild_id: int, status: FlagStatus | None, limit: int | None = None
    ) -> list[Flag]:
        """Active flags (status None) most severe first, else flags of `status` newest first;
        all of them unless a `limit` is given."""
        if status is None:
            query = (
                "SELECT * FROM flags WHERE guild_id = ? AND status IN ('open', 'claimed')"
                " ORDER BY severity DESC, id"
            )
            params: tuple[object, ...] = (guild_id,)
        else:
            query = "SELECT * FROM flags WHERE guild_id = ? AND status = ? ORDER BY id DESC"
            params = (guild_id, status.value)
        if limit is not None:
            query += " LIMIT ?"
            params += (limit,)
        rows = await self._db.fetch_all(query, params)
        return [flag_of(row) for row in rows]

    async def open_support(self, guild_id: int, user_id: int) -> Flag | None:
        row = await self._db.fetch_one(
            "SELECT * FROM flags WHERE guild_id = ? AND user_id = ? AND source = 'support'"
            " AND status IN ('open', 'claimed') ORDER BY id DESC LIMIT 1",
            (guild_id, user_id),
        )
        return flag_of(row) if row else None

    async def reporters(self, flag_id: int) -> list[int]:
        rows = await self._db.fetch_all(
            # In the order they reported: each reporter's first event on the flag.
            "SELECT r.user_id FROM flag_reporters r WHERE r.flag_id = ?"
            " ORDER BY (SELECT min(e.id) FROM flag_events e WHERE e.flag_id = r.flag_id"
            " AND e.actor_id = r.user_id AND e.action IN ('created', 'merged')), r.user_id",
            (flag_id,),
        )
        return [int(row["user_id"]) for row in rows]

    async def set_card(self, flag_id: int, channel_id: int, message_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE flags SET card_channel_id = ?, card_message_id = ? WHERE id = ?",
                (channel_id, message_id, flag_id),
            )

    async def claim(self, flag_id: int, actor: int, now: datetime) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE flags SET status = 'claimed', claimed_by = ?, claimed_at = ?,"
                " next_escalation_at = NULL WHERE id = ? AND status = 'open'",
                (actor, to_db(now), flag_id),
            )
            if changed:
                await add_event(tx, flag_id, "claimed", actor, None, now)
        return changed > 0

    async def close(
        self, flag_id: int, actor: int, status: FlagStatus, note: str | None, now: datetime
    ) -> bool:
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE flags SET status = ?, closed_by = ?, closed_at = ?,"
                " next_escalation_at = NULL, claimed_by = coalesce(claimed_by, ?),"
                " claimed_at = coalesce(claimed_at, ?)"
                " WHERE id = ? AND status IN ('open', 'claimed')",
                (status.value, actor, to_db(now), actor, to_db(now), flag_id),
            )
            if changed:
                if status == FlagStatus.DISMISSED and note is None:
                    # Which rules fired is what moderators teach the detector with; the
                    # message itself was never stored.
                    rules = await flag_detections.rules_of(tx, flag_id)
                    note = f"rules: {', '.join(rules)}" if rules else None
                await add_event(tx, flag_id, status.value, actor, self._seal(note), now)
        return changed > 0

    async def advance(
        self, flag_id: int, step: int, next_at: datetime | None, actor: int | None, now: datetime
    ) -> bool:
        """Take escalation step `step` exactly once: only from the step before it, while open."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE flags SET escalation_step = ?, next_escalation_at = ? WHERE id = ?"
                " AND escalation_step = ? AND status = 'open'",
                (step, to_db(next_at) if next_at else None, flag_id, step - 1),
            )
            if changed:
                await add_event(tx, flag_id, "escalated", actor, f"step {step}", now)
        return changed > 0

    async def escalating(self) -> list[Flag]:
        rows = await self._db.fetch_all(
            "SELECT * FROM flags WHERE status = 'open' AND next_escalation_at IS NOT NULL"
        )
        return [flag_of(row) for row in rows]

    async def without_card(self, guild_id: int | None) -> list[Flag]:
        """Active flags that never reached the queue (it was missing or refused them)."""
        query = (
            "SELECT * FROM flags WHERE status IN ('open', 'claimed') AND card_message_id IS NULL"
        )
        params: tuple[int, ...] = ()
        if guild_id is not None:
            query += " AND guild_id = ?"
            params = (guild_id,)
        rows = await self._db.fetch_all(query + " ORDER BY id", params)
        return [flag_of(row) for row in rows]

    async def events(self, flag_id: int) -> list[FlagEvent]:
        rows = await self._db.fetch_all(
            "SELECT action, actor_id, detail, at FROM flag_events WHERE flag_id = ? ORDER BY id",
            (flag_id,),
        )
        return [
            FlagEvent(
                r["action"],
                r["actor_id"],
                self._codec.open(FLAG_DETAIL, r["detail"]),
                from_db(r["at"]),
            )
            for r in rows
        ]

    async def since(self, guild_id: int, start: datetime) -> list[Flag]:
        rows = await self._db.fetch_all(
            "SELECT * FROM flags WHERE guild_id = ? AND created_at >= ?",
            (guild_id, to_db(start)),
        )
        return [flag_of(row) for row in rows]

    async def set_oncall(self, guild_id: int, user_id: int, on: bool, now: datetime) -> None:
        async with self._db.transaction() as tx:
            if on:
                await tx.execute(
                    "INSERT INTO oncall (guild_id, user_id, since) VALUES (?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (guild_id, user_id, to_db(now)),
                )
            else:
                await tx.execute(
                    "DELETE FROM oncall WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
                )

    async def oncall(self, guild_id: int) -> list[int]:
        rows = await self._db.fetch_all(
            "SELECT user_id FROM oncall WHERE guild_id = ? ORDER BY since", (guild_id,)
        )
        return [int(row["user_id"]) for row in rows]

    async def pending_alerts(self, flag_id: int | None = None) -> list[FlagAlert]:
        return await flag_detections.pending_alerts(self._db, flag_id)

    async def alert_sent(self, alert_id: int, now: datetime) -> bool:
        async with self._db.transaction() as tx:
            return await flag_detections.alert_sent(tx, alert_id, now)

    async def member_unreachable(self, flag_id: int, now: datetime) -> bool:
        async with self._db.transaction() as tx:
            return await flag_detections.member_unreachable(tx, flag_id, now)

    async def rule_counts(self, guild_id: int) -> list[RuleCount]:
        return await flag_detections.rule_counts(self._db, guild_id)
