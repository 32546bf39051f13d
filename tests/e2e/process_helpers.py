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
    """One `python -m bot`. `label`: its requests reach the fake through their own address and
    are recorded with that label (`RecordedRequest.via`, `fake.sent_via`). `shard=(id, count)`:
    it runs that one shard (HEARTH_SHARD_IDS / HEARTH_SHARD_COUNT)."""

    def __init__(
        self,
        fake: FakeDiscord,
        database: Path | str,
        state_dir: Path,
        *,
        label: str | None = None,
        shard: tuple[int, int] | None = None,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.fake = fake
        self.database = database
        self.state_dir = state_dir
        self.label = label
        self.shard = shard
        self.start_timeout = start_timeout
        # What it logs (stderr), in a file: a pipe nobody reads would stall a chatty process.
        self.log_path = state_dir.with_name(f"{state_dir.name}.log")
        self._api_base: str | None = None
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
                "HEARTH_DISCORD_API_BASE": self._api_base or self.fake.api_base,
                "HEARTH_DISCORD_GATEWAY_URL": self.fake.gateway_url,
            }
        )
        if self.shard is not None:
            env["HEARTH_SHARD_IDS"] = str(self.shard[0])
            env["HEARTH_SHARD_COUNT"] = str(self.shard[1])
        return env

    async def start(self) -> None:
        """Start `python -m bot` and return once its own gateway session is ready (for its
        shard, if it has one)."""
        if self.label is not None and self._api_base is None:
            self._api_base = await self.fake.labelled_api_base(self.label)
        known = {s.session_id for s in self.fake.gateway_sessions}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                cwd=REPO,
                env=self.environment(),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log,
            )
        process = self.process

        def own_session() -> Any:
            if process.returncode is not None:
                raise RuntimeError(f"Hearth exited with {process.returncode}: {self.log()[-2000:]}")
            return next(
                (
                    s
                    for s in self.fake.gateway_sessions
                    if s.session_id not in known
                    and s.connected
                    and s.ready
                    and (self.shard is None or s.shard == self.shard)
                ),
                None,
            )

        await until(own_session, f"Hearth {self.label or ''} to be ready", self.start_timeout)

    def log(self) -> str:
        """What the current (or last) run logged so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

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
        await asyncio.wait_for(self.process.wait(), timeout=30)
        return self.log()

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
