"""`python -m bot copy-data --to postgresql://…`: a database the bot filled through Discord
moves into PostgreSQL, is verified, and serves the bot from there; a non-empty target is
refused."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.backends import open_database
from bot.storage.copy_data import table_summary
from bot.storage.database import Database
from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import checkin, setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.meeting_helpers import add_tuesday_meeting, meetings_cmd
from tests.fakediscord import FakeDiscord
from tests.postgres_server import PostgresServer

REPO = Path(__file__).resolve().parents[2]
NOTE = "a private note about a hard evening"


@pytest.fixture
async def empty_postgres(postgres: PostgresServer) -> AsyncIterator[str]:
    url = await postgres.new_database(migrated=False)
    try:
        yield url
    finally:
        await postgres.drop_database(url)


async def _fill_through_discord(
    fake: FakeDiscord, community: Community, runner: HearthRunner, voice: int
) -> None:
    bot = await runner.start()
    await add_tuesday_meeting(fake, community, voice)
    await setup_guild(fake, community, checkin_channel=community.checkins)
    await checkin(fake, community, community.member, mood=2, craving=6, note=NOTE, share=True)
    await fake.wait_for_request("POST", rf"/channels/{community.checkins}/messages")
    counter = await fake.slash(
        community.guild_id, community.member, "sobriety set", options={"date": "2025-01-10"}
    )
    await answered(counter)
    report = await fake.slash(
        community.guild_id, community.member, "report", options={"reason": "worried about a friend"}
    )
    await answered(report)
    await fake.wait_for_request("POST", rf"/channels/{community.mod_queue}/messages")
    zone = await fake.slash(
        community.guild_id,
        community.member,
        "profile timezone",
        options={"timezone": "Europe/Paris"},
    )
    await answered(zone)
    await bot.background.wait_idle()
    await runner.stop(bot)


async def _copy(sqlite_file: Path, target: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env.update(DISCORD_TOKEN="not-needed-to-copy", HEARTH_DATABASE_URL=f"sqlite:///{sqlite_file}")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "copy-data",
        "--to",
        target,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    return int(process.returncode or 0), output.decode()


async def _summaries(
    database: Database, instants: dict[str, frozenset[str]]
) -> dict[str, tuple[int, str]]:
    """Every table's rows and checksum, recomputed here after the copy."""
    async with database.transaction() as tx:
        return {
            table: await table_summary(tx, table, await database.describe(tx, table), kinds)
            for table, kinds in instants.items()
        }


async def _instant_columns(database: Database) -> dict[str, frozenset[str]]:
    async with database.transaction() as tx:
        tables = [t for t in await database.table_names(tx) if t != "schema_migrations"]
        return {t: (await database.describe(tx, t)).instants for t in tables}


async def test_a_database_filled_through_discord_moves_to_postgresql_and_serves_the_bot(
    fake: FakeDiscord,
    community: Community,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    voice: int,
    empty_postgres: str,
) -> None:
    sqlite_file = tmp_path / "data" / "hearth.db"
    before = HearthRunner(fake, sqlite_file, clock, monkeypatch, state_dir=tmp_path / "data")
    try:
        await _fill_through_discord(fake, community, before, voice)
    finally:
        await before.stop_all()

    code, output = await _copy(sqlite_file, empty_postgres)
    assert code == 0, output
    assert "row counts and checksums match" in output
    assert NOTE not in output

    lite, pg = await open_database(sqlite_file), await open_database(empty_postgres)
    try:
        instants = await _instant_columns(pg)
        here, there = await _summaries(lite, instants), await _summaries(pg, instants)
    finally:
        await lite.close()
        await pg.close()
    assert here == there
    for table in ("checkins", "sobriety_counters", "meetings", "flags", "member_profile"):
        assert here[table][0] >= 1, f"{table} was filled before the copy"
    with stored.connect(empty_postgres) as conn:
        [row] = conn.execute("SELECT note FROM checkins").fetchall()
    assert row[0] == NOTE

    # The bot now runs on the copy: it knows the member's counter, check-in and meeting.
    after = HearthRunner(fake, empty_postgres, clock, monkeypatch, state_dir=tmp_path / "pg")
    try:
        await after.start()
        shown = await fake.slash(community.guild_id, community.member, "sobriety show")
        await answered(shown)
        assert "**sobriety**" in shown.text
        listed = await meetings_cmd(fake, community, community.admin, "list")
        assert "Tuesday Night Group" in listed.text
        again = await checkin(fake, community, community.member, mood=4)
        assert "Updated today's check-in" in again.text, "the day's check-in came along"
        since = len(fake.requests)
        report = await fake.slash(
            community.guild_id, community.member, "report", options={"reason": "another worry"}
        )
        await answered(report)
        # A new flag gets a fresh id after the copied one, and its card is posted.
        await fake.wait_for_request(
            "POST", rf"/channels/{community.mod_queue}/messages", since=since
        )
        with stored.connect(empty_postgres) as conn:
            assert [row[0] for row in conn.execute("SELECT id FROM flags ORDER BY id")] == [1, 2]
    finally:
        await after.stop_all()


async def test_a_target_that_already_holds_data_is_refused_with_one_line(
    tmp_path: Path, postgres: PostgresServer, empty_postgres: str
) -> None:
    sqlite_file = tmp_path / "hearth.db"
    lite = await open_database(sqlite_file)
    await lite.migrate()
    await lite.close()
    busy = await open_database(empty_postgres)
    try:
        await busy.migrate()
        async with busy.transaction() as tx:
            await tx.execute(
                "INSERT INTO app_state (key, value, updated_at) VALUES ('x', 'y', now())"
            )
    finally:
        await busy.close()
    code, output = await _copy(sqlite_file, empty_postgres)
    assert code == 1
    assert output.strip().splitlines() == [
        "hearth: the target database is not empty (table app_state has rows); copy-data only "
        "fills a new, empty database"
    ]
