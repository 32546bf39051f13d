"""Check-ins that arrive together are written together (bot/storage/checkin_writer.py), and each
member still gets exactly what is stored for them, in the order they checked in."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.checkins import CheckinEntry, CheckinInput, Mood
from bot.storage.checkin_writer import MAX_BATCH, CheckinWriter
from bot.storage.database import IntegrityError
from bot.storage.storage import Storage
from bot.storage.timestamps import to_db
from tests.storage.support import count

NOW = datetime(2026, 3, 7, 21, 0, tzinfo=UTC)
DAY = date(2026, 3, 7)
YESTERDAY = DAY - timedelta(days=1)
GUILD, OTHER_GUILD = 1, 2


def checkin(mood: Mood, craving: int | None = None, note: str | None = None) -> CheckinInput:
    return CheckinInput(mood=mood, craving=craving, note=note)


async def test_a_burst_larger_than_a_batch_answers_each_member_with_their_own_row(
    storage: Storage,
) -> None:
    members = range(100, 100 + MAX_BATCH + 30)  # more than one batch, over two servers
    # Every other member checked in yesterday: their days must include it, the others' not.
    for member in members[::2]:
        await storage.checkins.record(GUILD, member, YESTERDAY, checkin(Mood.OKAY), False, NOW)
    moods = list(Mood)

    def given(member: int) -> CheckinInput:
        return checkin(moods[member % len(moods)], member % 11, f"note {member}")

    def guild_of(member: int) -> int:
        return GUILD if member % 3 else OTHER_GUILD

    results = await asyncio.gather(
        *(storage.checkins.record(guild_of(m), m, DAY, given(m), m % 4 == 0, NOW) for m in members)
    )
    for member, result in zip(members, results, strict=True):
        guild = guild_of(member)
        expected = CheckinEntry(
            DAY, given(member).mood, member % 11, f"note {member}", member % 4 == 0
        )
        assert result.entry == expected
        assert await storage.checkins.between(guild, member, DAY, DAY) == [expected]
        assert not result.updated
        checked_yesterday = member % 2 == 0 and guild == GUILD
        assert result.days == ([YESTERDAY, DAY] if checked_yesterday else [DAY])
    assert await count(storage, "checkins") == len(members) + len(members[::2])


async def test_one_members_check_ins_in_a_burst_are_written_in_order(storage: Storage) -> None:
    first, second, third = await asyncio.gather(
        storage.checkins.record(GUILD, 10, DAY, checkin(Mood.LOW, 6, "rough"), False, NOW),
        storage.checkins.record(GUILD, 11, DAY, checkin(Mood.GOOD, 1), False, NOW),
        storage.checkins.record(GUILD, 10, DAY, checkin(Mood.GOOD), False, NOW),
    )
    assert not first.updated
    assert first.entry == CheckinEntry(DAY, Mood.LOW, 6, "rough", False)
    assert not second.updated
    # The later one of the same day updates the earlier: craving and note not given are kept.
    assert third.updated
    assert third.entry == CheckinEntry(DAY, Mood.GOOD, 6, "rough", False)
    assert await storage.checkins.between(GUILD, 10, DAY, DAY) == [third.entry]
    assert await count(storage, "checkins") == 2


async def test_clearing_a_note_in_a_burst_clears_only_that_members_note(
    storage: Storage,
) -> None:
    for member in (20, 21):
        await storage.checkins.record(GUILD, member, DAY, checkin(Mood.LOW, 5, "mine"), False, NOW)
    cleared, kept = await asyncio.gather(
        storage.checkins.record(GUILD, 20, DAY, checkin(Mood.OKAY), False, NOW, clear_note=True),
        storage.checkins.record(GUILD, 21, DAY, checkin(Mood.OKAY), False, NOW),
    )
    assert cleared.entry == CheckinEntry(DAY, Mood.OKAY, 5, None, False)
    assert kept.entry == CheckinEntry(DAY, Mood.OKAY, 5, "mine", False)
    assert await storage.checkins.between(GUILD, 21, DAY, DAY) == [kept.entry]


async def test_a_refused_row_fails_alone_and_the_rest_of_its_batch_is_written(
    storage: Storage,
) -> None:
    writer = CheckinWriter(storage.database)
    stamp = to_db(NOW)

    def row(member: int, mood: int) -> tuple[object, ...]:
        return (GUILD, member, DAY.isoformat(), mood, None, None, 0, stamp, stamp)

    results = await asyncio.gather(
        writer.write(row(30, 2), clear_note=False),
        writer.write(row(31, 9), clear_note=False),  # no such mood: the schema refuses it
        writer.write(row(32, 4), clear_note=False),
        return_exceptions=True,
    )
    assert isinstance(results[1], IntegrityError)
    assert [entry.mood for entry in await storage.checkins.between(GUILD, 30, DAY, DAY)] == [
        Mood(2)
    ]
    assert [entry.mood for entry in await storage.checkins.between(GUILD, 32, DAY, DAY)] == [
        Mood(4)
    ]
    assert await count(storage, "checkins") == 2


async def test_a_row_of_the_wrong_shape_is_refused_before_anything_is_written(
    storage: Storage,
) -> None:
    with pytest.raises(ValueError, match="9 values"):
        await CheckinWriter(storage.database).write((GUILD, 40, DAY.isoformat()), clear_note=False)
    assert await count(storage, "checkins") == 0
