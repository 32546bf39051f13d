"""No two processes do the same work: on SQLite a second `python -m bot` on the same database is
refused with one clear line; on PostgreSQL so is a second process for shards one already runs.
`python -m bot sync` beside the running one still works, and a killed process leaves nothing
that keeps its replacement out."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.harness import build_community
from tests.e2e.process_helpers import REPO, HearthProcess
from tests.fakediscord import FakeDiscord

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture
async def wall_fake() -> AsyncIterator[FakeDiscord]:
    # Real processes read the real clock, so the fake does too.
    async with FakeDiscord(token="fake-bot-token-for-process-tests") as server:
        build_community(server)
        yield server


@pytest.fixture
async def first(
    wall_fake: FakeDiscord, database: Path | str, tmp_path: Path
) -> AsyncIterator[HearthProcess]:
    process = HearthProcess(wall_fake, database, tmp_path / "first")
    try:
        yield process
    finally:
        await process.ensure_stopped()


async def _run_bot(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def test_a_second_process_for_the_same_work_is_refused(
    wall_fake: FakeDiscord, first: HearthProcess, database: Path | str
) -> None:
    await first.start()
    sessions = wall_fake.sessions

    code, _, stderr = await _run_bot(first.environment())

    assert code == 1
    if isinstance(database, Path):
        refusal = (
            f"hearth: another Hearth process is already using {database}; SQLite supports one "
            "process - see README Scaling out"
        )
    else:
        refusal = (
            "hearth: another Hearth process already runs all shards on this database; each "
            "shard may be run by one process - see README Scaling out"
        )
    assert stderr.strip().splitlines() == [refusal]
    assert wall_fake.sessions == sessions, "the refused process must not connect to Discord"
    assert first.process is not None and first.process.returncode is None

    # Syncing commands beside the running bot needs no lock.
    code, stdout, stderr = await _run_bot(first.environment(), "sync")
    assert code == 0, stderr
    assert "synced" in stdout


async def test_the_lock_is_free_again_once_the_first_process_is_gone(
    wall_fake: FakeDiscord, first: HearthProcess, database: Path | str, tmp_path: Path
) -> None:
    await first.start()
    await first.kill()  # SIGKILL: no clean shutdown, and still no stale lock
    second = HearthProcess(wall_fake, database, tmp_path / "second")
    try:
        await second.start()
        assert second.process is not None and second.process.returncode is None
    finally:
        await second.ensure_stopped()
