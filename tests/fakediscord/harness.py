"""Helpers to run a real discord.py client against a FakeDiscord in tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import discord
import yarl

from tests.fakediscord.server import FakeDiscord


@contextlib.contextmanager
def patched_discord(fake: FakeDiscord) -> Iterator[None]:
    """Point discord.py's REST base and default gateway at the fake; restore on exit."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


@contextlib.asynccontextmanager
async def running_bot(
    client: discord.Client, fake: FakeDiscord, timeout: float = 10.0
) -> AsyncIterator[asyncio.Task[None]]:
    """Start ``client`` against ``fake`` (call inside ``patched_discord``), wait until it is
    ready, and close it on exit. If the client crashes, its exception is raised here instead
    of a bare timeout."""
    task = asyncio.create_task(client.start(fake.token), name="fakediscord-bot")
    try:
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait(
            {task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if task in done:
            ready.cancel()
            task.result()  # re-raise the crash
            raise RuntimeError("the bot stopped before becoming ready")
        if ready not in done:
            ready.cancel()
            raise TimeoutError(f"bot not ready after {timeout}s")
        yield task
    finally:
        await client.close()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout)
