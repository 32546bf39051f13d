"""Import benchmark: a Meeting Guide feed of thousands of meetings through `/meetings import`.

Hearth runs in this process against the fake Discord (also in this process, so the loop-lag
figure includes the fake's own work and is an upper bound for Hearth's). The feed is built in
code (`tests/e2e/meeting_feed.py`: online meetings every half hour, every day). The server
already has 20 events of its own. Reported: the interaction's first answer (Discord's deadline
is 3 s), the time to the summary, the time until Hearth's Events entries are all in place, how
many Hearth created (at most the room left under Discord's 100: 70 here) and whether Discord
ever refused one for the cap (error 30038), and event-loop lag (p50/p99/max of a 10 ms ticker)
from the command until the entries are in place.

    python bench/meeting_import.py --meetings 3000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.runner import build_hearth  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from tests.e2e.harness import build_community  # noqa: E402
from tests.e2e.meeting_feed import (  # noqa: E402
    ZONE,
    add_people_events,
    build_feed,
    feed_file,
    hearth_events,
)
from tests.fakediscord import FakeDiscord  # noqa: E402

PEOPLES_EVENTS = 20
BUDGET = 70


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def ticker(lags: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - started - 0.01)


async def main(count: int) -> None:
    async with FakeDiscord(token="fake-bot-token-for-the-import-bench") as fake:
        community = build_community(fake)
        folder = Path(tempfile.mkdtemp(prefix="hearth-import-bench-"))
        os.environ.update(
            DISCORD_TOKEN=fake.token,
            HEARTH_DATABASE_URL=f"sqlite:///{folder / 'hearth.db'}",
            HEARTH_DISCORD_API_BASE=fake.api_base,
            HEARTH_DISCORD_GATEWAY_URL=fake.gateway_url,
        )
        settings = load_settings()
        bot = await build_hearth(settings, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start(settings.discord_token.get_secret_value()))
        await asyncio.wait_for(bot.wait_until_ready(), 30)
        setup = await fake.slash(
            community.guild_id,
            community.admin,
            "hearth setup",
            options={"timezone": ZONE, "announcements_channel": community.announcements},
        )
        await setup.wait_final()
        add_people_events(fake, community.guild_id, community.admin, PEOPLES_EVENTS)
        feed = build_feed(count)
        lags: list[float] = []
        stop = asyncio.Event()
        ticking = asyncio.create_task(ticker(lags, stop))
        started = time.perf_counter()
        ix = await fake.slash(
            community.guild_id,
            community.admin,
            "meetings import",
            options={"file": feed_file(feed)},
        )
        await ix.wait_response(30)
        first_answer = ix.latency
        await ix.wait_final(600)
        summary = time.perf_counter() - started
        await fake.state.changed.wait_for(
            lambda: len(hearth_events(fake, community.guild_id)) >= BUDGET, 600, "the entries"
        )
        placed = time.perf_counter() - started
        # One more pass of the Events job waits for the one under way to finish writing.
        await bot.scheduler.run_now(f"meeting-events:{community.guild_id}")
        stop.set()
        await ticking
        creates = [r for r in fake.requests if r.matches("POST", r"/guilds/\d+/scheduled-events")]
        refused = [r for r in creates if r.status != 200]
        print(f"meetings in the feed:        {count}")
        print(f"summary:                     {ix.text.splitlines()[0]}")
        print(f"first answer:                {first_answer:.3f} s (deadline 3 s)")
        print(f"summary after:               {summary:.2f} s")
        print(f"Events entries in place:     {placed:.2f} s")
        print(f"entries created / refused:   {len(creates)} / {len(refused)} (room: {BUDGET})")
        print(
            f"events in the server:        {len(fake.guild(community.guild_id).scheduled_events)}"
        )
        print(
            f"loop lag (ms) p50/p99/max:   {statistics.median(lags) * 1000:.1f} / "
            f"{percentile(lags, 0.99) * 1000:.1f} / {max(lags) * 1000:.1f} ({len(lags)} ticks)"
        )
        await bot.close()
        await asyncio.gather(task, return_exceptions=True)
        await bot.storage.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=3000)
    asyncio.run(main(parser.parse_args().meetings))
