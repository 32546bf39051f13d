"""Members' own time zones, shared across servers, on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage.storage import Storage
from tests.storage.support import count, plain_one, reopened

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


async def test_zone_is_unset_then_set_then_changed_then_cleared(storage: Storage) -> None:
    profiles = storage.profiles
    assert await profiles.timezone(1) is None
    await profiles.set_timezone(1, "Europe/Paris", NOW)
    assert await profiles.timezone(1) == "Europe/Paris"
    await profiles.set_timezone(1, "America/Chicago", NOW + timedelta(hours=1))
    assert await profiles.timezone(1) == "America/Chicago"
    await profiles.set_timezone(1, None, NOW + timedelta(hours=2))
    assert await profiles.timezone(1) is None
    assert await count(storage, "member_profile") == 1, "one row per member, updated in place"
    assert await profiles.timezone(2) is None


async def test_updating_keeps_created_at_and_moves_updated_at(storage: Storage) -> None:
    await storage.profiles.set_timezone(1, "Europe/Paris", NOW)
    await storage.profiles.set_timezone(1, "Asia/Tokyo", NOW + timedelta(days=3))
    row = await plain_one(
        storage, "SELECT created_at, updated_at FROM member_profile WHERE user_id = 1"
    )
    assert row is not None
    assert (row["created_at"], row["updated_at"]) == (
        "2026-03-07T12:00:00.000Z",
        "2026-03-10T12:00:00.000Z",
    )


async def test_timezones_lists_members_with_a_zone_up_to_the_limit(storage: Storage) -> None:
    profiles = storage.profiles
    assert await profiles.timezones(limit=3) == {}
    await profiles.set_timezone(1, "Europe/Paris", NOW)
    await profiles.set_timezone(2, "Asia/Tokyo", NOW)
    await profiles.set_timezone(3, None, NOW)  # a profile without a zone is not listed
    await storage.crisis.set_member_country(4, "GB", NOW)  # nor one with only a country
    assert await profiles.timezones(limit=2) == {1: "Europe/Paris", 2: "Asia/Tokyo"}
    assert await profiles.timezones(limit=1) is None, "more than the limit: none at all"


async def test_zone_and_crisis_settings_share_the_profile_without_erasing_each_other(
    storage: Storage,
) -> None:
    await storage.crisis.set_member_country(1, "NZ", NOW)
    await storage.crisis.set_member_replies(1, False, NOW)
    await storage.profiles.set_timezone(1, "Pacific/Auckland", NOW)
    assert await storage.crisis.member_settings(1) == ("NZ", False)
    await storage.crisis.set_member_country(1, "AU", NOW)
    assert await storage.profiles.timezone(1) == "Pacific/Auckland"


async def test_zones_survive_reopening_the_file(db_target: Path | str) -> None:
    async with reopened(db_target) as storage:
        await storage.profiles.set_timezone(7, "America/Sao_Paulo", NOW)
    async with reopened(db_target) as storage:
        assert await storage.profiles.timezone(7) == "America/Sao_Paulo"
        assert await storage.profiles.timezones(limit=10) == {7: "America/Sao_Paulo"}
