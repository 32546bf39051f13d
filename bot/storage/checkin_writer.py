"""Check-ins written in batches: a burst of members checking in costs two statements, not two each.

Each statement is a round trip (to aiosqlite's thread, or to the PostgreSQL server), and those
round trips, queued one after another on the database lock, were most of a check-in's cost
under load. Check-ins that arrive while a batch is being written wait for the next one, which
takes all of them at once: one upsert with a row per check-in (each returns what is now stored
for it) and one read of those members' days, on one held connection. Alone, a check-in is
written at once, as before.

A batch never holds the same member's day twice (PostgreSQL refuses an upsert touching a row
twice, and the second must see the first): the later one waits for the next batch, so one
member's check-ins are written in the order they came. If the schema refuses a batch, its
check-ins are written one by one, so one refused row does not refuse the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.storage.batched_reads import in_list
from bot.storage.database import Database, IntegrityError, Row

log = logging.getLogger(__name__)

# Rows per upsert: about 9 parameters each, far below either backend's limit on parameters.
MAX_BATCH = 64
_COLUMNS = 9

_UPSERT_HEAD = (
    "INSERT INTO checkins (guild_id, user_id, local_date, mood, craving, note, shared,"
    " created_at, updated_at) VALUES "
)
_UPSERT_TAIL = (
    " ON CONFLICT (guild_id, user_id, local_date) DO UPDATE SET mood = excluded.mood,"
    " craving = coalesce(excluded.craving, checkins.craving),"
    " note = CASE WHEN excluded.note IS NOT NULL THEN excluded.note"
    " WHEN ? = 1 THEN NULL ELSE checkins.note END,"
    " shared = CASE WHEN excluded.shared > checkins.shared THEN excluded.shared"
    " ELSE checkins.shared END, revision = checkins.revision + 1,"
    " updated_at = excluded.updated_at"
    " RETURNING guild_id, user_id, revision, local_date, mood, craving, note, shared"
)
_ROW = "(" + ", ".join("?" * _COLUMNS) + ")"

Key = tuple[int, int, str]  # guild, member, local date


@dataclass(frozen=True)
class Written:
    """One check-in as stored after its batch, and every day that member has checked in."""

    row: Row
    days: list[date]


@dataclass
class _Waiting:
    key: Key
    values: tuple[Any, ...]  # the row's columns, in _UPSERT_HEAD's order
    clear_note: bool
    done: asyncio.Future[Written] = field(repr=False)


class CheckinWriter:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._waiting: list[_Waiting] = []
        self._running: asyncio.Task[None] | None = None

    async def write(self, values: tuple[Any, ...], *, clear_note: bool) -> Written:
        """Upsert one check-in (`values` in column order, local date as ISO text third)."""
        if len(values) != _COLUMNS:
            raise ValueError(f"a check-in row has {_COLUMNS} values, not {len(values)}")
        loop = asyncio.get_running_loop()
        key = (int(values[0]), int(values[1]), str(values[2]))
        waiting = _Waiting(key, values, clear_note, loop.create_future())
        self._waiting.append(waiting)
        if self._running is None or self._running.done():
            self._running = loop.create_task(self._write_waiting(), name="check-in writer")
        # A caller cancelled before its batch is taken is left out of it: nothing written.
        return await waiting.done

    async def _write_waiting(self) -> None:
        batch: list[_Waiting] = []
        try:
            while batch := self._take_batch():
                try:
                    await self._write_batch(batch)
                except Exception as exc:
                    for waiting in batch:
                        if not waiting.done.done():
                            waiting.done.set_exception(exc)
        except BaseException:
            # Stopped (the bot shutting down): no caller is left waiting for ever.
            for waiting in [*batch, *self._waiting]:
                waiting.done.cancel()
            self._waiting = []
            raise

    def _take_batch(self) -> list[_Waiting]:
        """The oldest waiting check-ins that can share one upsert; the others stay, in order."""
        batch: list[_Waiting] = []
        taken: set[Key] = set()
        held_back: set[Key] = set()
        rest: list[_Waiting] = []
        for waiting in self._waiting:
            if waiting.done.done():  # its caller gave up before it was written
                continue
            fits = (
                len(batch) < MAX_BATCH
                and waiting.key not in taken
                and waiting.key not in held_back
                and (not batch or waiting.clear_note == batch[0].clear_note)
            )
            if fits:
                batch.append(waiting)
                taken.add(waiting.key)
            else:
                rest.append(waiting)
                held_back.add(waiting.key)  # a later one of the same day must not pass it
        self._waiting = rest
        return batch

    async def _write_batch(self, batch: list[_Waiting]) -> None:
        try:
            written = await self._upsert(batch)
        except IntegrityError as exc:
            # A row the schema refuses (only the upsert can be refused so, and then it wrote
            # nothing); any other failure fails the whole batch, as it would each statement.
            if len(batch) == 1:
                raise
            # Only the kind: a database's message may quote the refused row, a note included.
            log.warning(
                "check-in batch refused, writing its rows one by one",
                extra={"rows": len(batch), "error": type(exc).__name__},
            )
            for waiting in batch:
                try:
                    written = await self._upsert([waiting])
                except Exception as exc:
                    if not waiting.done.done():
                        waiting.done.set_exception(exc)
                else:
                    self._deliver([waiting], written)
            return
        self._deliver(batch, written)

    @staticmethod
    def _deliver(batch: Sequence[_Waiting], written: dict[Key, Written]) -> None:
        for waiting in batch:
            if waiting.done.done():
                continue
            result = written.get(waiting.key)
            if result is None:  # an upsert with RETURNING always returns its rows
                waiting.done.set_exception(RuntimeError("the check-in upsert returned no row"))
            else:
                waiting.done.set_result(result)

    async def _upsert(self, batch: Sequence[_Waiting]) -> dict[Key, Written]:
        params = [value for waiting in batch for value in waiting.values]
        params.append(int(batch[0].clear_note))
        guild_marks, guilds = in_list(sorted({waiting.key[0] for waiting in batch}))
        member_marks, members = in_list(sorted({waiting.key[1] for waiting in batch}))
        # One statement (atomic on its own), then a read of what it wrote, on one connection.
        async with self._db.single_writes() as tx:
            stored = await tx.fetch_all(
                _UPSERT_HEAD + ", ".join([_ROW] * len(batch)) + _UPSERT_TAIL, params
            )
            # Every pair of these servers and members; only the batch's pairs are kept below.
            day_rows = await tx.fetch_all(
                "SELECT guild_id, user_id, local_date FROM checkins"
                f" WHERE guild_id IN ({guild_marks}) AND user_id IN ({member_marks})"
                " ORDER BY local_date",
                (*guilds, *members),
            )
        days: dict[tuple[int, int], list[date]] = {}
        for row in day_rows:
            member = (int(row["guild_id"]), int(row["user_id"]))
            days.setdefault(member, []).append(date.fromisoformat(row["local_date"]))
        written: dict[Key, Written] = {}
        for row in stored:
            guild_id, user_id = int(row["guild_id"]), int(row["user_id"])
            key = (guild_id, user_id, str(row["local_date"]))
            written[key] = Written(row, days.get((guild_id, user_id), []))
        return written
