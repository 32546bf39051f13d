"""Scale benchmark: 10,000 meetings over 1,000 servers load into the scheduler and fire on time.

The bot runs as its own process against the fake Discord (this process) and a real SQLite file
prepared here through Hearth's own repositories. About a tenth of the meetings have a reminder
falling due during the run, in three bursts on consecutive minute boundaries (a popular start
time across many servers); the rest are scheduled for later. Reported: load time (the bot's own
"meetings scheduled" log line), the bot's peak memory (VmHWM), lateness from each due instant to
the post reaching Discord (p50/p99), and duplicates. Goal: load < 5 s, p99 lateness < 1 s, no
duplicates.

    python bench/schedule_scale.py --meetings 10000 --guilds 1000 --due 1000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.domain.meetings import MeetingFields  # noqa: E402
from bot.domain.recurrence import Schedule  # noqa: E402
from bot.storage.storage import open_storage  # noqa: E402
from tests.fakediscord import FakeDiscord  # noqa: E402

ZONES = ("America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "UTC")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def prepare(
    database: Path, fake: FakeDiscord, meetings: int, guilds: int, due: int, first_due: datetime
) -> dict[int, datetime]:
    """Servers, channels and meetings; returns meeting id → due instant for the firing ones."""
    storage = await open_storage(database)
    channels = []
    for number in range(guilds):
        guild = fake.add_guild(f"Group {number}")
        channel = guild.add_text_channel("announcements")
        channels.append((guild.id, channel))
        await storage.guild_configs.update(
            guild.id, {"announcements_channel_id": channel}, datetime.now(UTC)
        )
    expected: dict[int, datetime] = {}
    now = datetime.now(UTC)
    for index in range(meetings):
        guild_id, _ = channels[index % guilds]
        firing = index < due
        zone = ZONES[index % len(ZONES)] if not firing else "UTC"
        if firing:
            # Starts 15 minutes after one of three consecutive minute marks: the 15-minute
            # reminder falls due on that mark.
            due_at = first_due + timedelta(minutes=index % 3)
            start = due_at + timedelta(minutes=15)
        else:
            start = now + timedelta(days=2, minutes=index % 1440)
        schedule = Schedule(
            weekdays=(start.astimezone(UTC).weekday(),),
            start_time=start.astimezone(UTC).time().replace(second=0),
            zone="UTC" if firing else zone,
            duration=timedelta(hours=1),
            anchor=now.date(),
        )
        created = await storage.meetings.create(
            guild_id,
            MeetingFields(
                name=f"Meeting {index}",
                schedule=schedule,
                link="https://example.org",
                reminders=(timedelta(minutes=15),),
            ),
            1,
            now,
        )
        if firing:
            expected[created.id] = due_at
    await storage.close()
    return expected


async def run(meetings: int, guilds: int, due: int, database: Path) -> int:
    async with FakeDiscord(token="bench-token") as fake:
        base = datetime.now(UTC).replace(second=0, microsecond=0)
        first_due = base + timedelta(minutes=2)
        print(f"preparing {meetings} meetings in {guilds} servers…", flush=True)
        expected = await prepare(database, fake, meetings, guilds, due, first_due)
        env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
        env.update(
            {
                "DISCORD_TOKEN": fake.token,
                "HEARTH_DATABASE_URL": f"sqlite:///{database}",
                "HEARTH_DISCORD_API_BASE": fake.api_base,
                "HEARTH_DISCORD_GATEWAY_URL": fake.gateway_url,
                "HEARTH_LOG_LEVEL": "INFO",
            }
        )
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=REPO,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        log_lines: list[str] = []

        async def read_log() -> None:
            assert bot.stderr is not None
            async for line in bot.stderr:
                log_lines.append(line.decode(errors="replace"))

        reader = asyncio.create_task(read_log())
        try:
            await fake.wait_until_ready(timeout=120)
            last_due = max(expected.values())
            wait = (last_due - datetime.now(UTC)).total_seconds() + 20
            print(f"bot ready; waiting {wait:.0f} s for the reminders…", flush=True)
            await asyncio.sleep(max(0.0, wait))
            peak_kib = _peak_rss_kib(bot.pid)
        finally:
            bot.terminate()
            await bot.wait()
            reader.cancel()
        posts = [
            r
            for r in fake.requests
            if r.method == "POST" and r.path.endswith("/messages") and r.json
        ]
    # The fake stamps requests with time.monotonic(); due instants are wall-clock.
    wall_offset = time.time() - time.monotonic()
    arrivals: dict[int, list[float]] = {}
    for request in posts:
        match = re.search(r"Meeting (\d+)", str(request.json))
        if match:
            meeting_id = int(match.group(1)) + 1
            arrivals.setdefault(meeting_id, []).append(request.timestamp + wall_offset)
    lateness = [
        max(0.0, min(times) - expected[mid].timestamp())
        for mid, times in arrivals.items()
        if mid in expected
    ]
    duplicates = sum(len(times) - 1 for times in arrivals.values())
    missing = len(set(expected) - set(arrivals))
    loaded = next((line for line in log_lines if "meetings scheduled" in line), "")
    seconds = re.search(r"seconds=([0-9.]+)", loaded)
    print(f"meetings loaded: {meetings} in {seconds.group(1) if seconds else '?'} s")
    print(f"peak memory (bot VmHWM): {peak_kib / 1024:.0f} MiB")
    if lateness:
        print(
            f"lateness: p50 {percentile(lateness, 0.5) * 1000:.0f} ms · "
            f"p99 {percentile(lateness, 0.99) * 1000:.0f} ms · "
            f"max {max(lateness) * 1000:.0f} ms · mean {statistics.fmean(lateness) * 1000:.0f}"
            f" ms over {len(lateness)} reminders"
        )
    print(
        f"missing: {missing} · duplicates: {duplicates} · posts per burst: "
        f"{dict(Counter(d.strftime('%H:%M') for d in expected.values()))}"
    )
    return 0 if missing == 0 and duplicates == 0 else 1


def _peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--guilds", type=int, default=1_000)
    parser.add_argument("--due", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        return asyncio.run(run(args.meetings, args.guilds, args.due, Path(folder) / "bench.db"))


if __name__ == "__main__":
    raise SystemExit(main())
