"""Helpers for `loop_lag.py`: the lag probe, the bot process it runs in, and the old walk.

`run_bot` builds and starts Hearth as `python -m bot` does (`bot.runner.build_hearth`), with a
clock set ahead by a fixed offset and a probe task in its event loop. `old_walk` times, on the
same database, the per-run work of the code before the next-due index.
"""

from __future__ import annotations

import asyncio
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain.local_time import at_local_time, local_date, stored_hhmm
from bot.domain.sobriety import plan_from_spec
from bot.guild_configs import GuildConfigs
from bot.storage.storage import open_storage
from bot.zones import ZoneResolver

PROBE_INTERVAL = 0.010
LATE_WINDOW = timedelta(days=3)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def lag_line(name: str, samples: list[float]) -> str:
    if not samples:
        return f"{name}: no samples"
    ms = [s * 1000 for s in samples]
    # One stall makes one late wake, so the percentiles understate long stalls: count them too.
    stalls = [lag for lag in ms if lag > 100]
    return (
        f"{name}: {len(ms)} wakes, lag p50 {percentile(ms, 0.5):.1f} ms, "
        f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms; "
        f"{len(stalls)} wakes over 100 ms ({sum(stalls) / 1000:.2f} s in all)"
    )


async def probe(samples: list[tuple[float, float]]) -> None:
    """Wake every 10 ms; record (wall time, lateness) of each wake."""
    loop = asyncio.get_running_loop()
    planned = loop.time() + PROBE_INTERVAL
    while True:
        await asyncio.sleep(max(0.0, planned - loop.time()))
        woke = loop.time()
        samples.append((time.time(), woke - planned))
        planned = woke + PROBE_INTERVAL


class OffsetClock:
    def __init__(self, offset: float) -> None:
        self._offset = timedelta(seconds=offset)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


async def run_bot(offset: float) -> list[tuple[float, float]]:
    from bot.runner import build_hearth
    from bot.settings import load_settings

    settings = load_settings()
    bot = await build_hearth(settings, clock=OffsetClock(offset))
    samples: list[tuple[float, float]] = []
    prober = asyncio.create_task(probe(samples))
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, lambda: bot.background.spawn(bot.close(), name="stop"))
    try:
        async with bot:
            await bot.run_with_token(settings.discord_token.get_secret_value())
    finally:
        prober.cancel()
        await bot.storage.close()
    return samples


async def old_walk(database: Path, now: datetime) -> list[str]:
    """The per-run work of the code before the index: every counter and every reminder, each
    run, before anything was delivered (claims and sends, only for due rows, left out)."""
    storage = await open_storage(database)
    configs = GuildConfigs(storage.guild_configs, _Fixed(now))
    zones = ZoneResolver(storage.profiles, configs)
    lines = []
    try:
        for name, walk in (
            ("old celebrations walk", _walk_counters),
            ("old reminders walk", _walk_reminders),
        ):
            samples: list[tuple[float, float]] = []
            prober = asyncio.create_task(probe(samples))
            await asyncio.sleep(0.1)
            began = time.perf_counter()
            looked = await walk(storage, configs, zones, now)
            took = time.perf_counter() - began
            await asyncio.sleep(0.05)
            prober.cancel()
            lines.append(
                f"{name}: {looked} rows in {took:.2f} s; "
                + lag_line("probe", [lag for _, lag in samples])
            )
    finally:
        await storage.close()
    return lines


class _Fixed:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now


async def _walk_counters(storage, configs, zones, now: datetime) -> int:
    counters = await storage.sobriety.announcing_counters()
    for counter in counters:
        config = await configs.get(counter.guild_id)
        zone = await zones.for_member(counter.user_id, counter.guild_id)
        today = local_date(now, zone.name)
        [
            (reached, milestone)
            for reached, milestone in plan_from_spec(config.milestone_plan).milestones_until(
                counter.current.start, today
            )
            if reached >= today - LATE_WINDOW
        ]
    return len(counters)


async def _walk_reminders(storage, configs, zones, now: datetime) -> int:
    reminders = await storage.checkin_schedule.enabled_reminders()
    for reminder in reminders:
        remind_at = stored_hhmm(reminder.local_time)
        zone = await zones.for_member(reminder.user_id, reminder.guild_id)
        today = local_date(now, zone.name)
        if reminder.handled_date == today:
            continue
        at_local_time(today, remind_at, zone.name)
    return len(reminders)
