"""Scheduled announcements and their once-only deliveries, on a real SQLite file."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.announcements import Announcement, AnnouncementRepeat
from bot.storage.database import IntegrityError
from bot.storage.storage import Storage
from tests.storage.support import count, plain_all, plain_one, reopened

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
# 09:00 in Berlin on the last Saturday of winter time (UTC+1) and the first of summer (UTC+2).
WINTER_DUE = datetime(2026, 3, 28, 9, 0, tzinfo=BERLIN)
SUMMER_DUE = datetime(2026, 3, 29, 9, 0, tzinfo=BERLIN)


async def make(
    storage: Storage,
    *,
    guild_id: int = 1,
    first_at: datetime = WINTER_DUE,
    repeat: AnnouncementRepeat = AnnouncementRepeat.DAILY,
    message: str = "Meeting tonight at 8",
) -> Announcement:
    return await storage.announcements.create(
        guild_id=guild_id,
        channel_id=20,
        message=message,
        first_at=first_at,
        local_time=time(9, 0),
        zone="Europe/Berlin",
        repeat=repeat,
        ping_role_id=30,
        created_by=40,
        now=NOW,
    )


async def test_create_reads_back_every_field_with_the_instant_stored_in_utc(
    storage: Storage,
) -> None:
    created = await make(storage)
    assert created == Announcement(
        id=created.id,
        guild_id=1,
        channel_id=20,
        message="Meeting tonight at 8",
        first_at=WINTER_DUE,
        local_time=time(9, 0),
        zone="Europe/Berlin",
        repeat=AnnouncementRepeat.DAILY,
        ping_role_id=30,
        active=True,
        created_by=40,
    )
    assert created.first_at.tzinfo == UTC
    assert await storage.announcements.get(created.id) == created
    assert await storage.announcements.get(created.id + 1) is None
    row = await plain_one(storage, "SELECT first_at, created_at FROM announcements")
    assert row is not None
    assert (row["first_at"], row["created_at"]) == (
        "2026-03-28T08:00:00.000Z",
        "2026-03-07T12:00:00.000Z",
    )


async def test_a_message_over_discords_limit_is_refused_and_nothing_stored(
    storage: Storage,
) -> None:
    with pytest.raises(IntegrityError):
        await make(storage, message="x" * 2001)
    assert await count(storage, "announcements") == 0
    assert (await make(storage, message="x" * 2000)).message == "x" * 2000


async def test_active_lists_are_per_guild_ordered_by_first_time_and_drop_deactivated(
    storage: Storage,
) -> None:
    later = await make(storage, first_at=SUMMER_DUE)
    earlier = await make(storage, first_at=WINTER_DUE)
    elsewhere = await make(storage, guild_id=2)
    assert [a.id for a in await storage.announcements.active_for_guild(1)] == [
        earlier.id,
        later.id,
    ]
    assert await storage.announcements.deactivate(earlier.id)
    assert not await storage.announcements.deactivate(earlier.id), "only once"
    assert not await storage.announcements.deactivate(elsewhere.id + 1), "unknown id"
    assert [a.id for a in await storage.announcements.active_for_guild(1)] == [later.id]
    assert {a.id for a in await storage.announcements.all_active()} == {later.id, elsewhere.id}
    stopped = await storage.announcements.get(earlier.id)
    assert stopped is not None and not stopped.active


async def test_each_due_time_is_claimed_once_even_written_in_another_zone(
    storage: Storage,
) -> None:
    announcement = await make(storage)
    repo = storage.announcements
    assert await repo.claim(announcement.id, WINTER_DUE, NOW)
    assert not await repo.claim(announcement.id, WINTER_DUE, NOW)
    assert not await repo.claim(announcement.id, WINTER_DUE.astimezone(UTC), NOW)
    assert not await repo.claim(announcement.id, WINTER_DUE.astimezone(ZoneInfo("Asia/Tokyo")), NOW)
    # The next day's 09:00 is after the clocks change: a different instant, its own claim.
    assert await repo.claim(announcement.id, SUMMER_DUE, NOW)
    rows = await plain_all(storage, "SELECT due_at FROM announcement_deliveries ORDER BY due_at")
    assert [r[0] for r in rows] == ["2026-03-28T08:00:00.000Z", "2026-03-29T07:00:00.000Z"]


async def test_simultaneous_claims_have_exactly_one_winner(storage: Storage) -> None:
    announcement = await make(storage)
    results = await asyncio.gather(
        *(storage.announcements.claim(announcement.id, WINTER_DUE, NOW) for _ in range(5))
    )
    assert results.count(True) == 1
    assert await count(storage, "announcement_deliveries") == 1


async def test_release_gives_back_only_unfinished_claims(storage: Storage) -> None:
    announcement = await make(storage)
    repo = storage.announcements
    assert await repo.claim(announcement.id, WINTER_DUE, NOW)
    await repo.release(announcement.id, WINTER_DUE)
    assert await repo.claim(announcement.id, WINTER_DUE, NOW), "released: it can be retried"

    await repo.finish(announcement.id, WINTER_DUE, "sent", NOW + timedelta(seconds=2))
    await repo.release(announcement.id, WINTER_DUE)
    assert not await repo.claim(announcement.id, WINTER_DUE, NOW), "sent: never again"
    row = await plain_one(storage, "SELECT status, updated_at FROM announcement_deliveries")
    assert row is not None
    assert (row["status"], row["updated_at"]) == ("sent", "2026-03-07T12:00:02.000Z")


async def test_recovery_reports_the_claims_left_sending(storage: Storage) -> None:
    announcement = await make(storage)
    repo = storage.announcements
    await repo.claim(announcement.id, WINTER_DUE, NOW)
    await repo.claim(announcement.id, SUMMER_DUE, NOW)
    await repo.claim(announcement.id, SUMMER_DUE + timedelta(days=1), NOW)
    await repo.finish(announcement.id, SUMMER_DUE, "failed", NOW)
    assert await repo.interrupted() == [
        (announcement.id, WINTER_DUE),
        (announcement.id, SUMMER_DUE + timedelta(days=1)),
    ]
    assert not await repo.claim(announcement.id, WINTER_DUE, NOW), "still held until settled"


async def test_a_claim_for_an_unknown_announcement_is_refused(storage: Storage) -> None:
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        await storage.announcements.claim(999, WINTER_DUE, NOW)
    assert await count(storage, "announcement_deliveries") == 0


async def test_announcements_and_deliveries_survive_reopening_the_file(
    db_target: Path | str,
) -> None:
    async with reopened(db_target) as storage:
        announcement = await make(storage, repeat=AnnouncementRepeat.WEEKLY)
        await storage.announcements.claim(announcement.id, WINTER_DUE, NOW)
        await storage.announcements.finish(announcement.id, WINTER_DUE, "sent", NOW)
    async with reopened(db_target) as storage:
        assert await storage.announcements.all_active() == [announcement]
        assert not await storage.announcements.claim(announcement.id, WINTER_DUE, NOW)
