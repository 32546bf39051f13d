"""Sobriety counters, their periods, and milestone celebrations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from bot.domain.counters import Announce, Celebration, Counter, Period
from bot.storage.database import Database, Row, Transaction, present
from bot.storage.due_marks import counter_due_again
from bot.storage.sealing import COUNTER_LABEL, COUNTER_LABEL_KEY, PERIOD_NOTE, PLAIN, FieldCodec
from bot.storage.timestamps import to_db

_COUNTER_COLUMNS = (
    "c.id, c.guild_id, c.user_id, c.label, c.announce,"
    " p.id AS period_id, p.start_date, p.end_date, p.note"
)
_COUNTER_FROM = (
    " FROM sobriety_counters c JOIN sobriety_periods p"
    " ON p.counter_id = c.id AND p.end_date IS NULL"
)


class SobrietyRepository(Protocol):
    async def counters(self, guild_id: int, user_id: int) -> list[Counter]: ...
    async def counter(self, guild_id: int, user_id: int, label: str) -> Counter | None: ...
    async def set_counter(
        self,
        guild_id: int,
        user_id: int,
        label: str,
        start: date,
        announce: Announce | None,
        now: datetime,
    ) -> tuple[Counter, bool]: ...
    async def reset(self, counter_id: int, on: date, note: str | None, now: datetime) -> Period: ...
    async def remove(self, counter_id: int) -> None: ...
    async def periods(self, counter_id: int) -> list[Period]: ...
    async def set_announce(self, counter_id: int, announce: Announce, now: datetime) -> None: ...
    async def announcing_counters(self) -> list[Counter]: ...
    async def public_counters(self, guild_id: int) -> list[Counter]: ...
    async def claim_celebration(
        self, period_id: int, key: str, reached: date, channel: Announce, now: datetime
    ) -> int | None: ...
    async def finish_celebration(
        self,
        celebration_id: int,
        status: str,
        channel_id: int | None,
        message_id: int | None,
        now: datetime,
    ) -> None: ...
    async def release_celebration(self, celebration_id: int, *, retry_at: datetime) -> None: ...
    async def interrupted_celebrations(self) -> list[Celebration]: ...
    async def congratulate(
        self, celebration_id: int, user_id: int, now: datetime
    ) -> tuple[bool, int]: ...
    async def celebration(self, celebration_id: int) -> Celebration | None: ...


class SqlSobrietyRepository:
    def __init__(self, db: Database, codec: FieldCodec = PLAIN) -> None:
        self._db = db
        self._codec = codec

    def _label_keys(self, label: str) -> tuple[str, ...]:
        # A label is found by its lookup key: plain, or a keyed hash once labels are sealed.
        return self._codec.index_candidates(COUNTER_LABEL_KEY, label.casefold())

    async def counters(self, guild_id: int, user_id: int) -> list[Counter]:
        rows = await self._db.fetch_all(
            f"SELECT {_COUNTER_COLUMNS}{_COUNTER_FROM} WHERE c.guild_id = ? AND c.user_id = ?",
            (guild_id, user_id),
        )
        # Sorted here: sealed labels cannot be ordered by the database.
        return sorted(
            (_counter(row, self._codec) for row in rows), key=lambda c: c.label.casefold()
        )

    async def counter(self, guild_id: int, user_id: int, label: str) -> Counter | None:
        keys = self._label_keys(label)
        row = await self._db.fetch_one(
            f"SELECT {_COUNTER_COLUMNS}{_COUNTER_FROM}"
            f" WHERE c.guild_id = ? AND c.user_id = ? AND c.label_key IN ({_marks(keys)})",
            (guild_id, user_id, *keys),
        )
        return _counter(row, self._codec) if row else None

    async def set_counter(
        self,
        guild_id: int,
        user_id: int,
        label: str,
        start: date,
        announce: Announce | None,
        now: datetime,
    ) -> tuple[Counter, bool]:
        """Start a counter, or correct the start of an existing one's current period.

        Returns the counter and whether it was created.
        """
        stamp = to_db(now)
        keys = self._label_keys(label)
        async with self._db.transaction() as tx:
            existing = await tx.fetch_one(
                "SELECT id FROM sobriety_counters WHERE guild_id = ? AND user_id = ?"
                f" AND label_key IN ({_marks(keys)})",
                (guild_id, user_id, *keys),
            )
            if existing is None:
                counter_id = await tx.insert(
                    "INSERT INTO sobriety_counters (guild_id, user_id, label, label_key, announce,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        guild_id,
                        user_id,
                        self._codec.seal(COUNTER_LABEL, label),
                        self._codec.index(COUNTER_LABEL_KEY, label.casefold()),
                        announce or Announce.DM,
                        stamp,
                        stamp,
                    ),
                )
                await tx.execute(
                    "INSERT INTO sobriety_periods (counter_id, start_date, created_at)"
                    " VALUES (?, ?, ?)",
                    (counter_id, start.isoformat(), stamp),
                )
            else:
                counter_id = int(existing["id"])
                await tx.execute(
                    "UPDATE sobriety_periods SET start_date = ? WHERE counter_id = ?"
                    " AND end_date IS NULL",
                    (start.isoformat(), counter_id),
                )
                if announce is not None:
                    await tx.execute(
                        "UPDATE sobriety_counters SET announce = ?, updated_at = ? WHERE id = ?",
                        (announce, stamp, counter_id),
                    )
            await counter_due_again(tx, counter_id, now)
            counter = await _counter_by_id(tx, counter_id, self._codec)
        return counter, existing is None

    async def reset(self, counter_id: int, on: date, note: str | None, now: datetime) -> Period:
        """End the current period on `on` (kept, with the note) and start the next one then."""
        async with self._db.transaction() as tx:
            current = await tx.fetch_one(
                "SELECT id FROM sobriety_periods WHERE counter_id = ? AND end_date IS NULL",
                (counter_id,),
            )
            current = present(current, f"counter {counter_id}'s current period")
            await tx.execute(
                "UPDATE sobriety_periods SET end_date = ?, note = ? WHERE id = ?",
                (on.isoformat(), self._codec.seal(PERIOD_NOTE, note), current["id"]),
            )
            await tx.execute(
                "INSERT INTO sobriety_periods (counter_id, start_date, created_at)"
                " VALUES (?, ?, ?)",
                (counter_id, on.isoformat(), to_db(now)),
            )
            await counter_due_again(tx, counter_id, now)
            ended = await tx.fetch_one(
                "SELECT id, start_date, end_date, note FROM sobriety_periods WHERE id = ?",
                (current["id"],),
            )
        ended = present(ended, f"counter {counter_id}'s ended period")
        return _period(ended, self._codec)

    async def remove(self, counter_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM sobriety_counters WHERE id = ?", (counter_id,))

    async def periods(self, counter_id: int) -> list[Period]:
        rows = await self._db.fetch_all(
            "SELECT id, start_date, end_date, note FROM sobriety_periods WHERE counter_id = ?"
            " ORDER BY start_date, id",
            (counter_id,),
        )
        return [_period(row, self._codec) for row in rows]

    async def set_announce(self, counter_id: int, announce: Announce, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE sobriety_counters SET announce = ?, updated_at = ? WHERE id = ?",
                (announce, to_db(now), counter_id),
            )
            await counter_due_again(tx, counter_id, now)

    async def announcing_counters(self) -> list[Counter]:
        rows = await self._db.fetch_all(
            f"SELECT {_COUNTER_COLUMNS}{_COUNTER_FROM} WHERE c.announce != 'off'"
        )
        return [_counter(row, self._codec) for row in rows]

    async def public_counters(self, guild_id: int) -> list[Counter]:
        rows = await self._db.fetch_all(
            f"SELECT {_COUNTER_COLUMNS}{_COUNTER_FROM}"
            " WHERE c.guild_id = ? AND c.announce = 'public'",
            (guild_id,),
        )
        return [_counter(row, self._codec) for row in rows]

    async def claim_celebration(
        self, period_id: int, key: str, reached: date, channel: Announce, now: datetime
    ) -> int | None:
        """The new celebration's id, or None if this milestone was already taken for the period."""
        async with self._db.transaction() as tx:
            inserted = await tx.execute(
                "INSERT INTO milestone_celebrations (period_id, milestone_key, milestone_date,"
                " channel, status, updated_at) VALUES (?, ?, ?, ?, 'sending', ?)"
                " ON CONFLICT DO NOTHING",
                (period_id, key, reached.isoformat(), channel, to_db(now)),
            )
            if not inserted:
                return None
            row = await tx.fetch_one(
                "SELECT id FROM milestone_celebrations WHERE period_id = ? AND milestone_key = ?",
                (period_id, key),
            )
        row = present(row, f"period {period_id}'s {key} celebration")
        return int(row["id"])

    async def finish_celebration(
        self,
        celebration_id: int,
        status: str,
        channel_id: int | None,
        message_id: int | None,
        now: datetime,
    ) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE milestone_celebrations SET status = ?, channel_id = ?, message_id = ?,"
                " updated_at = ? WHERE id = ?",
                (status, channel_id, message_id, to_db(now), celebration_id),
            )

    async def release_celebration(self, celebration_id: int, *, retry_at: datetime) -> None:
        """Give a claim back after a passing failure; the counter is due again at `retry_at`."""
        async with self._db.transaction() as tx:
            owner = await tx.fetch_one(
                "SELECT p.counter_id FROM milestone_celebrations m"
                " JOIN sobriety_periods p ON p.id = m.period_id WHERE m.id = ?",
                (celebration_id,),
            )
            if owner is not None:
                await counter_due_again(tx, int(owner["counter_id"]), retry_at)
            await tx.execute(
                "DELETE FROM milestone_celebrations WHERE id = ? AND status = 'sending'",
                (celebration_id,),
            )

    async def interrupted_celebrations(self) -> list[Celebration]:
        """Claims left 'sending' by the last stop: each may or may not have reached Discord."""
        rows = await self._db.fetch_all(
            f"{_CELEBRATION_SELECT} WHERE m.status = 'sending' ORDER BY m.id"
        )
        return [_celebration(row) for row in rows]

    async def congratulate(
        self, celebration_id: int, user_id: int, now: datetime
    ) -> tuple[bool, int]:
        """Record one member's congratulations; returns (was it new, how many in all)."""
        async with self._db.transaction() as tx:
            added = await tx.execute(
                "INSERT INTO milestone_congratulations (celebration_id, user_id, created_at)"
                " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (celebration_id, user_id, to_db(now)),
            )
            row = await tx.fetch_one(
                "SELECT count(*) AS n FROM milestone_congratulations WHERE celebration_id = ?",
                (celebration_id,),
            )
        row = present(row, "the congratulation count")
        return added > 0, int(row["n"])

    async def celebration(self, celebration_id: int) -> Celebration | None:
        row = await self._db.fetch_one(f"{_CELEBRATION_SELECT} WHERE m.id = ?", (celebration_id,))
        return _celebration(row) if row else None


_CELEBRATION_SELECT = (
    "SELECT m.id, m.period_id, m.milestone_key, c.user_id, c.guild_id,"
    " (SELECT count(*) FROM milestone_congratulations g WHERE g.celebration_id = m.id)"
    " AS congratulations FROM milestone_celebrations m"
    " JOIN sobriety_periods p ON p.id = m.period_id"
    " JOIN sobriety_counters c ON c.id = p.counter_id"
)


def _celebration(row: Row) -> Celebration:
    return Celebration(
        id=row["id"],
        period_id=row["period_id"],
        milestone_key=row["milestone_key"],
        user_id=row["user_id"],
        guild_id=row["guild_id"],
        congratulations=row["congratulations"],
    )


async def _counter_by_id(tx: Transaction, counter_id: int, codec: FieldCodec) -> Counter:
    row = await tx.fetch_one(
        f"SELECT {_COUNTER_COLUMNS}{_COUNTER_FROM} WHERE c.id = ?", (counter_id,)
    )
    row = present(row, f"counter {counter_id}")
    return _counter(row, codec)


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join("?" for _ in values)


def _period(row: Row, codec: FieldCodec) -> Period:
    return Period(
        id=row["id"],
        start=date.fromisoformat(row["start_date"]),
        end=date.fromisoformat(row["end_date"]) if row["end_date"] else None,
        note=codec.open(PERIOD_NOTE, row["note"]),
    )


def _counter(row: Row, codec: FieldCodec) -> Counter:
    return Counter(
        id=row["id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        label=codec.open(COUNTER_LABEL, row["label"]) or "",
        announce=Announce(row["announce"]),
        current=Period(
            id=row["period_id"],
            start=date.fromisoformat(row["start_date"]),
            end=None,
            note=codec.open(PERIOD_NOTE, row["note"]),
        ),
    )
