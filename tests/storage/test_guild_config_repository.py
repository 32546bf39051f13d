"""Guild configuration persistence and the cached service in front of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.guild_configs import GuildConfigs
from bot.storage.storage import open_storage
from bot.storage.timestamps import from_db, to_db
from tests.storage.support import plain_one


class StepClock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 3, 8, 6, 30, tzinfo=UTC)

    def now(self) -> datetime:
        self.moment += timedelta(seconds=1)
        return self.moment


async def test_partial_updates_keep_other_fields(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path / "h.db")
    try:
        configs = GuildConfigs(storage.guild_configs, StepClock())
        assert (await configs.get(5)).timezone == "UTC"
        await configs.update(5, timezone="America/New_York", checkin_channel_id=77)
        await configs.update(5, moderator_role_id=88)
        stored = await storage.guild_configs.get(5)
        assert stored is not None
        assert (stored.timezone, stored.checkin_channel_id, stored.moderator_role_id) == (
            "America/New_York",
            77,
            88,
        )
        assert await storage.guild_configs.get(6) is None
    finally:
        await storage.close()


async def test_survives_reopening_the_file(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path / "h.db")
    await GuildConfigs(storage.guild_configs, StepClock()).update(9, helpline_country="GB")
    await storage.close()
    reopened = await open_storage(tmp_path / "h.db")
    try:
        config = await GuildConfigs(reopened.guild_configs, StepClock()).get(9)
        assert config.helpline_country == "GB"
    finally:
        await reopened.close()


async def test_unknown_and_invalid_fields_change_nothing(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path / "h.db")
    try:
        configs = GuildConfigs(storage.guild_configs, StepClock())
        with pytest.raises(ValueError, match="not guild settings"):
            await configs.update(5, favourite_colour="blue")
        with pytest.raises(ValidationError):
            await configs.update(5, checkin_channel_id="not-a-channel")
        assert await storage.guild_configs.get(5) is None
    finally:
        await storage.close()


async def test_updated_at_is_utc_text(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path / "h.db")
    clock = StepClock()
    try:
        await GuildConfigs(storage.guild_configs, clock).update(5, timezone="Asia/Tokyo")
        row = await plain_one(storage, "SELECT updated_at FROM guild_config")
        assert row is not None and row[0].endswith("Z")
        assert from_db(row[0]) == clock.moment
    finally:
        await storage.close()


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_db(datetime(2026, 1, 1))
