"""`python -m bot health`: healthy while a running bot's gateway is alive, not after."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from bot.health import gateway_alive, health_file, is_fresh
from tests.e2e.harness import HearthRunner

REPO = Path(__file__).resolve().parents[2]


async def _health(runner: HearthRunner) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env.update(runner.environment())
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "health", cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE
    )
    stdout, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode is not None
    return process.returncode, stdout.decode()


async def _until(condition, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_health_follows_the_gateway_connection(
    runner: HearthRunner, database: Path | str
) -> None:
    # Beside the SQLite file, or in HEARTH_STATE_DIR with PostgreSQL.
    beat = (
        health_file(database) if isinstance(database, Path) else runner.state_dir / "hearth.alive"
    )
    assert (await _health(runner))[0] == 1, "no bot has run yet"
    bot = await runner.start()
    await _until(beat.exists)
    code, said = await _health(runner)
    assert code == 0 and "healthy" in said
    await runner.stop(bot)
    # The bot is gone; once its last beat is older than the stale limit, health says so.
    beat.write_text(f"{time.time() - 600}\n")
    code, said = await _health(runner)
    assert code == 1 and "no live gateway connection" in said


def test_alive_needs_ready_open_and_an_acknowledged_heartbeat(tmp_path: Path) -> None:
    assert gateway_alive(True, False, 0.05)
    assert not gateway_alive(False, False, 0.05)
    assert not gateway_alive(True, True, 0.05)
    assert not gateway_alive(True, False, float("inf"))
    beat = tmp_path / "hearth.alive"
    assert not is_fresh(beat)
    beat.write_text("not a time\n")
    assert not is_fresh(beat)
    beat.write_text("1000.0\n")
    assert is_fresh(beat, now=1119) and not is_fresh(beat, now=1121)
