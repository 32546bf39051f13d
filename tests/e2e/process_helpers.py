"""Real `python -m bot` processes against the fake Discord, and killing one at the worst moment.

`crash_after_post` makes the fake carry a matching POST out (the message exists and is
dispatched) and then hold the answer; as soon as the message is there, the process is killed
with SIGKILL: the post reached Discord and the bot never learned it, so it could not mark it.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e import stored
from tests.fakediscord import FakeDiscord

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0  # two cores shared by many: a cold start of Python + discord.py is slow


class HearthProcess:
    def __init__(self, fake: FakeDiscord, database: Path | str, state_dir: Path) -> None:
        self.fake = fake
        self.database = database
        self.state_dir = state_dir
        self.process: asyncio.subprocess.Process | None = None

    def environment(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("HEARTH_") and k != "DISCORD_TOKEN"
        }
        env.update(
            {
                "DISCORD_TOKEN": self.fake.token,
                "HEARTH_DATABASE_URL": self.database
                if isinstance(self.database, str)
                else f"sqlite:///{self.database}",
                "HEARTH_STATE_DIR": str(self.state_dir),
                "HEARTH_DISCORD_API_BASE": self.fake.api_base,
                "HEARTH_DISCORD_GATEWAY_URL": self.fake.gateway_url,
            }
        )
        return env

    async def start(self) -> None:
        """Start `python -m bot` and return once its own gateway session is ready."""
        known = {s.session_id for s in self.fake.gateway_sessions}
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=REPO,
            env=self.environment(),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        session = await self.fake.wait_until_ready(timeout=START_TIMEOUT)
        assert session.session_id not in known, "a fresh session, not the killed process's"

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup, nothing written after this instant."""
        assert self.process is not None
        self.process.kill()
        await self.process.wait()

    async def stop(self) -> str:
        """SIGTERM, as an operator would; returns what it logged."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.terminate()
        _, stderr = await asyncio.wait_for(self.process.communicate(), timeout=30)
        return stderr.decode()

    async def ensure_stopped(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


async def crash_after_post(
    fake: FakeDiscord, hearth: HearthProcess, path_regex: str, found: Callable[[], Any]
) -> Any:
    """Arm the fake so the next POST to `path_regex` is carried out and its answer held, start
    Hearth, and SIGKILL it once `found()` sees the message. Returns what `found()` returned."""
    rule = fake.faults.timeout("POST", path_regex, hold=60.0, applied=True)
    await hearth.start()
    message = await fake.state.changed.wait_for(found, START_TIMEOUT, "the post to reach Discord")
    await hearth.kill()
    assert rule.served == 1
    fake.faults.release()
    return message


async def until(condition: Callable[[], Any], what: str, timeout: float = START_TIMEOUT) -> Any:
    """Wait for a condition another process makes true (its database writes), checking it
    every few milliseconds; fails with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
    return result


def query(database: Path | str, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with stored.connect(database) as conn:
        return conn.execute(sql, params).fetchall()
