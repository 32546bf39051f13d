"""Encryption at rest on both backends: sealed values, mixed plain and sealed rows, the
database's key check, and `rotate-key` in every direction, looking at what is kept on disk (the
SQLite file and its log; PostgreSQL's table files)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.domain.checkins import CheckinInput, Mood
from bot.domain.flags import NewFlag
from bot.storage.rekey import SEALED_COLUMNS, DataKeyError, check_data_key, rekey, sealed_with
from bot.storage.sealing import (
    CHECKIN_NOTE,
    PREFIX,
    DataKey,
    FieldCodec,
    KeyFormatError,
    MissingDataKey,
    new_key_text,
)
from bot.storage.storage import Storage, open_storage
from tests.stored_bytes import StoredBytes

NOW = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
NOTE = "canary-sealed-note-61aa"
LABEL = "Canary-Label-77"
REASON = "canary-sealed-reason-0c3e"
RESET = "canary-sealed-reset-9f00"
GUILD, USER = 10, 20


SEALED_TABLES = tuple(sorted({sealed.table for sealed in SEALED_COLUMNS}))


async def on_disk(disk: StoredBytes) -> bytes:
    return await disk.read(SEALED_TABLES)


async def fill(storage: Storage) -> None:
    await storage.checkins.record(
        GUILD, USER, date(2026, 11, 22), CheckinInput(Mood.LOW, 4, NOTE), False, NOW
    )
    counter, _ = await storage.sobriety.set_counter(GUILD, USER, LABEL, date(2026, 1, 1), None, NOW)
    await storage.sobriety.reset(counter.id, date(2026, 11, 1), RESET, NOW)
    await storage.flags.report(
        NewFlag(GUILD, "report", "member report", 2, None, None, None), USER, REASON, NOW, None
    )


async def read_back(storage: Storage) -> tuple[str | None, str, list[str | None], str | None]:
    [entry] = await storage.checkins.between(GUILD, USER, date(2026, 1, 1), date(2026, 12, 31))
    counter = await storage.sobriety.counter(GUILD, USER, LABEL.upper())
    assert counter is not None, "found by its name in any case, sealed or not"
    periods = await storage.sobriety.periods(counter.id)
    [created] = await storage.flags.events(1)
    return entry.note, counter.label, [p.note for p in periods], created.detail


def test_codec_round_trip_binding_and_key_format() -> None:
    key = DataKey.parse(new_key_text())
    codec = FieldCodec(key)
    sealed = codec.seal(CHECKIN_NOTE, NOTE)
    assert sealed is not None and sealed.startswith(f"{PREFIX}{key.key_id}:")
    assert NOTE not in sealed and sealed != codec.seal(CHECKIN_NOTE, NOTE), (
        "a fresh nonce each time"
    )
    assert codec.open(CHECKIN_NOTE, sealed) == NOTE
    assert codec.open(CHECKIN_NOTE, "written before any key") == "written before any key"
    # Bound to its column: the same value read as another column does not open.
    assert codec.open("flag_events.detail", sealed) == sealed
    with pytest.raises(MissingDataKey):
        FieldCodec(DataKey.parse(new_key_text())).open(CHECKIN_NOTE, sealed)
    for bad in ("short", "", "!" * 44):
        with pytest.raises(KeyFormatError):
            DataKey.parse(bad)


async def test_sealed_values_never_reach_the_disk_and_read_back_whole(
    db_target: Path | str, stored_bytes: StoredBytes
) -> None:
    path = db_target
    codec = FieldCodec(DataKey.parse(new_key_text()))
    storage = await open_storage(path, codec=codec)
    try:
        await check_data_key(storage.database, codec, NOW)
        await fill(storage)
        assert await read_back(storage) == (NOTE, LABEL, [RESET, None], REASON)
    finally:
        await storage.close()
    raw = await on_disk(stored_bytes)
    for canary in (NOTE, LABEL, RESET, REASON):
        assert canary.lower().encode() not in raw


async def test_key_check_refuses_a_missing_or_wrong_key(db_target: Path | str) -> None:
    path = db_target
    key = DataKey.parse(new_key_text())
    storage = await open_storage(path, codec=FieldCodec(key))
    try:
        await check_data_key(storage.database, FieldCodec(key), NOW)
        assert await sealed_with(storage.database) == key.key_id
        with pytest.raises(DataKeyError, match="set HEARTH_DATA_KEY to that key"):
            await check_data_key(storage.database, FieldCodec(), NOW)
        with pytest.raises(DataKeyError, match="HEARTH_DATA_KEY_OLD"):
            await check_data_key(storage.database, FieldCodec(DataKey.parse(new_key_text())), NOW)
    finally:
        await storage.close()


async def test_rotate_from_plain_to_a_key_to_another_and_back_to_plain(
    db_target: Path | str, stored_bytes: StoredBytes
) -> None:
    path = db_target
    storage = await open_storage(path)
    try:
        await fill(storage)
    finally:
        await storage.close()
    assert NOTE.encode() in await on_disk(stored_bytes), "plain: the check sees it"

    first, second = DataKey.parse(new_key_text()), DataKey.parse(new_key_text())
    for old, new in ((None, first), (first, second), (second, None)):
        storage = await open_storage(path)
        try:
            result = await rekey(storage.database, old, new, NOW)
        finally:
            await storage.close()
        assert result.values == 4 and result.key_id == (new.key_id if new else None)
        reader = FieldCodec(new)
        storage = await open_storage(path, codec=reader)
        try:
            await check_data_key(storage.database, reader, NOW)
            assert await read_back(storage) == (NOTE, LABEL, [RESET, None], REASON)
        finally:
            await storage.close()
        sealed = NOTE.encode() not in await on_disk(stored_bytes)
        assert sealed == (new is not None), "no plain copy left behind in free pages or the log"


async def test_rotation_with_the_wrong_old_key_changes_nothing(db_target: Path | str) -> None:
    path = db_target
    key = DataKey.parse(new_key_text())
    codec = FieldCodec(key)
    storage = await open_storage(path, codec=codec)
    try:
        await check_data_key(storage.database, codec, NOW)
        await fill(storage)
        stranger = DataKey.parse(new_key_text())
        with pytest.raises(DataKeyError, match=key.key_id):
            await rekey(storage.database, stranger, DataKey.parse(new_key_text()), NOW)
        assert await read_back(storage) == (NOTE, LABEL, [RESET, None], REASON)
    finally:
        await storage.close()


async def test_plain_rows_from_before_the_key_still_read_and_match(
    db_target: Path | str,
) -> None:
    path = db_target
    storage = await open_storage(path)
    try:
        await fill(storage)
    finally:
        await storage.close()
    codec = FieldCodec(DataKey.parse(new_key_text()))
    storage = await open_storage(path, codec=codec)
    try:
        await check_data_key(storage.database, codec, NOW)  # first use of a key: remembered
        assert await read_back(storage) == (NOTE, LABEL, [RESET, None], REASON)
        # Setting the same counter again finds the plain row rather than adding a second one.
        _, created = await storage.sobriety.set_counter(
            GUILD, USER, LABEL.lower(), date(2026, 2, 1), None, NOW
        )
        assert not created
        row = await storage.database.fetch_one("SELECT count(*) FROM sobriety_counters")
        assert row is not None and row[0] == 1
    finally:
        await storage.close()
