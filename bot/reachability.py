"""Waiting for Discord to be reachable before logging in.

A container often starts before its network is up. Rather than failing with a connection
traceback, Hearth asks Discord's REST API until any answer comes back, one log line per attempt,
with backoff. Only after that does it log in, so discord.py's own session is opened once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import aiohttp

log = logging.getLogger("hearth.startup")

PROBE_TIMEOUT_S = 10.0


def retry_delays(first: float = 1.0, ceiling: float = 60.0) -> Iterator[float]:
    """1, 2, 4 ... seconds, then `ceiling` between attempts for as long as it takes."""
    delay = first
    while True:
        yield delay
        delay = min(delay * 2, ceiling)


async def discord_answers(session: aiohttp.ClientSession, api_base: str) -> str | None:
    """None when Discord answered below 500 (even 401: it is there); else why not."""
    try:
        async with session.get(f"{api_base.rstrip('/')}/gateway") as response:
            return None if response.status < 500 else f"HTTP {response.status}"
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        return type(exc).__name__


async def wait_until_reachable(api_base: str, delays: Iterator[float] | None = None) -> None:
    delays = delays or retry_delays()
    timeout = aiohttp.ClientTimeout(total=PROBE_TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while (cause := await discord_answers(session, api_base)) is not None:
            delay = next(delays)
            log.warning(
                "Discord is not reachable yet; trying again",
                extra={"cause": cause, "retry_in_s": delay},
            )
            await asyncio.sleep(delay)
