"""Check-ins, one per member per local day, on a real SQLite file."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.domain.checkins import CheckinEntry, CheckinInput, Mood
from bot.storage.storage import Storage
from tests.storage.support import count, plain_one, reopened

NOW = datetime(2026, 3, 7, 21, 0, tzinfo=UTC)
DAY = date(2026, 3, 7)
GUILD, OTHER_GUILD = 1, 2
MEMBER, OTHER_MEMBER = 10, 11


def checkin(mood: Mood, craving: int | None = None, note: str | None = None) -> CheckinInput:
    return CheckinInput(mood=mood, craving=craving, note=note)


async def test_first_checkin_of_the_day_is_new_and_reads_back(storage: Storage) -> None:
    recorded = await storage.checkins.record(
        GUILD, MEMBER, DAY, checkin(Mood.LOW, 6, "rough afternoon"), False, NOW
    )
    assert not recorded.updated
    assert recorded.days == [DAY]
    assert await storage.checkins.between(GUILD, MEMBER, DAY, DAY) == [
        CheckinEntry(DAY, Mood.LOW, 6, "rough afternoon", False)
    ]
    assert await storage.checkins.exists(GUILD, MEMBER, DAY)
    assert not await storage.checkins.exists(GUILD, MEMBER, DAY + timedelta(days=1))
    assert not await storage.checkins.exists(OTHER_GUILD, MEMBER, DAY)


async def test_a_second_checkin_that_day_updates_the_values_given(storage: Storage) -> None:
    await storage.checkins.record(GUILD, MEMBER, DAY, checkin(Mood.LOW, 6, "rough"), False, NOW)
    again = await storage.checkins.record(
        GUILD, MEMBER, DAY, checkin(Mood.GOOD, 2, "better now"), False, NOW + timedelta(hours=2)
    )
    assert again.updated
    assert again.days == [DAY]
    [entry] = await storage.checkins.between(GUILD, MEMBER, DAY, DAY)
    assert (entry.mood, entry.craving, entry.note) == (Mood.GOOD, 2, "better now")
    assert await count(storage, "checkins") == 1
    row = await plain_one(storage, "SELECT created_at, updated_at FROM checkins")
    assert row is not None
    assert (row["created_at"], row["updated_at"]) == (
        "2026-03-07T21:00:00.000Z",
        "2026-03-07T23:00:00.000Z",
    )


async def test_once_shared_a_day_stays_shared(storage: Storage) -> None:
    await storage.checkins.record(GUILD, MEMBER, DAY, checkin(Mood.OKAY), True, NOW)
    await storage.checkins.record(GUILD, MEMBER, DAY, checkin(Mood.GOOD), False, NOW)
    [entry] = await storage.checkins.between(GUILD, MEMBER, DAY, DAY)
    assert entry.shared


async def test_days_are_ordered_per_member_and_guild_across_a_year_end(storage: Storage) -> None:
    for day in (date(2027, 1, 2), date(2026, 12, 31), date(2027, 1, 1), date(2026, 2, 28)):
        await storage.checkins.record(GUILD, MEMBER, day, checkin(Mood.OKAY), False, NOW)
    await storage.checkins.record(GUILD, OTHER_MEMBER, DAY, checkin(Mood.OKAY), False, NOW)
    await storage.checkins.record(OTHER_GUILD, MEMBER, DAY, checkin(Mood.OKAY), False, NOW)
    assert await storage.checkins.days(GUILD, MEMBER) == [
        date(2026, 2, 28),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 1, 2),
    ]
    recorded = await storage.checkins.record(
        GUILD, MEMBER, date(2026, 3, 1), checkin(Mood.GOOD), False, NOW
    )
    assert recorded.days[:2] == [date(2026, 2, 28), date(2026, 3, 1)], "every day, in order"
    assert await storage.checkins.days(OTHER_GUILD, MEMBER) == [DAY]
    assert await storage.checkins.days(GUILD, 99) == []


async def test_between_includes_both_ends_and_only_that_member(storage: Storage) -> None:
    for offset, mood in enumerate((Mood.STRUGGLING, Mood.LOW, Mood.OKAY, Mood.GOOD)):
        day = DAY + timedelta(days=offset)
        await storage.checkins.record(GUILD, MEMBER, day, checkin(mood), offset == 1, NOW)
    await storage.checkins.record(GUILD, OTHER_MEMBER, DAY, checkin(Mood.GREAT), False, NOW)
    entries = await storage.checkins.between(
        GUILD, MEMBER, DAY + timedelta(days=1), DAY + timedelta(days=2)
    )
    assert entries == [
        CheckinEntry(DAY + timedelta(days=1), Mood.LOW, None, None, True),
        CheckinEntry(DAY + timedelta(days=2), Mood.OKAY, None, None, False),
    ]
    assert await storage.checkins.between(GUILD, MEMBER, DAY, DAY - timedelta(days=1)) == []


async def test_a_shared_card_is_remembered_for_that_day_only(storage: Storage) -> None:
    await storage.checkins.record(GUILD, MEMBER, DAY, checkin(Mood.GOOD), True, NOW)
    assert await storage.checkins.shared_card(GUILD, MEMBER, DAY) is None
    await storage.checkins.remember_card(GUILD, MEMBER, DAY, 500, 600)
    assert await storage.checkins.shared_card(GUILD, MEMBER, DAY) == (500, 600)
    await storage.checkins.remember_card(GUILD, MEMBER, DAY, 500, 601)  # posted again
    assert await storage.checkins.shared_card(GUILD, MEMBER, DAY) == (500, 601)
    assert await storage.checkins.shared_card(GUILD, MEMBER, DAY + timedelta(days=1)) is None
    assert await storage.checkins.shared_card(OTHER_GUILD, MEMBER, DAY) is None

    await storage.checkins.remember_card(GUILD, MEMBER, DAY + timedelta(days=1), 500, 700)
    assert await count(storage, "checkins") == 1, "no card without a check-in"


async def test_simultaneous_checkins_make_one_row_and_one_is_the_update(storage: Storage) -> None:
    results = await asyncio.gather(
        *(
            storage.checkins.record(GUILD, MEMBER, DAY, checkin(mood), False, NOW)
            for mood in (Mood.LOW, Mood.OKAY, Mood.GOOD)
        )
    )
    assert [r.updated for r in results].count(False) == 1, "exactly one was first"
    assert all(r.days == [DAY] for r in results)
    assert await count(storage, "checkins") == 1


async def test_checkins_survive_reopening_the_file(db_target: Path | str) -> None:
    async with reopened(db_target) as storage:
        await storage.checkins.record(GUILD, MEMBER, DAY, checkin(Mood.OKAY, 3, "ok"), True, NOW)
        await storage.checkins.remember_card(GUILD, MEMBER, DAY, 500, 600)
    async with reopened(db_target) as storage:
        assert await storage.checkins.between(GUILD, MEMBER, DAY, DAY) == [
            CheckinEntry(DAY, Mood.OKAY, 3, "ok", True)
        ]
        assert await storage.checkins.shared_card(GUILD, MEMBER, DAY) == (500, 600)
        again = await storage.checkins.record(GUILD, MEMBER, DAY, checkin(Mood.GOOD), False, NOW)
        assert again.updated, "the day's check-in is still known after a restart"
