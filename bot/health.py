"""A liveness file for container health checks.

`python -m bot check` only proves the settings and database are fine; it says nothing about a
bot whose gateway connection died. While the gateway is connected and its heartbeats are
acknowledged, the running bot writes the time into a file next to its database; `python -m bot
health` reports healthy only while that time is recent. The time is written, not read from the
file's mtime, so the bot and the check compare the same clock.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from pathlib import Path

BEAT_INTERVAL_S = 30.0
# Four missed beats: long enough to ride out a gateway RESUME, short enough to be noticed.
STALE_AFTER_S = 4 * BEAT_INTERVAL_S


def health_file(database_path: Path) -> Path:
    return database_path.parent / "hearth.alive"


async def beat_while(alive: Callable[[], bool], path: Path, interval: float = BEAT_INTERVAL_S):
    """Touch `path` every `interval` seconds while `alive()` says the gateway is healthy; look
    again every second while it is not, so a fresh connection shows at once."""
    # With PostgreSQL no database file has created the folder (HEARTH_STATE_DIR).
    await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
    while True:
        if alive():
            await asyncio.to_thread(path.write_text, f"{time.time():.3f}\n")
            await asyncio.sleep(interval)
        else:
            await asyncio.sleep(1.0)


def gateway_alive(is_ready: bool, is_closed: bool, latency: float) -> bool:
    # discord.py reports an infinite latency until the first heartbeat is acknowledged.
    return is_ready and not is_closed and math.isfinite(latency)


def is_fresh(path: Path, now: float | None = None, stale_after: float = STALE_AFTER_S) -> bool:
    try:
        beat = float(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return False
    return (now if now is not None else time.time()) - beat <= stale_after
