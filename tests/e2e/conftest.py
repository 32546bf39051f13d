from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.clocks import ManualClock
from tests.e2e.harness import Community, HearthRunner, build_community
from tests.e2e.smoke_bot import bot, world  # noqa: F401 (fixtures of the fake's own tests)
from tests.fakediscord import FakeDiscord
from tests.postgres_server import PostgresServer


@pytest.fixture
async def fake(clock: ManualClock) -> AsyncIterator[FakeDiscord]:
    # The fake and the bot read the same clock, so "in the past" means the same to both.
    async with FakeDiscord(token="fake-bot-token-for-tests", clock=clock.now) as server:
        yield server


@pytest.fixture
def community(fake: FakeDiscord) -> Community:
    return build_community(fake)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Path | str]:
    """The bot's database, on each backend: a SQLite file, or a fresh database of its own on
    the test run's PostgreSQL server (a URL)."""
    if backend == "sqlite":
        yield tmp_path / "data" / "hearth.db"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    url = await server.new_database()
    try:
        yield url
    finally:
        await server.drop_database(url)


@pytest.fixture
async def runner(
    fake: FakeDiscord,
    database: Path | str,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> AsyncIterator[HearthRunner]:
    hearth_runner = HearthRunner(fake, database, clock, monkeypatch, state_dir=tmp_path / "data")
    try:
        yield hearth_runner
    finally:
        await hearth_runner.stop_all()


@pytest.fixture
def voice(fake: FakeDiscord, community: Community) -> int:
    return fake.guild(community.guild_id).add_voice_channel("Meeting room")
