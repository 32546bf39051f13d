"""Load benchmark: N concurrent /checkin interactions through the fake Discord.

The real bot runs as its own process (`python -m bot`, as users run it) against a real SQLite
file, or with `--backend postgresql` a throwaway PostgreSQL server started as the tests start
it; this process runs the fake Discord server. Latency is measured by the fake, from the moment
INTERACTION_CREATE is written to the gateway to the moment the callback arrives: what a member
waits. Goal on a 2-core machine: p99 under 250 ms at 200 concurrent, no errors, no lost rows.

    python bench/checkin_load.py --concurrency 200 --rounds 5 [--backend postgresql] [--floor]

`--floor` runs bench/checkin_floor_bot.py instead: /checkin answers at once and stores nothing,
the least this machine needs for an interaction (compare a run's figures with it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e import stored  # noqa: E402
from tests.fakediscord import FakeDiscord  # noqa: E402
from tests.postgres_server import start_server  # noqa: E402


def cpu_seconds(pid: int) -> float | None:
    """CPU time used so far by a process (all its threads), from /proc; None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def run(concurrency: int, rounds: int, database: Path | str, *, floor: bool = False) -> int:
    async with FakeDiscord(token="bench-token") as fake:
        # Each round in a server of its own, so every check-in is that member's first of the
        # day there (a new row), as most real check-ins are.
        users = [fake.add_user(f"member{i}") for i in range(concurrency)]
        guilds = []
        for number in range(rounds):
            guild = fake.add_guild(f"Bench {number}")
            guild.add_text_channel("general")
            for user in users:
                guild.add_member(user, roles=[])
            guilds.append(guild)
        env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
        env.update(
            {
                "DISCORD_TOKEN": fake.token,
                "HEARTH_DATABASE_URL": stored.url_of(database),
                "HEARTH_STATE_DIR": str(stored.state_dir_for(database)),
                "HEARTH_DISCORD_API_BASE": fake.api_base,
                "HEARTH_DISCORD_GATEWAY_URL": fake.gateway_url,
                "HEARTH_LOG_LEVEL": "WARNING",
            }
        )
        profile = os.environ.get("BENCH_PROFILE")  # a file path: profile the bot with cProfile
        command = ["-m", "cProfile", "-o", profile] if profile else []
        command += [str(REPO / "bench" / "checkin_floor_bot.py")] if floor else ["-m", "bot"]
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            *command,
            cwd=REPO,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await fake.wait_until_ready(timeout=60)
            await asyncio.sleep(2)  # let start-up work (catch-up runs, command sync) finish
            latencies: list[float] = []
            round_worst: list[float] = []
            spreads: list[float] = []
            errors = 0
            expected: dict[tuple[int, int], int] = {}
            started = time.perf_counter()
            fake_cpu_before = time.process_time()
            bot_cpu_before = cpu_seconds(bot.pid)
            for guild in guilds:
                moods = {user: random.randint(1, 5) for user in users}
                # One after another, each on the wire before the next is built: the bot has
                # them all in hand at once (it answers none within the few ms this takes), and
                # each clock starts as its event is written. Sent all at once instead, every
                # clock started before a single one was written, so the fake's own queue (and
                # its 200 waiters woken at every frame) was counted as the bot's time.
                sent = [
                    await fake.slash(
                        guild.id,
                        user,
                        "checkin",
                        options={"mood": moods[user], "craving": random.randint(0, 10)},
                    )
                    for user in users
                ]
                spreads.append(sent[-1].dispatched_at - sent[0].dispatched_at)
                # One waiter for the round, not one per interaction woken at every callback.
                with contextlib.suppress(TimeoutError):
                    await fake.state.changed.wait_for(
                        lambda sent=sent: all(ix.callback is not None for ix in sent),
                        10,
                        "every check-in answered",
                    )
                for ix in sent:
                    if ix.latency is None or (
                        "Checked in" not in ix.text and "Updated" not in ix.text
                    ):
                        errors += 1
                    else:
                        latencies.append(ix.latency)
                expected.update({(guild.id, user): mood for user, mood in moods.items()})
                round_worst.append(max((ix.latency or 0) for ix in sent))
            elapsed = time.perf_counter() - started
            fake_cpu = time.process_time() - fake_cpu_before
            bot_cpu_after = cpu_seconds(bot.pid)
        finally:
            bot.terminate()
            _, stderr = await bot.communicate()
    with stored.connect(database) as conn:
        rows = conn.execute("SELECT guild_id, user_id, mood FROM checkins").fetchall()
    saved = {(guild_id, user_id): mood for guild_id, user_id, mood in rows}
    # The floor stores nothing by design.
    lost = 0 if floor else sum(1 for key, mood in expected.items() if saved.get(key) != mood)
    total = concurrency * rounds
    print(f"interactions: {total} ({concurrency} concurrent x {rounds} rounds)")
    print(f"throughput:   {len(latencies) / elapsed:.0f} check-ins/s")
    if latencies:
        print(
            f"latency:      p50 {percentile(latencies, 0.5) * 1000:.1f} ms · "
            f"p95 {percentile(latencies, 0.95) * 1000:.1f} ms · "
            f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms · "
            f"max {max(latencies) * 1000:.1f} ms · mean {statistics.fmean(latencies) * 1000:.1f} ms"
        )
    print(f"fake Discord: {fake_cpu:.2f} s CPU over {elapsed:.2f} s (its own process)")
    if bot_cpu_before is not None and bot_cpu_after is not None:
        # Less sensitive to other processes than latency: what the bot itself spent.
        bot_cpu = bot_cpu_after - bot_cpu_before
        print(
            f"bot CPU:      {bot_cpu:.2f} s over the rounds, "
            f"{bot_cpu / total * 1000:.2f} ms per check-in"
        )
    print(f"worst/round:  {' · '.join(f'{w * 1000:.0f}' for w in round_worst)} ms")
    print(f"sending took: {' · '.join(f'{s * 1000:.0f}' for s in spreads)} ms per round")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
    print(f"errors:       {errors}")
    print(f"lost rows:    {lost} (rows stored: {len(saved)}, expected {len(expected)})")
    if bot.returncode not in (0, -15):
        print(f"bot exited with {bot.returncode}: {stderr.decode()[-2000:]}")
    return 0 if errors == 0 and lost == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="the bot answers /checkin at once and stores nothing: this machine's floor",
    )
    args = parser.parse_args()
    if args.backend == "postgresql":
        server = start_server()
        try:
            url = asyncio.run(server.new_database())
            return asyncio.run(run(args.concurrency, args.rounds, url, floor=args.floor))
        finally:
            server.stop()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        return asyncio.run(run(args.concurrency, args.rounds, database, floor=args.floor))


if __name__ == "__main__":
    raise SystemExit(main())
