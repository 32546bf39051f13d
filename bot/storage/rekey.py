"""Which data key a database's sealed values use, and re-sealing them all with another.

The database remembers the id of the key its values are sealed with (`app_state`), so Hearth
refuses to start with no key or the wrong one instead of showing members unreadable notes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from bot.storage.database import Database, Transaction
from bot.storage.sealing import (
    CHECKIN_NOTE,
    COUNTER_LABEL,
    COUNTER_LABEL_KEY,
    FLAG_DETAIL,
    PEER_REASON,
    PERIOD_NOTE,
    DataKey,
    FieldCodec,
    MissingDataKey,
)
from bot.storage.timestamps import to_db

log = logging.getLogger(__name__)

KEY_MARKER = "data_key_id"
_BATCH = 500


class DataKeyError(Exception):
    """The configured key does not fit the database; the message says what to do."""


@dataclass(frozen=True)
class SealedColumn:
    table: str
    column: str
    codec_name: str


SEALED_COLUMNS = (
    SealedColumn("checkins", "note", CHECKIN_NOTE),
    SealedColumn("sobriety_periods", "note", PERIOD_NOTE),
    SealedColumn("sobriety_counters", "label", COUNTER_LABEL),
    SealedColumn("flag_events", "detail", FLAG_DETAIL),
    SealedColumn("peer_requests", "reason", PEER_REASON),
)


async def sealed_with(database: Database) -> str | None:
    row = await database.fetch_one("SELECT value FROM app_state WHERE key = ?", (KEY_MARKER,))
    return str(row["value"]) if row else None


async def check_data_key(database: Database, codec: FieldCodec, now: datetime) -> None:
    """Refuse a key that cannot read what is stored; remember a key used for the first time."""
    marker = await sealed_with(database)
    if marker is None:
        if codec.key_id is not None:
            async with database.transaction() as tx:
                await _set_marker(tx, codec.key_id, now)
        return
    if codec.key_id is None:
        raise DataKeyError(
            f"the database holds notes sealed with data key {marker}: set HEARTH_DATA_KEY to "
            "that key (to store them plain again, run `python -m bot rotate-key` with it in "
            "HEARTH_DATA_KEY_OLD and HEARTH_DATA_KEY unset)"
        )
    if codec.key_id != marker:
        raise DataKeyError(
            f"HEARTH_DATA_KEY (key {codec.key_id}) is not the key this database's notes are "
            f"sealed with ({marker}); to change keys, put the old key in HEARTH_DATA_KEY_OLD "
            "and run `python -m bot rotate-key`"
        )


@dataclass(frozen=True)
class RekeyResult:
    values: int  # sealed or stored plain again
    key_id: str | None  # what they are sealed with now (None: plain)


async def rekey(
    database: Database, old: DataKey | None, new: DataKey | None, now: datetime
) -> RekeyResult:
    """Re-seal every sealed column with `new` (or store plain with None), in one transaction,
    then rebuild the file so no copy of an old value is left in free pages or the log."""
    marker = await sealed_with(database)
    known = {key.key_id for key in (old, new) if key is not None}
    if marker is not None and marker not in known:
        raise DataKeyError(
            f"the database's notes are sealed with data key {marker}: put that key in "
            "HEARTH_DATA_KEY_OLD (the new one, if any, in HEARTH_DATA_KEY)"
        )
    reader = FieldCodec(new, [old] if old else [])
    writer = FieldCodec(new)
    changed = 0
    try:
        async with database.transaction() as tx:
            for sealed in SEALED_COLUMNS:
                changed += await _reseal(tx, sealed, reader, writer)
            if writer.key_id is None:
                await tx.execute("DELETE FROM app_state WHERE key = ?", (KEY_MARKER,))
            else:
                await _set_marker(tx, writer.key_id, now)
    except MissingDataKey as exc:
        raise DataKeyError(
            f"some values are sealed with data key {exc.key_id}, which is neither "
            "HEARTH_DATA_KEY nor HEARTH_DATA_KEY_OLD; nothing was changed"
        ) from None
    await compact(database)
    log.info("data re-sealed", extra={"values": changed, "key": writer.key_id or "plain"})
    return RekeyResult(changed, writer.key_id)


async def compact(database: Database) -> None:
    """Rewrite the stored tables: old values are gone from the disk."""
    await database.compact()


async def _reseal(
    tx: Transaction, sealed: SealedColumn, reader: FieldCodec, writer: FieldCodec
) -> int:
    relabel = sealed.codec_name == COUNTER_LABEL
    last, count = 0, 0
    while True:
        rows = await tx.fetch_all(
            f"SELECT id, {sealed.column} AS value FROM {sealed.table}"
            f" WHERE id > ? AND {sealed.column} IS NOT NULL ORDER BY id LIMIT ?",
            (last, _BATCH),
        )
        if not rows:
            return count
        for row in rows:
            # The query reads only non-NULL values, and an opened value is never None.
            text = cast(str, reader.open(sealed.codec_name, row["value"]))
            if relabel:
                await tx.execute(
                    "UPDATE sobriety_counters SET label = ?, label_key = ? WHERE id = ?",
                    (
                        writer.seal(COUNTER_LABEL, text),
                        writer.index(COUNTER_LABEL_KEY, text.casefold()),
                        row["id"],
                    ),
                )
            else:
                await tx.execute(
                    f"UPDATE {sealed.table} SET {sealed.column} = ? WHERE id = ?",
                    (writer.seal(sealed.codec_name, text), row["id"]),
                )
            count += 1
        last = int(rows[-1]["id"])


async def _set_marker(tx: Transaction, key_id: str, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO app_state (key, value, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (KEY_MARKER, key_id, to_db(now)),
    )
