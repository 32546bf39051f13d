"""Time-bound promises: note retention, and a server's data after Hearth is removed from it."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import Hearth
from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import checkin, setup_guild, stored_checkins
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.privacy_helpers import ask, confirm, export
from tests.e2e.test_sobriety import sobriety
from tests.fakediscord import FakeDiscord

DAILY_JOB = "privacy:daily"
OLD_NOTE = "canary-old-note-4d2e: a hard week"
NEW_NOTE = "canary-new-note-8a1b: better today"
RESET_NOTE = "canary-reset-note-3c9f"


async def daily(bot: Hearth) -> None:
    await bot.background.wait_idle()  # the catch-up run at connect
    await bot.scheduler.run_now(DAILY_JOB)


async def until(condition, timeout: float = 5.0) -> None:
    """Wait for a condition the bot reaches by handling a gateway event."""
    async with asyncio.timeout(timeout):
        while not await condition():  # noqa: ASYNC110 (the condition is in the database)
            await asyncio.sleep(0.01)


def rows_of(database: Path | str, guild_id: int) -> dict[str, int]:
    """How many rows each table holds for the guild."""
    with stored.connect(database) as conn:
        tables = stored.tables(conn, with_column="guild_id")
        counts = {
            table: conn.execute(
                f"SELECT count(*) FROM {table} WHERE guild_id = ?", (guild_id,)
            ).fetchone()[0]
            for table in tables
        }
    return {table: n for table, n in counts.items() if n}


async def test_retention_blanks_old_notes_daily_and_keeps_the_check_ins(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    bot = await runner.start()
    await checkin(fake, community, community.member, mood=2, note=OLD_NOTE)
    await sobriety(fake, community, community.member, "set", date="2026-01-01")
    await sobriety(fake, community, community.member, "reset", note=RESET_NOTE)
    shown = await ask(fake, community.guild_id, community.admin, "hearth retention")
    assert "until each member erases them" in shown.text

    clock.advance(timedelta(days=20))
    await checkin(fake, community, community.member, mood=4, note=NEW_NOTE)
    saved = await ask(fake, community.guild_id, community.admin, "hearth retention", keep=30)
    await saved.wait_final()
    assert "kept **30 days**" in saved.text and "(0 erased just now)" in saved.text

    clock.advance(timedelta(days=9, hours=23))
    await daily(bot)
    assert [r["note"] for r in stored_checkins(database, community.member)] == [OLD_NOTE, NEW_NOTE]

    clock.advance(timedelta(hours=2))  # the first note is now 30 days and an hour old
    await daily(bot)
    rows = stored_checkins(database, community.member)
    assert [(r["mood"], r["note"]) for r in rows] == [(2, None), (4, NEW_NOTE)]
    _, data = await export(fake, community.guild_id, community.member)
    assert [p["note"] for p in data["counters"][0]["periods"]] == [None, None]
    assert len(data["checkins"]) == 2, "the check-ins themselves stay"

    clock.advance(timedelta(days=30))
    bot = await runner.restart(bot)  # the choice is kept in the database
    await daily(bot)
    assert [r["note"] for r in stored_checkins(database, community.member)] == [None, None]


async def test_retention_is_for_admins(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    await runner.start()
    ix = await fake.slash(
        community.guild_id,
        community.member,
        "hearth retention",
        options={"keep": 30},
        ignore_command_permissions=True,
    )
    await answered(ix)
    assert ix.ephemeral and "Manage Server" in ix.text


async def test_removed_server_is_erased_after_30_days(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    guild = fake.guild(community.guild_id)
    witness = fake.add_guild("Witness")  # its removal is the barrier for the outage below
    bot = await runner.start()
    await setup_guild(fake, community, checkin_channel=community.checkins)
    await checkin(fake, community, community.member, mood=3, note=OLD_NOTE)
    await sobriety(fake, community, community.member, "set", date="2026-01-01")
    assert {"checkins", "guild_config", "sobriety_counters"} <= set(rows_of(database, guild.id))

    fake.guild_outage(guild.id)  # unavailable for a while: not a removal
    fake.remove_bot_from_guild(witness.id)
    await until(lambda: bot.storage.guild_privacy.removed_since(witness.id))
    assert await bot.storage.guild_privacy.removed_since(guild.id) is None

    fake.remove_bot_from_guild(guild.id)
    await until(lambda: bot.storage.guild_privacy.removed_since(guild.id))
    bot = await runner.restart(bot)  # the record survives a restart
    clock.advance(timedelta(days=29, hours=23))
    await daily(bot)
    assert "checkins" in rows_of(database, guild.id)

    clock.advance(timedelta(hours=2))
    await daily(bot)
    assert rows_of(database, guild.id) == {}
    with stored.connect(database) as conn:
        periods = conn.execute("SELECT count(*) FROM sobriety_periods").fetchone()[0]
    assert periods == 0, "children of the server's rows go with them"


async def test_server_that_adds_hearth_back_keeps_its_data(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    guild = fake.guild(community.guild_id)
    bot = await runner.start()
    await checkin(fake, community, community.member, mood=3, note=OLD_NOTE)
    fake.remove_bot_from_guild(guild.id)
    await until(lambda: bot.storage.guild_privacy.removed_since(guild.id))
    fake.add_bot_to_guild(guild.id)

    async def cleared() -> bool:
        return await bot.storage.guild_privacy.removed_since(guild.id) is None

    await until(cleared)
    clock.advance(timedelta(days=31))
    await daily(bot)
    assert [r["note"] for r in stored_checkins(database, community.member)] == [OLD_NOTE]


async def test_removal_while_offline_is_noticed_at_connect(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    guild = fake.guild(community.guild_id)
    bot = await runner.start()
    await checkin(fake, community, community.member, mood=3, note=OLD_NOTE)
    await runner.stop(bot)
    fake.remove_bot_from_guild(guild.id)
    bot = await runner.start()
    await bot.background.wait_idle()
    assert await bot.storage.guild_privacy.removed_since(guild.id) == clock.now()
    clock.advance(timedelta(days=30, minutes=1))
    await daily(bot)
    assert rows_of(database, guild.id) == {}


@pytest.mark.parametrize("who", ["admin", "owner"])
async def test_forget_is_for_the_owner_and_erases_everything_at_once(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str, who: str
) -> None:
    guild = fake.guild(community.guild_id)
    await runner.start()
    await setup_guild(fake, community, checkin_channel=community.checkins)
    await checkin(fake, community, community.member, mood=3, note=OLD_NOTE)
    user = guild.owner_id if who == "owner" else community.admin
    question = await ask(fake, community.guild_id, user, "hearth forget")
    if who == "admin":
        assert "Only the server owner" in question.text
        assert "checkins" in rows_of(database, guild.id)
        return
    assert "can't be undone" in question.text
    done = await confirm(fake, community.guild_id, user, question, "Erase everything")
    assert "Hearth erased everything it kept for **Recovery Circle**" in done.text
    assert rows_of(database, guild.id) == {}
    config = await ask(fake, community.guild_id, user, "hearth config")
    assert "Check-in channel\nnot set" in config.text, "no stale settings left in memory"
