"""Crisis settings, quiet channels, guild phrases, local lines and the reply rate limit."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.crisis.model import Category
from bot.domain.crisis_settings import GuildPhrase, LocalLine
from bot.storage.storage import Storage
from tests.storage.support import plain_one, reopened

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
WINDOW = timedelta(hours=6)
NEW_YORK = ZoneInfo("America/New_York")
SELF_HARM, SUICIDAL, OVERDOSE = Category.SELF_HARM, Category.SUICIDAL, Category.OVERDOSE


async def test_member_settings_default_then_change_independently(storage: Storage) -> None:
    crisis = storage.crisis
    assert await crisis.member_settings(1) == (None, True), "replies are on until turned off"
    await crisis.set_member_country(1, "IE", NOW)
    assert await crisis.member_settings(1) == ("IE", True)
    await crisis.set_member_replies(1, False, NOW)
    assert await crisis.member_settings(1) == ("IE", False)
    await crisis.set_member_country(1, None, NOW)
    assert await crisis.member_settings(1) == (None, False)
    await crisis.set_member_replies(1, True, NOW)
    assert await crisis.member_settings(1) == (None, True)
    assert await crisis.member_settings(2) == (None, True)


async def test_quiet_channels_are_idempotent_and_per_guild(storage: Storage) -> None:
    crisis = storage.crisis
    assert await crisis.quiet_channels(1) == set()
    await crisis.set_quiet(1, 10, True)
    await crisis.set_quiet(1, 10, True)
    await crisis.set_quiet(1, 11, True)
    await crisis.set_quiet(2, 10, True)
    assert await crisis.quiet_channels(1) == {10, 11}
    await crisis.set_quiet(1, 10, False)
    await crisis.set_quiet(1, 12, False)  # never quiet: nothing to undo
    assert await crisis.quiet_channels(1) == {11}
    assert await crisis.quiet_channels(2) == {10}


async def test_phrases_are_replaced_per_kind_and_listed_in_order(
    storage: Storage,
) -> None:
    crisis = storage.crisis
    await crisis.add_phrase(1, GuildPhrase("want to disappear", "flag", SELF_HARM, 2))
    await crisis.add_phrase(1, GuildPhrase("killing it", "allow", None, None))
    await crisis.add_phrase(1, GuildPhrase("can't go on", "flag", SELF_HARM, 2))
    await crisis.add_phrase(1, GuildPhrase("want to disappear", "flag", SELF_HARM, 3))
    await crisis.add_phrase(2, GuildPhrase("elsewhere", "flag", OVERDOSE, 1))
    assert await crisis.phrases(1) == [
        GuildPhrase("killing it", "allow", None, None),
        GuildPhrase("can't go on", "flag", SELF_HARM, 2),
        GuildPhrase("want to disappear", "flag", SELF_HARM, 3),
    ]
    assert [p.phrase for p in await crisis.phrases(2)] == ["elsewhere"]


async def test_one_automatic_reply_per_window_per_member_and_guild(storage: Storage) -> None:
    crisis = storage.crisis
    assert await crisis.claim_reply(1, 5, NOW, WINDOW)
    assert not await crisis.claim_reply(1, 5, NOW, WINDOW)
    almost = NOW + WINDOW - timedelta(milliseconds=1)
    assert not await crisis.claim_reply(1, 5, almost, WINDOW)
    assert await crisis.claim_reply(1, 6, NOW, WINDOW), "another member has their own window"
    assert await crisis.claim_reply(2, 5, NOW, WINDOW), "another guild has its own window"
    assert await crisis.claim_reply(1, 5, NOW + WINDOW, WINDOW), "a full window later: again"
    # The window restarts from the reply just given, not from the first one.
    assert not await crisis.claim_reply(1, 5, NOW + WINDOW + timedelta(hours=5), WINDOW)
    assert await crisis.claim_reply(1, 5, NOW + 2 * WINDOW, WINDOW)


async def test_reply_window_is_real_elapsed_time_across_a_dst_change(storage: Storage) -> None:
    # New York springs forward at 02:00 on 8 March 2026: 00:30 EST to 06:00 EDT reads as
    # 5.5 hours on the wall but is 4.5 hours of real time.
    first = datetime(2026, 3, 8, 0, 30, tzinfo=NEW_YORK)
    assert await storage.crisis.claim_reply(1, 5, first, timedelta(hours=5))
    row = await plain_one(storage, "SELECT replied_at FROM crisis_replies")
    assert row is not None and row[0] == "2026-03-08T05:30:00.000Z"
    wall_later = datetime(2026, 3, 8, 6, 0, tzinfo=NEW_YORK)
    assert not await storage.crisis.claim_reply(1, 5, wall_later, timedelta(hours=5))
    real_later = datetime(2026, 3, 8, 6, 30, tzinfo=NEW_YORK)  # 5 real hours after
    assert await storage.crisis.claim_reply(1, 5, real_later, timedelta(hours=5))


async def test_simultaneous_messages_get_exactly_one_reply(storage: Storage) -> None:
    results = await asyncio.gather(
        *(storage.crisis.claim_reply(1, 5, NOW, WINDOW) for _ in range(6))
    )
    assert results.count(True) == 1
    assert len(results) == 6


async def test_local_lines_are_added_replaced_listed_by_name_and_removed(
    storage: Storage,
) -> None:
    crisis = storage.crisis
    assert await crisis.set_local_line(1, LocalLine("Samaritans", "116 123", None), "Samaritans")
    assert await crisis.set_local_line(1, LocalLine("Mind", "0300 123 3393", "9-6"), "Mind")
    assert await crisis.set_local_line(
        1, LocalLine("Samaritans", "116 123", "24/7, free"), "Samaritans"
    )
    await crisis.set_local_line(1, LocalLine("befrienders", "0800", None), "befrienders")
    await crisis.set_local_line(2, LocalLine("Other", "000", None), "Other")
    assert await crisis.local_lines(1) == [
        LocalLine("befrienders", "0800", None),
        LocalLine("Mind", "0300 123 3393", "9-6"),
        LocalLine("Samaritans", "116 123", "24/7, free"),
    ], "alphabetical, whatever the case"
    assert await crisis.set_local_line(1, None, "Mind")
    assert not await crisis.set_local_line(1, None, "Mind"), "already gone"
    assert not await crisis.set_local_line(1, None, "Other"), "another guild's line stays"
    assert [line.name for line in await crisis.local_lines(1)] == ["befrienders", "Samaritans"]
    assert [line.name for line in await crisis.local_lines(2)] == ["Other"]


async def test_crisis_settings_survive_reopening_the_file(db_target: Path | str) -> None:
    async with reopened(db_target) as storage:
        await storage.crisis.set_member_country(1, "CA", NOW)
        await storage.crisis.set_member_replies(1, False, NOW)
        await storage.crisis.set_quiet(1, 10, True)
        await storage.crisis.add_phrase(1, GuildPhrase("end it all", "flag", SUICIDAL, 3))
        await storage.crisis.set_local_line(1, LocalLine("Line", "123", None), "Line")
        assert await storage.crisis.claim_reply(1, 5, NOW, WINDOW)
    async with reopened(db_target) as storage:
        assert await storage.crisis.member_settings(1) == ("CA", False)
        assert await storage.crisis.quiet_channels(1) == {10}
        assert await storage.crisis.phrases(1) == [GuildPhrase("end it all", "flag", SUICIDAL, 3)]
        assert await storage.crisis.local_lines(1) == [LocalLine("Line", "123", None)]
        assert not await storage.crisis.claim_reply(1, 5, NOW + timedelta(hours=1), WINDOW)
