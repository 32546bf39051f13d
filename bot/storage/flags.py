"""Flags, who reported them, their audit history, and who is on call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.flags import Flag, FlagSeverity, FlagStatus
from bot.storage.database import Database, Row, Transaction
from bot.storage.sealing import FLAG_DETAIL, PLAIN, FieldCodec
from bot.storage.timestamps import from_db, to_db


@dataclass(frozen=True)
class NewFlag:
    guild_id: int
    source: str
    category: str
    severity: int
    user_id: int | None
    channel_id: int | None
    message_id: int | None


@dataclass(frozen=True)
class FlagEvent:
    action: str
    actor_id: int | None
    detail: str | None
    at: datetime


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
        self, flag: NewFlag, now: datetime, first_escalation: datetime | None
    ) -> tuple[Flag, bool]: ...
    async def get(self, flag_id: int) -> Flag | None: ...
    async def for_guild(
        self, guild_id: int, status: FlagStatus | None, limit: int
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


class SqliteFlagRepository:
    def __init__(self, db: Database, codec: FieldCodec = PLAIN) -> None:
        self._db = db
        self._codec = codec

    def _seal(self, detail: str | None) -> str | None:
        # Every detail is sealed alike: reasons and moderators' notes are people's words.
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
            flag_id = await _insert(tx, flag, now, first_escalation, reporter, self._seal(detail))
            return await _get(tx, flag_id)

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
                flag_id = await _insert(
                    tx, flag, now, first_escalation, reporter, self._seal(reason)
                )
                return await _get(tx, flag_id), False
            flag_id = int(existing["id"])
            added = await tx.execute(
                "INSERT OR IGNORE INTO flag_reporters (flag_id, user_id) VALUES (?, ?)",
                (flag_id, reporter),
            )
            if added:
                await tx.execute("UPDATE flags SET reports = reports + 1 WHERE id = ?", (flag_id,))
            await _event(tx, flag_id, "merged", reporter, self._seal(reason), now)
            return await _get(tx, flag_id), True

    async def detect(
        self, flag: NewFlag, now: datetime, first_escalation: datetime | None
    ) -> tuple[Flag, bool]:
        """A detection: merged into the member's open detection flag if there is one (raising
        its severity if this one is worse), so moderators get one card, not one per message."""
        async with self._db.transaction() as tx:
            existing = await tx.fetch_one(
                "SELECT id, severity FROM flags WHERE guild_id = ? AND user_id = ?"
                " AND source = 'detection' AND status IN ('open', 'claimed')"
                " ORDER BY id DESC LIMIT 1",
                (flag.guild_id, flag.user_id),
            )
            if existing is None:
                flag_id = await _insert(tx, flag, now, first_escalation, None, None)
                await tx.execute("UPDATE flags SET reports = 1 WHERE id = ?", (flag_id,))
                return await _get(tx, flag_id), False
            flag_id = int(existing["id"])
            worse = flag.severity > int(existing["severity"])
            await tx.execute(
                "UPDATE flags SET reports = reports + 1,"
                " severity = max(severity, ?), category = CASE WHEN ? THEN ? ELSE category END"
                " WHERE id = ?",
                (flag.severity, int(worse), flag.category, flag_id),
            )
            await _event(tx, flag_id, "merged", None, self._seal(flag.category), now)
            return await _get(tx, flag_id), True

    async def get(self, flag_id: int) -> Flag | None:
        row = await self._db.fetch_one("SELECT * FROM flags WHERE id = ?", (flag_id,))
        return _flag(row) if row else None

    async def for_guild(self, guild_id: int, status: FlagStatus | None, limit: int) -> list[Flag]:
        if status is None:
            rows = await self._db.fetch_all(
                "SELECT * FROM flags WHERE guild_id = ? AND status IN ('open', 'claimed')"
                " ORDER BY severity DESC, id LIMIT ?",
                (guild_id, limit),
            )
        else:
            rows = await self._db.fetch_all(
                "SELECT * FROM flags WHERE guild_id = ? AND status = ? ORDER BY id DESC LIMIT ?",
                (guild_id, status.value, limit),
            )
        return [_flag(row) for row in rows]

    async def open_support(self, guild_id: int, user_id: int) -> Flag | None:
        row = await self._db.fetch_one(
            "SELECT * FROM flags WHERE guild_id = ? AND user_id = ? AND source = 'support'"
            " AND status IN ('open', 'claimed') ORDER BY id DESC LIMIT 1",
            (guild_id, user_id),
        )
        return _flag(row) if row else None

    async def reporters(self, flag_id: int) -> list[int]:
        rows = await self._db.fetch_all(
            "SELECT user_id FROM flag_reporters WHERE flag_id = ? ORDER BY rowid", (flag_id,)
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
                await _event(tx, flag_id, "claimed", actor, None, now)
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
                await _event(tx, flag_id, status.value, actor, self._seal(note), now)
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
                await _event(tx, flag_id, "escalated", actor, self._seal(f"step {step}"), now)
        return changed > 0

    async def escalating(self) -> list[Flag]:
        rows = await self._db.fetch_all(
            "SELECT * FROM flags WHERE status = 'open' AND next_escalation_at IS NOT NULL"
        )
        return [_flag(row) for row in rows]

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
        return [_flag(row) for row in rows]

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
        return [_flag(row) for row in rows]

    async def set_oncall(self, guild_id: int, user_id: int, on: bool, now: datetime) -> None:
        async with self._db.transaction() as tx:
            if on:
                await tx.execute(
                    "INSERT OR IGNORE INTO oncall (guild_id, user_id, since) VALUES (?, ?, ?)",
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


async def _insert(
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
    await _event(tx, flag_id, "created", reporter, detail, now)
    return flag_id


async def _event(
    tx: Transaction, flag_id: int, action: str, actor: int | None, detail: str | None, now: datetime
) -> None:
    await tx.execute(
        "INSERT INTO flag_events (flag_id, action, actor_id, detail, at) VALUES (?, ?, ?, ?, ?)",
        (flag_id, action, actor, detail, to_db(now)),
    )


async def _get(tx: Transaction, flag_id: int) -> Flag:
    row = await tx.fetch_one("SELECT * FROM flags WHERE id = ?", (flag_id,))
    assert row is not None
    return _flag(row)


def _when(text: str | None) -> datetime | None:
    return from_db(text) if text else None


def _flag(row: Row) -> Flag:
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
    )
