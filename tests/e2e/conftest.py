from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.clocks import ManualClock
from tests.e2e.harness import Community, HearthRunner, build_community
from tests.e2e.smoke_bot import bot, world  # noqa: F401 (fixtures of the fake's own tests)
from tests.fakediscord import FakeDiscord


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
def database(tmp_path: Path) -> Path:
    return tmp_path / "data" / "hearth.db"


@pytest.fixture
async def runner(
    fake: FakeDiscord, database: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[HearthRunner]:
    hearth_runner = HearthRunner(fake, database, clock, monkeypatch)
    try:
        yield hearth_runner
    finally:
        await hearth_runner.stop_all()


@pytest.fixture
def voice(fake: FakeDiscord, community: Community) -> int:
    return fake.guild(community.guild_id).add_voice_channel("Meeting room")
