"""Sobriety counters, their periods and once-only milestone celebrations, on a real SQLite file."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.counters import Announce, Counter, Period
from bot.storage.database import IntegrityError, MissingRow
from bot.storage.storage import Storage
from tests.storage.support import count, failing_inserts, plain_one, reopened

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
START = date(2025, 12, 31)
GUILD, MEMBER = 1, 10


async def start(
    storage: Storage,
    label: str = "Sobriety",
    *,
    guild_id: int = GUILD,
    user_id: int = MEMBER,
    announce: Announce | None = None,
) -> Counter:
    counter, created = await storage.sobriety.set_counter(
        guild_id, user_id, label, START, announce, NOW
    )
    assert created
    return counter


async def test_a_new_counter_has_one_open_period_and_is_found_in_any_case(
    storage: Storage,
) -> None:
    counter = await start(storage)
    assert (counter.guild_id, counter.user_id, counter.label) == (GUILD, MEMBER, "Sobriety")
    assert counter.announce == Announce.DM, "private unless the member chooses otherwise"
    assert (counter.current.start, counter.current.end, counter.current.note) == (
        START,
        None,
        None,
    )
    assert await storage.sobriety.counter(GUILD, MEMBER, "sOBRIETY") == counter
    assert await storage.sobriety.counter(GUILD, MEMBER, "nicotine") is None
    assert await storage.sobriety.counter(2, MEMBER, "sobriety") is None
    assert await storage.sobriety.periods(counter.id) == [counter.current]


async def test_setting_an_existing_name_corrects_the_start_of_the_open_period(
    storage: Storage,
) -> None:
    counter = await start(storage, announce=Announce.PUBLIC)
    corrected, created = await storage.sobriety.set_counter(
        GUILD, MEMBER, "SOBRIETY", date(2026, 1, 5), None, NOW
    )
    assert not created
    assert corrected.id == counter.id
    assert corrected.label == "Sobriety", "the name keeps the case it was created with"
    assert corrected.announce == Announce.PUBLIC, "no announce given: unchanged"
    assert corrected.current.start == date(2026, 1, 5)
    assert await count(storage, "sobriety_periods") == 1
    changed, _ = await storage.sobriety.set_counter(
        GUILD, MEMBER, "sobriety", date(2026, 1, 5), Announce.OFF, NOW
    )
    assert changed.announce == Announce.OFF


async def test_simultaneous_starts_of_one_name_make_one_counter(storage: Storage) -> None:
    results = await asyncio.gather(
        *(
            storage.sobriety.set_counter(GUILD, MEMBER, label, START, None, NOW)
            for label in ("Sobriety", "sobriety", "SOBRIETY")
        )
    )
    assert [created for _, created in results].count(True) == 1
    assert len({counter.id for counter, _ in results}) == 1
    assert await count(storage, "sobriety_periods") == 1


async def test_counters_are_listed_by_name_for_one_member_in_one_guild(storage: Storage) -> None:
    await start(storage, "Nicotine")
    await start(storage, "alcohol")
    await start(storage, "Sobriety")
    await start(storage, "Other member", user_id=11)
    await start(storage, "Other guild", guild_id=2)
    labels = [c.label for c in await storage.sobriety.counters(GUILD, MEMBER)]
    assert labels == ["alcohol", "Nicotine", "Sobriety"]
    assert await storage.sobriety.counters(GUILD, 99) == []


async def test_reset_keeps_the_ended_period_and_opens_the_next(storage: Storage) -> None:
    counter = await start(storage)
    ended = await storage.sobriety.reset(counter.id, date(2026, 2, 14), "hard week", NOW)
    assert ended == Period(counter.current.id, START, date(2026, 2, 14), "hard week")
    again = await storage.sobriety.reset(counter.id, date(2026, 2, 14), None, NOW)
    assert (again.start, again.end) == (date(2026, 2, 14), date(2026, 2, 14))
    current = await storage.sobriety.counter(GUILD, MEMBER, "sobriety")
    assert current is not None
    assert (current.current.start, current.current.end) == (date(2026, 2, 14), None)
    periods = await storage.sobriety.periods(counter.id)
    assert [(p.start, p.end, p.note) for p in periods] == [
        (START, date(2026, 2, 14), "hard week"),
        (date(2026, 2, 14), date(2026, 2, 14), None),
        (date(2026, 2, 14), None, None),
    ]


async def test_resetting_a_counter_removed_meanwhile_is_a_clear_error(storage: Storage) -> None:
    counter = await start(storage)
    await storage.sobriety.remove(counter.id)
    with pytest.raises(MissingRow, match=f"counter {counter.id}'s current period is missing"):
        await storage.sobriety.reset(counter.id, date(2026, 2, 14), None, NOW)
    assert await count(storage, "sobriety_periods") == 0, "nothing was written"


async def test_a_write_failing_midway_leaves_nothing_half_done(storage: Storage) -> None:
    counter = await start(storage)
    async with failing_inserts(storage, "sobriety_periods"):
        with pytest.raises(IntegrityError, match="injected"):
            await storage.sobriety.reset(counter.id, date(2026, 2, 14), "note", NOW)
        with pytest.raises(IntegrityError, match="injected"):
            await storage.sobriety.set_counter(GUILD, MEMBER, "Nicotine", START, None, NOW)
    assert await storage.sobriety.periods(counter.id) == [counter.current], "still open"
    assert await count(storage, "sobriety_counters") == 1, "no counter without its period"
    assert (await storage.sobriety.reset(counter.id, date(2026, 2, 14), "note", NOW)).end == date(
        2026, 2, 14
    ), "the database works normally afterwards"


async def test_announce_choice_decides_which_lists_a_counter_is_in(storage: Storage) -> None:
    dm = await start(storage, "Sobriety")
    public = await start(storage, "Nicotine", announce=Announce.PUBLIC)
    off = await start(storage, "Gambling", announce=Announce.OFF)
    other_guild = await start(storage, "Sobriety", guild_id=2, announce=Announce.PUBLIC)
    assert {c.id for c in await storage.sobriety.announcing_counters()} == {
        dm.id,
        public.id,
        other_guild.id,
    }
    assert [c.id for c in await storage.sobriety.public_counters(GUILD)] == [public.id]
    await storage.sobriety.set_announce(public.id, Announce.OFF, NOW)
    await storage.sobriety.set_announce(off.id, Announce.PUBLIC, NOW)
    assert [c.id for c in await storage.sobriety.public_counters(GUILD)] == [off.id]
    assert public.id not in {c.id for c in await storage.sobriety.announcing_counters()}


async def test_each_milestone_is_celebrated_once_per_period(storage: Storage) -> None:
    counter = await start(storage)
    period = counter.current.id
    repo = storage.sobriety
    first = await repo.claim_celebration(period, "30d", date(2026, 1, 30), Announce.DM, NOW)
    assert first is not None
    assert await repo.claim_celebration(period, "30d", date(2026, 1, 30), Announce.DM, NOW) is None
    results = await asyncio.gather(
        *(repo.claim_celebration(period, "60d", date(2026, 3, 1), Announce.DM, NOW) for _ in "abcd")
    )
    assert sum(r is not None for r in results) == 1
    await repo.reset(counter.id, date(2026, 3, 5), None, NOW)
    current = await repo.counter(GUILD, MEMBER, "sobriety")
    assert current is not None
    fresh = await repo.claim_celebration(
        current.current.id, "30d", date(2026, 4, 4), Announce.DM, NOW
    )
    assert fresh is not None and fresh != first, "a new period celebrates again"


async def test_release_frees_only_unfinished_celebrations(storage: Storage) -> None:
    counter = await start(storage)
    repo = storage.sobriety
    period = counter.current.id
    claimed = await repo.claim_celebration(period, "30d", date(2026, 1, 30), Announce.PUBLIC, NOW)
    assert claimed is not None
    await repo.release_celebration(claimed, retry_at=NOW)
    assert await repo.celebration(claimed) is None
    again = await repo.claim_celebration(period, "30d", date(2026, 1, 30), Announce.PUBLIC, NOW)
    assert again is not None
    await repo.finish_celebration(again, "sent", 70, 7001, NOW + timedelta(seconds=1))
    await repo.release_celebration(again, retry_at=NOW)
    assert await repo.claim_celebration(period, "30d", date(2026, 1, 30), Announce.DM, NOW) is None
    row = await plain_one(
        storage, "SELECT status, channel_id, message_id, updated_at FROM milestone_celebrations"
    )
    assert row is not None
    assert tuple(row) == ("sent", 70, 7001, "2026-03-07T12:00:01.000Z")


async def test_recovery_lists_the_celebrations_left_sending_and_changes_nothing(
    storage: Storage,
) -> None:
    counter = await start(storage)
    repo = storage.sobriety
    period = counter.current.id
    claimed = [
        await repo.claim_celebration(period, k, START, Announce.DM, NOW) for k in ("1d", "7d")
    ]
    sent = await repo.claim_celebration(period, "60d", START, Announce.DM, NOW)
    assert sent is not None
    await repo.finish_celebration(sent, "sent", None, None, NOW)
    interrupted = await repo.interrupted_celebrations()
    assert [c.id for c in interrupted] == claimed
    assert {c.milestone_key for c in interrupted} == {"1d", "7d"}
    assert {(c.guild_id, c.user_id, c.period_id) for c in interrupted} == {
        (counter.guild_id, counter.user_id, period)
    }
    # Listing is not releasing: whether they reached Discord is for the deliverer to find out.
    assert await repo.claim_celebration(period, "1d", START, Announce.DM, NOW) is None


async def test_congratulations_count_each_member_once(storage: Storage) -> None:
    counter = await start(storage)
    repo = storage.sobriety
    celebration_id = await repo.claim_celebration(
        counter.current.id, "1y", date(2026, 12, 31), Announce.PUBLIC, NOW
    )
    assert celebration_id is not None
    celebration = await repo.celebration(celebration_id)
    assert celebration is not None
    assert (celebration.user_id, celebration.guild_id, celebration.milestone_key) == (
        MEMBER,
        GUILD,
        "1y",
    )
    assert celebration.congratulations == 0
    assert await repo.congratulate(celebration_id, 20, NOW) == (True, 1)
    assert await repo.congratulate(celebration_id, 20, NOW) == (False, 1)
    together = await asyncio.gather(*(repo.congratulate(celebration_id, 21, NOW) for _ in "ab"))
    assert sorted(together) == [(False, 2), (True, 2)]
    celebration = await repo.celebration(celebration_id)
    assert celebration is not None and celebration.congratulations == 2
    assert await repo.celebration(celebration_id + 1) is None
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        await repo.congratulate(celebration_id + 1, 20, NOW)


async def test_removing_a_counter_removes_its_periods_and_celebrations(storage: Storage) -> None:
    doomed = await start(storage, "Sobriety")
    kept = await start(storage, "Nicotine")
    repo = storage.sobriety
    for counter in (doomed, kept):
        celebration_id = await repo.claim_celebration(
            counter.current.id, "30d", START, Announce.PUBLIC, NOW
        )
        assert celebration_id is not None
        await repo.congratulate(celebration_id, 20, NOW)
    await repo.reset(doomed.id, date(2026, 2, 1), "kept until removed", NOW)
    await repo.remove(doomed.id)
    assert [c.id for c in await repo.counters(GUILD, MEMBER)] == [kept.id]
    assert await repo.periods(doomed.id) == []
    assert await count(storage, "sobriety_periods") == 1
    assert await count(storage, "milestone_celebrations") == 1
    assert await count(storage, "milestone_congratulations") == 1


async def test_counters_and_celebrations_survive_reopening_the_file(db_target: Path | str) -> None:
    async with reopened(db_target) as storage:
        counter = await start(storage, announce=Announce.PUBLIC)
        await storage.sobriety.reset(counter.id, date(2026, 1, 10), "slip", NOW)
        current = await storage.sobriety.counter(GUILD, MEMBER, "sobriety")
        assert current is not None
        claimed = await storage.sobriety.claim_celebration(
            current.current.id, "30d", date(2026, 2, 9), Announce.PUBLIC, NOW
        )
        assert claimed is not None
        await storage.sobriety.finish_celebration(claimed, "sent", 70, 7001, NOW)
    async with reopened(db_target) as storage:
        assert await storage.sobriety.counter(GUILD, MEMBER, "Sobriety") == current
        assert len(await storage.sobriety.periods(counter.id)) == 2
        assert (
            await storage.sobriety.claim_celebration(
                current.current.id, "30d", date(2026, 2, 9), Announce.PUBLIC, NOW
            )
            is None
        )
