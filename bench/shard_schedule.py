"""Schedule benchmark across shard processes: 100,000 meetings over 10,000 servers, split over
several `python -m bot` processes sharing one PostgreSQL database, against a fake Discord that
enforces the real rate limits (50 requests/s for the bot token, shared by every process).

The servers are spread evenly over the shards; each process runs an equal share of the shards
(process p gets shards p, p + processes, ...). `--due` servers each have a meeting whose
15-minute reminder falls due at one instant, on a minute mark about `--lead` seconds after the
processes start; everything else is scheduled days ahead. Reported per process: time from start
to its "meetings scheduled" log line and to "ready" (with the CPU seconds it had used by then),
the bot's own figure for scheduling, peak memory (VmHWM) and the reminders it posted; across
processes: lateness from the due instant to the post reaching the fake (p50/p99/max, beside the
floor the global limit sets: a burst of K cannot all land in under K/50 s), throughput, 429s,
duplicates, missing, and posts made by a process that does not run the server's shard (must be
0). Exit code 0 only if nothing is missing, doubled or misattributed.

    python bench/shard_schedule.py --backend postgresql --processes 4 --shards 8 \\
        --meetings 100000 --guilds 10000 --due 1000 --lead 300
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import shard_world  # noqa: E402
from bot.delivery import SHARD_LEAK  # noqa: E402
from bot.storage.storage import open_storage  # noqa: E402
from tests.e2e import stored  # noqa: E402
from tests.fakediscord import FakeDiscord  # noqa: E402
from tests.postgres_server import start_server  # noqa: E402

REMINDER = re.compile(r"\*\*Meeting (\d+)\*\* starts")
POSTED = re.compile(r'msg="meeting reminder posted" .*meeting=(\d+)')
SETTLE_SECONDS = 5.0  # after the last expected post: anything doubled late shows up


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def machine_load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class BotProcess:
    label: str
    shards: tuple[int, ...]
    process: asyncio.subprocess.Process | None = None
    started: float = 0.0
    scheduled_at: float | None = None
    ready_at: float | None = None
    scheduled_line: str = ""
    posted: list[int] = field(default_factory=list)  # meeting ids from its own log
    leaks: int = 0
    errors: list[str] = field(default_factory=list)
    peak_kib: int = 0
    log_file: Path | None = None
    cpu_at_scheduled: float = 0.0
    cpu_at_ready: float = 0.0
    stopping: bool = False  # what it logs while stopping is not counted against it

    async def read_log(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        keep = self.log_file.open("w") if self.log_file else None
        async for raw in self.process.stderr:
            line = raw.decode(errors="replace")
            if keep:
                keep.write(line)
            if "meetings scheduled" in line and self.scheduled_at is None:
                self.scheduled_at, self.scheduled_line = time.monotonic(), line
                self.cpu_at_scheduled = cpu_seconds(self.process.pid)
            elif "msg=ready " in line and self.ready_at is None:
                self.ready_at = time.monotonic()
                self.cpu_at_ready = cpu_seconds(self.process.pid)
            elif match := POSTED.search(line):
                self.posted.append(int(match.group(1)))
            if SHARD_LEAK in line:
                self.leaks += 1
            if ("level=ERROR" in line or "Traceback" in line) and not self.stopping:
                self.errors.append(line.strip()[:300])


def environment(
    fake: FakeDiscord, url: str, shards: int, bot: BotProcess, state_dir: Path
) -> dict[str, str]:
    (state_dir / bot.label).mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env.update(
        {
            "DISCORD_TOKEN": fake.token,
            "HEARTH_DATABASE_URL": url,
            "HEARTH_STATE_DIR": str(state_dir / bot.label),
            "HEARTH_DISCORD_API_BASE": fake.api_base,
            "HEARTH_DISCORD_GATEWAY_URL": fake.gateway_url,
            "HEARTH_LOG_LEVEL": "INFO",
            "HEARTH_SHARD_COUNT": str(shards),
            "HEARTH_SHARD_IDS": ",".join(map(str, bot.shards)),
        }
    )
    return env


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far: what its work cost, whatever the load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


async def run(args: argparse.Namespace, target: Path | str, state_dir: Path) -> int:
    url = stored.url_of(target)  # a SQLite file or a PostgreSQL database
    async with FakeDiscord(token="bench-token") as fake:
        fake.sharding.shard_count = args.shards
        fake.sharding.max_concurrency = args.max_concurrency
        servers = shard_world.add_servers(fake, args.guilds, args.shards)
        storage = await open_storage(target)
        seeding = time.perf_counter()
        print(f"storing {args.meetings} meetings in {args.guilds} servers…", flush=True)
        await shard_world.store_servers(storage, servers)
        await shard_world.store_later_meetings(storage, servers, args.meetings, args.due)
        lead = timedelta(seconds=args.lead)
        burst = (datetime.now(UTC) + lead + timedelta(minutes=1)).replace(second=0, microsecond=0)
        await shard_world.store_burst(storage, servers, args.due, burst)
        meetings = await shard_world.meeting_guilds(storage)
        await storage.close()
        print(f"stored in {time.perf_counter() - seeding:.1f} s; burst at {burst:%H:%M:%S}")
        fake.rate_limits.enable()
        bots = [
            BotProcess(f"p{p}", tuple(range(p, args.shards, args.processes)))
            for p in range(args.processes)
        ]
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
            for bot in bots:
                bot.log_file = args.logs / f"{bot.label}.log"
        readers = []
        load_at_start = machine_load()
        try:
            for bot in bots:
                bot.started = time.monotonic()
                # BENCH_PROFILE=/tmp/p0.prof runs the first process under cProfile.
                profile = os.environ.get("BENCH_PROFILE") if bot is bots[0] else None
                command = ["-m", "cProfile", "-o", profile] if profile else []
                bot.process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    *command,
                    "-m",
                    "bot",
                    cwd=REPO,
                    env=environment(fake, url, args.shards, bot, state_dir),
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.PIPE,
                )
                readers.append(asyncio.create_task(bot.read_log()))
            expected = {mid for mid, (number, _) in meetings.items() if number < args.due}
            # The fleet ready, the burst due, then every expected post (or the time a burst of
            # this size needs at half the global limit, plus a minute) and a few seconds more.
            patience = (burst - datetime.now(UTC)).total_seconds() + args.due / 25 + 60
            fake_cpu = time.process_time()
            # Polled each second, not woken by every request: a scan of 100,000 recorded
            # requests on each would take the fake's own process (this one) from serving them.
            for _ in range(math.ceil(patience)):
                if len(reminder_arrivals(fake)) >= args.due:
                    break
                await asyncio.sleep(1.0)
            await asyncio.sleep(SETTLE_SECONDS)
            fake_cpu = time.process_time() - fake_cpu
            load_at_end = machine_load()
            for bot in bots:
                assert bot.process is not None
                bot.peak_kib = peak_kib(bot.process.pid)
        finally:
            for bot in bots:
                bot.stopping = True
                if bot.process is not None and bot.process.returncode is None:
                    bot.process.terminate()
            for bot in bots:
                if bot.process is not None:
                    await bot.process.wait()
            for reader in readers:
                reader.cancel()
        print(f"fake Discord (this process): {fake_cpu:.1f} s CPU from start to the end")
        return report(args, fake, bots, meetings, expected, burst, (load_at_start, load_at_end))


def reminder_arrivals(fake: FakeDiscord) -> list[tuple[int, float]]:
    """(meeting number, arrival, monotonic) for every reminder post Discord accepted."""
    found = []
    for request in fake.requests:
        if request.method == "POST" and request.status == 200 and request.json:
            match = REMINDER.search(str(request.json.get("content") or ""))
            if match and request.path.endswith("/messages"):
                found.append((int(match.group(1)), request.timestamp))
    return found


def report(
    args: argparse.Namespace,
    fake: FakeDiscord,
    bots: list[BotProcess],
    meetings: dict[int, tuple[int, int]],
    expected: set[int],
    burst: datetime,
    loads: tuple[str, str],
) -> int:
    wall_offset = time.time() - time.monotonic()
    arrivals = reminder_arrivals(fake)
    numbers = Counter(number for number, _ in arrivals)
    expected_numbers = {meetings[mid][0] for mid in expected}
    duplicates = sum(count - 1 for count in numbers.values())
    missing = len(expected_numbers - set(numbers))
    first_arrival: dict[int, float] = {}
    for number, at in arrivals:
        first_arrival[number] = min(first_arrival.get(number, at), at)
    lateness = [at + wall_offset - burst.timestamp() for at in first_arrival.values()]
    owner = {shard: bot.label for bot in bots for shard in bot.shards}
    foreign = unattributed = 0
    by_process: Counter[str] = Counter()
    for bot in bots:
        for meeting_id in bot.posted:
            guild_id = meetings[meeting_id][1]
            shard = (guild_id >> 22) % args.shards
            by_process[bot.label] += 1
            foreign += owner[shard] != bot.label
    unattributed = len(arrivals) - sum(by_process.values())
    print(f"\nmachine load (uptime, 1/5/15 min): at start {loads[0]} · at end {loads[1]}")
    print(
        f"{args.meetings} meetings · {args.guilds} servers · {args.shards} shards over "
        f"{args.processes} processes · {args.backend} · burst of {args.due} at {burst:%H:%M:%S}"
    )
    late_by_number = {n: at + wall_offset - burst.timestamp() for n, at in first_arrival.items()}
    for bot in bots:
        mine = [
            late_by_number[n] for mid in bot.posted if (n := meetings[mid][0]) in late_by_number
        ]
        late = f"lateness p50 {percentile(mine, 0.5):.1f} s max {max(mine):.1f} s" if mine else ""
        seconds = re.search(r"seconds=([0-9.]+)", bot.scheduled_line)
        count = re.search(r"meetings=(\d+)", bot.scheduled_line)
        print(
            f"{bot.label} shards {','.join(map(str, bot.shards))}: "
            f"{count.group(1) if count else '?'} meetings scheduled "
            f"{_since(bot.started, bot.scheduled_at)} after start "
            f"(the bot's own figure {seconds.group(1) if seconds else '?'} s; "
            f"{bot.cpu_at_scheduled:.1f} s CPU) · ready {_since(bot.started, bot.ready_at)} "
            f"({bot.cpu_at_ready:.1f} s CPU) · VmHWM {bot.peak_kib / 1024:.0f} MiB · "
            f"posted {by_process[bot.label]} ({late})"
        )
    if lateness:
        floor = len(lateness) / 50
        span = max(first_arrival.values()) - min(first_arrival.values())
        print(
            f"lateness: first {min(lateness):.2f} s · p50 {percentile(lateness, 0.5):.2f} s · p99 "
            f"{percentile(lateness, 0.99):.2f} s · max {max(lateness):.2f} s over "
            f"{len(lateness)} reminders (the global limit alone: last one ≥ {floor:.1f} s)"
        )
        print(f"throughput: {(len(lateness) - 1) / span if span else 0:.1f} posts/s")
    kinds = Counter(
        "global" if hit.is_global else f"{hit.route} ({hit.scope})"
        for hit in fake.rate_limits.served
    )
    print(f"429s served: {fake.rate_limits.total} {dict(kinds)}")
    print(
        f"missing {missing} · duplicates {duplicates} · posted by a process not running the "
        f"server's shard {foreign} · not in any process's log {unattributed} · "
        f"held as another process's {sum(b.leaks for b in bots)}"
    )
    events = sum(
        1
        for r in fake.requests
        if r.method == "POST" and r.status == 200 and "scheduled-events" in r.path
    )
    print(f"requests served: {len(fake.requests)} (Events entries created: {events})")
    for bot in bots:
        for line in bot.errors[:5]:
            print(f"{bot.label} logged: {line}")
    ok = missing == duplicates == foreign == unattributed == 0
    return 0 if ok else 1


def _since(start: float, at: float | None) -> str:
    return f"{at - start:.1f} s" if at is not None else "never"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--guilds", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1_000, help="reminders in the burst")
    parser.add_argument("--lead", type=float, default=90, help="seconds from start to burst")
    parser.add_argument("--logs", type=Path, help="a folder to keep each process's log in")
    parser.add_argument("--max-concurrency", type=int, default=1, help="Discord's identify")
    args = parser.parse_args()
    if args.due > args.guilds or args.shards < args.processes:
        parser.error("--due is at most --guilds; every process needs a shard")
    if args.backend == "sqlite":
        if args.processes != 1:
            parser.error("SQLite serves one process: use --backend postgresql")
        with tempfile.TemporaryDirectory() as folder:
            return asyncio.run(run(args, Path(folder) / "bench.db", Path(folder)))
    server = start_server()
    try:
        with tempfile.TemporaryDirectory() as folder:
            return asyncio.run(run(args, asyncio.run(server.new_database()), Path(folder)))
    finally:
        server.stop()


if __name__ == "__main__":
    raise SystemExit(main())
