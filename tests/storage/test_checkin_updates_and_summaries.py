"""Check-in rows on a real SQLite file: same-day updates keep what was given; daily figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.checkins import CheckinInput, Mood
from bot.storage.storage import Storage

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
DAY = date(2026, 11, 22)
GUILD, MEMBER = 1, 2


async def test_second_check_in_updates_and_keeps_what_was_not_given(storage: Storage) -> None:
    repo = storage.checkins
    first = await repo.record(GUILD, MEMBER, DAY, CheckinInput(Mood.GOOD, 3, "my note"), False, NOW)
    assert not first.updated
    assert (first.entry.mood, first.entry.craving, first.entry.note) == (Mood.GOOD, 3, "my note")

    later = NOW + timedelta(hours=2)
    second = await repo.record(GUILD, MEMBER, DAY, CheckinInput(Mood.LOW, None, None), True, later)
    assert second.updated and second.days == [DAY]
    assert (second.entry.mood, second.entry.craving, second.entry.note) == (Mood.LOW, 3, "my note")
    assert second.entry.shared

    third = await repo.record(GUILD, MEMBER, DAY, CheckinInput(Mood.OKAY, 0, None), False, later)
    assert (third.entry.craving, third.entry.note, third.entry.shared) == (0, "my note", True)

    cleared = await repo.record(
        GUILD, MEMBER, DAY, CheckinInput(Mood.OKAY, None, None), False, later, clear_note=True
    )
    assert (cleared.entry.craving, cleared.entry.note) == (0, None)
    [stored] = await repo.between(GUILD, MEMBER, DAY, DAY)
    assert stored.note is None

    replaced = await repo.record(
        GUILD, MEMBER, DAY, CheckinInput(Mood.OKAY, None, "new"), False, later, clear_note=True
    )
    assert replaced.entry.note == "new", "a new note replaces the old one even when clearing"


async def test_daily_summaries_count_distinct_members_per_day(storage: Storage) -> None:
    repo = storage.checkins
    yesterday = DAY - timedelta(days=1)
    for user, mood in ((10, Mood.LOW), (11, Mood.GREAT), (12, Mood.GOOD)):
        await repo.record(GUILD, user, yesterday, CheckinInput(mood, None, None), False, NOW)
    await repo.record(GUILD, 10, DAY, CheckinInput(Mood.OKAY, None, None), False, NOW)
    await repo.record(GUILD, 10, DAY, CheckinInput(Mood.GOOD, None, None), False, NOW)
    await repo.record(GUILD + 1, 10, DAY, CheckinInput(Mood.GOOD, None, None), False, NOW)

    figures = await repo.daily_summaries(GUILD, yesterday - timedelta(days=3), DAY)
    assert set(figures) == {yesterday, DAY}
    assert (figures[yesterday].count, figures[yesterday].members) == (3, 3)
    assert figures[yesterday].average_mood == pytest.approx((2 + 5 + 4) / 3)
    assert (figures[DAY].count, figures[DAY].members, figures[DAY].average_mood) == (1, 1, 4)
    assert await repo.daily_summaries(GUILD, DAY + timedelta(days=1), DAY + timedelta(days=2)) == {}
