"""A Hearth that starts before the network does waits, one line per attempt, then connects."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from pathlib import Path

from tests.e2e import stored
from tests.fakediscord import FakeDiscord

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


async def _forward_to(port: int, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter):
    server_r, server_w = await asyncio.open_connection("127.0.0.1", port)
    await asyncio.gather(_pipe(client_r, server_w), _pipe(server_r, client_w))


async def _line_containing(stream: asyncio.StreamReader, text: str, seen: list[str]) -> None:
    while line := (await stream.readline()).decode():
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"the process ended before logging {text!r}")


async def test_starts_before_the_network_and_connects_once_it_is_there(
    fake: FakeDiscord, database: Path | str
) -> None:
    # The network "comes up" when this port starts forwarding to the fake Discord.
    port = _free_port()
    fake_port = int(fake.base_url.rsplit(":", 1)[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env.update(
        DISCORD_TOKEN=fake.token,
        HEARTH_DATABASE_URL=stored.url_of(database),
        HEARTH_STATE_DIR=str(stored.state_dir_for(database)),
        HEARTH_DISCORD_API_BASE=f"http://127.0.0.1:{port}/api/v10",
        HEARTH_DISCORD_GATEWAY_URL=f"ws://127.0.0.1:{port}/gateway",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=REPO, env=env, stderr=asyncio.subprocess.PIPE
    )
    assert process.stderr is not None
    seen: list[str] = []
    network = None
    try:
        await asyncio.wait_for(_line_containing(process.stderr, "not reachable yet", seen), 30)
        network = await asyncio.start_server(
            lambda r, w: _forward_to(fake_port, r, w), "127.0.0.1", port
        )
        await fake.wait_until_ready(timeout=60)
        process.send_signal(signal.SIGTERM)
        rest = await asyncio.wait_for(process.stderr.read(), timeout=20)
        seen.append(rest.decode())
        await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        if network is not None:
            network.close()
    log = "".join(seen)
    assert process.returncode == 0, log
    notices = [line for line in log.splitlines() if "not reachable yet" in line]
    assert notices and all("retry_in_s=" in line for line in notices)
    assert "Traceback" not in log
    assert "voice will NOT be supported" not in log
