"""Milestone roles and admin alerts per guild, on a real SQLite file."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain.guild_config import GuildAlert
from bot.storage.storage import Storage
from tests.storage.support import plain_one, reopened

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


async def test_milestone_roles_are_set_replaced_and_removed_per_guild(storage: Storage) -> None:
    extras = storage.guild_extras
    assert await extras.milestone_roles(1) == {}
    await extras.set_milestone_role(1, "30d", 301)
    await extras.set_milestone_role(1, "1y", 365)
    await extras.set_milestone_role(2, "30d", 999)
    await extras.set_milestone_role(1, "30d", 302)  # replaces, never duplicates
    assert await extras.milestone_roles(1) == {"30d": 302, "1y": 365}
    assert await extras.milestone_roles(2) == {"30d": 999}

    await extras.set_milestone_role(1, "30d", None)
    await extras.set_milestone_role(1, "90d", None)  # removing a missing mapping is harmless
    assert await extras.milestone_roles(1) == {"1y": 365}
    assert await extras.milestone_roles(2) == {"30d": 999}


async def test_an_alert_is_new_once_refreshed_after_and_new_again_once_cleared(
    storage: Storage,
) -> None:
    extras = storage.guild_extras
    assert await extras.raise_alert(1, "meetings", "Hearth can't post in #meetings", NOW)
    assert not await extras.raise_alert(
        1, "meetings", "Hearth can't post in #meetings-2", NOW + timedelta(minutes=5)
    )
    assert await extras.alerts(1) == [GuildAlert("meetings", "Hearth can't post in #meetings-2")]
    row = await plain_one(storage, "SELECT updated_at FROM guild_alerts")
    assert row is not None and row[0] == "2026-03-07T12:05:00.000Z"

    assert await extras.clear_alert(1, "meetings")
    assert not await extras.clear_alert(1, "meetings"), "nothing left to clear"
    assert await extras.alerts(1) == []
    assert await extras.raise_alert(1, "meetings", "again", NOW), "a fresh problem is new"


async def test_alerts_are_per_guild_and_listed_by_topic(storage: Storage) -> None:
    extras = storage.guild_extras
    await extras.raise_alert(1, "queue", "q", NOW)
    await extras.raise_alert(1, "checkins", "c", NOW)
    await extras.raise_alert(2, "announcements", "a", NOW)
    assert [a.topic for a in await extras.alerts(1)] == ["checkins", "queue"]
    assert await extras.alerts(2) == [GuildAlert("announcements", "a")]
    assert not await extras.clear_alert(2, "queue"), "another guild's alert is not touched"
    assert len(await extras.alerts(1)) == 2


async def test_simultaneous_alerts_for_one_topic_are_new_exactly_once(storage: Storage) -> None:
    results = await asyncio.gather(
        *(storage.guild_extras.raise_alert(1, "queue", f"try {n}", NOW) for n in range(5))
    )
    assert sorted(results) == [False, False, False, False, True]
    assert len(await storage.guild_extras.alerts(1)) == 1


async def test_roles_and_alerts_survive_reopening_the_file(db_target: Path | str) -> None:
    async with reopened(db_target) as storage:
        await storage.guild_extras.set_milestone_role(1, "1y", 365)
        await storage.guild_extras.raise_alert(1, "queue", "missing", NOW)
    async with reopened(db_target) as storage:
        assert await storage.guild_extras.milestone_roles(1) == {"1y": 365}
        assert await storage.guild_extras.alerts(1) == [GuildAlert("queue", "missing")]
        assert not await storage.guild_extras.raise_alert(1, "queue", "missing", NOW)
