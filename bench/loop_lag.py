"""Event-loop lag with 100,000 sobriety counters and 10,000 meetings stored, while the timed jobs
run through a local midnight full of due celebrations, reminders and prompts.

The bot runs as its own process against the fake Discord (this process) with its rate limits
on, from a real SQLite file, on Hearth's real scheduler, services and repositories. Only its
clock is set ahead (`--as-bot` below starts the bot exactly as `python -m bot` does, with a
clock offset so that local midnight comes a few minutes after start, and a probe task in its
event loop): a task asks to wake every 10 ms and records how late each wake is.

Prepared: N servers (channels set, half in UTC, half in Europe/London: the same midnight in
winter), 100 members each, one counter per member with a start date drawn at random over five
years (none with a milestone in the last three days, so start-up has nothing to celebrate; about
1% reach a milestone at the coming midnight), check-in reminders (most at random times, already
handled today; some at 00:01), today's prompts already posted (some servers prompt at 00:00), and
meetings spread over the week. Counters and reminders are written as rows from before the
next-due index (due at once), so the bot's first run after start is the one-off catch-up that
works out every row's next-due time; it is reported on its own.

Reported, per phase (catch-up; idle until midnight; midnight until every due delivery reached
Discord, plus 10 s): probe lateness p50/p99/max, and deliveries expected/made/duplicated, 429s.
Then, in this process on the same file, the old per-run walk over every counter and every
reminder (the work the previous code did each minute / 30 s before any delivery), timed with the
same probe.

    python bench/loop_lag.py --counters 100000 --meetings 10000 --guilds 1000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

SELF = Path(__file__).resolve()
REPO = SELF.parents[1]
sys.path.insert(0, str(REPO))

from bench.lag_support import lag_line, old_walk, run_bot  # noqa: E402
from bot.domain.meetings import MeetingFields  # noqa: E402
from bot.domain.recurrence import Schedule  # noqa: E402
from bot.domain.sobriety import plan_from_spec  # noqa: E402
from bot.storage.storage import open_storage  # noqa: E402
from bot.storage.timestamps import to_db  # noqa: E402

MEMBERS_PER_GUILD = 100
BEFORE_INDEX = "2000-01-01T00:00:00.000Z"  # what migration 0012 gives rows from before it
ZONES = ("UTC", "Europe/London")
LATE_WINDOW = timedelta(days=3)  # as the celebrations run
CELEBRATION = "Congratulations"
REMINDER = "would you like to check in today"
PROMPT = "Daily check-in"


# ---------------------------------------------------------------- preparing the database


def draw_start(rng: random.Random, today: date) -> tuple[date, bool]:
    """A start date with no milestone in the late window up to today; and whether one is
    reached tomorrow."""
    plan = plan_from_spec(None)
    tomorrow = today + timedelta(days=1)
    while True:
        start = today - timedelta(days=rng.randint(5, 5 * 365))
        reached = [when for when, _ in plan.milestones_until(start, tomorrow)]
        if any(today - LATE_WINDOW <= when <= today for when in reached):
            continue
        return start, tomorrow in reached


async def prepare(
    database: Path, fake, args: argparse.Namespace, now: datetime, rng: random.Random
) -> dict[str, object]:
    storage = await open_storage(database)
    today = now.date()
    stamp = to_db(now - timedelta(days=2))
    guilds = []
    for number in range(args.guilds):
        guild = fake.add_guild(f"Group {number}")
        channels = {
            name: guild.add_text_channel(name) for name in ("celebrations", "check-ins", "news")
        }
        users = []
        for member in range(MEMBERS_PER_GUILD):
            user = fake.add_user(f"m{number}-{member}")
            guild.add_member(user)
            users.append(user)
        midnight_prompt = number < args.midnight_prompts
        await storage.guild_configs.update(
            guild.id,
            {
                "celebrations_channel_id": channels["celebrations"],
                "checkin_channel_id": channels["check-ins"],
                "announcements_channel_id": channels["news"],
                "timezone": ZONES[number % len(ZONES)],
                "checkin_prompt_time": "00:00" if midnight_prompt else "09:00",
            },
            now,
        )
        guilds.append((guild.id, channels, users))
    await storage.close()

    expected_celebrations: set[int] = set()
    public_channels: dict[int, int] = {}
    with sqlite3.connect(database) as conn:
        counter_id = 0
        counters, periods = [], []
        for guild_id, channels, users in guilds:
            public_channels[guild_id] = channels["celebrations"]
            for user in users:
                if counter_id >= args.counters:
                    break
                counter_id += 1
                start, due = draw_start(rng, today)
                announce = "public" if rng.random() < 0.3 else "dm"
                counters.append(
                    (counter_id, guild_id, user, "Sobriety", "sobriety", announce, stamp, stamp)
                )
                periods.append((counter_id, start.isoformat(), stamp))
                if due:
                    expected_celebrations.add(user)
        conn.executemany(
            "INSERT INTO sobriety_counters (id, guild_id, user_id, label, label_key, announce,"
            " created_at, updated_at, next_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row, BEFORE_INDEX) for row in counters],
        )
        conn.executemany(
            "INSERT INTO sobriety_periods (counter_id, start_date, created_at) VALUES (?, ?, ?)",
            periods,
        )
        reminders, expected_reminders = [], set()
        everyone = [(g, u) for g, _, users in guilds for u in users]
        for index, (guild_id, user) in enumerate(everyone[: args.reminders]):
            at_midnight = index < args.midnight_reminders
            local = "00:01" if at_midnight else f"{rng.randint(1, 22):02d}:{rng.randint(0, 59):02d}"
            if at_midnight:
                expected_reminders.add(user)
            reminders.append((guild_id, user, local, stamp, stamp, today.isoformat()))
        conn.executemany(
            "INSERT INTO checkin_reminders (guild_id, user_id, local_time, enabled, created_at,"
            " updated_at, handled_date, next_due_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?)",
            [(*row, BEFORE_INDEX) for row in reminders],
        )
        conn.executemany(
            "INSERT INTO checkin_prompts (guild_id, local_date, channel_id, status, attempts,"
            " updated_at) VALUES (?, ?, ?, 'posted', 1, ?)",
            [(g, today.isoformat(), c["check-ins"], stamp) for g, c, _ in guilds],
        )
        conn.execute("UPDATE guild_config SET checkin_prompt_due_at = ?", (BEFORE_INDEX,))

    storage = await open_storage(database)
    for index in range(args.meetings):
        guild_id = guilds[index % len(guilds)][0]
        begins = now + timedelta(days=1 + index % 6, minutes=(index * 7) % 1440)
        await storage.meetings.create(
            guild_id,
            MeetingFields(
                name=f"Meeting {index}",
                schedule=Schedule(
                    weekdays=(begins.weekday(),),
                    start_time=begins.time().replace(second=0, microsecond=0),
                    zone="UTC",
                    duration=timedelta(hours=1),
                    anchor=today,
                ),
                link="https://example.org",
                reminders=(timedelta(minutes=15),),
            ),
            1,
            now,
        )
    await storage.close()
    return {
        "celebrations": expected_celebrations,
        "reminders": expected_reminders,
        "prompts": args.midnight_prompts,
        "public_channels": set(public_channels.values()),
        "users": [user for _, _, users in guilds for user in users],
    }


# ---------------------------------------------------------------- what reached Discord


def deliveries(fake, public_channels: set[int], users: list[int]) -> dict[str, Counter]:
    dm_owner = {}
    for user_id in users:
        channel = fake.dm_channel_id(user_id)
        if channel is not None:
            dm_owner[channel] = user_id
    found: dict[str, Counter] = {"celebrations": Counter(), "reminders": Counter()}
    prompts = Counter()
    for request in fake.requests:
        if request.method != "POST" or request.status != 200 or not request.json:
            continue
        if not request.path.endswith("/messages"):
            continue
        channel = int(request.path.split("/")[2])
        body = json.dumps(request.json, ensure_ascii=False)
        if channel in dm_owner and CELEBRATION in body:
            found["celebrations"][dm_owner[channel]] += 1
        elif channel in public_channels and "🎉" in body:
            mention = body.split("<@", 1)[1].split(">", 1)[0] if "<@" in body else "0"
            found["celebrations"][int(mention)] += 1
        elif channel in dm_owner and REMINDER in body:
            found["reminders"][dm_owner[channel]] += 1
        elif PROMPT in body:
            prompts[channel] += 1
    found["prompts"] = prompts
    return found


def sentinel_rows(database: Path) -> int:
    with sqlite3.connect(database, timeout=30) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM sobriety_counters WHERE next_due_at = ?)"
            " + (SELECT count(*) FROM checkin_reminders WHERE next_due_at = ?)",
            (BEFORE_INDEX, BEFORE_INDEX),
        ).fetchone()
    return int(row[0])


# ---------------------------------------------------------------- the run


async def run(args: argparse.Namespace, folder: Path) -> int:
    from tests.fakediscord import FakeDiscord

    database = folder / "hearth.db"
    samples_file = folder / "lag.json"
    rng = random.Random(args.seed)
    # Hearth's clock: midnight (UTC and London in winter) comes `lead` seconds after start.
    midnight = datetime(2026, 12, 10, tzinfo=UTC)
    prepare_at = midnight - timedelta(seconds=args.lead + 600)
    offset = [0.0]
    async with FakeDiscord(
        token="bench-token",
        clock=lambda: datetime.now(UTC) + timedelta(seconds=offset[0]),
    ) as fake:
        print(
            f"preparing {args.guilds} servers, {args.counters} counters, {args.reminders} "
            f"reminders, {args.meetings} meetings…",
            flush=True,
        )
        began = time.perf_counter()
        expected = await prepare(database, fake, args, prepare_at, rng)
        print(
            f"prepared in {time.perf_counter() - began:.0f} s; due at midnight: "
            f"{len(expected['celebrations'])} celebrations, {len(expected['reminders'])} "
            f"reminders, {expected['prompts']} prompts",
            flush=True,
        )
        fake.rate_limits.enable()
        offset[0] = (midnight - timedelta(seconds=args.lead) - datetime.now(UTC)).total_seconds()
        env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
        env.update(
            {
                "DISCORD_TOKEN": fake.token,
                "HEARTH_DATABASE_URL": f"sqlite:///{database}",
                "HEARTH_DISCORD_API_BASE": fake.api_base,
                "HEARTH_DISCORD_GATEWAY_URL": fake.gateway_url,
                "HEARTH_LOG_LEVEL": "WARNING",
            }
        )
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            str(SELF),
            "--as-bot",
            str(offset[0]),
            str(samples_file),
            cwd=REPO,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        marks: dict[str, float] = {"start": time.time()}
        midnight_wall = time.time() + args.lead
        try:
            await fake.wait_until_ready(timeout=300)
            marks["ready"] = time.time()
            while time.time() < midnight_wall:
                if not sentinel_rows(database):
                    break
                await asyncio.sleep(1.0)
            marks["caught up"] = time.time()
            print(f"catch-up done {marks['caught up'] - marks['ready']:.1f} s after ready")
            await asyncio.sleep(max(0.0, midnight_wall - time.time()))
            marks["midnight"] = time.time()

            def all_due_out() -> bool:
                found = deliveries(fake, expected["public_channels"], expected["users"])
                return (
                    set(found["celebrations"]) >= expected["celebrations"]
                    and set(found["reminders"]) >= expected["reminders"]
                    and len(found["prompts"]) >= expected["prompts"]
                )

            deadline = time.time() + args.window
            while time.time() < deadline:
                if all_due_out():
                    break
                await asyncio.sleep(1.0)
            marks["due out"] = time.time()
            await asyncio.sleep(10)  # anything doubled, or late, would show now
            marks["end"] = time.time()
        finally:
            bot.send_signal(signal.SIGTERM)
            await bot.wait()
        found = deliveries(fake, expected["public_channels"], expected["users"])
        throttled = sum(1 for r in fake.requests if r.status == 429)

    samples = json.loads(samples_file.read_text())
    phases = {
        "catch-up (first run after the upgrade)": (marks["ready"], marks["caught up"]),
        "idle until midnight": (marks["caught up"], marks["midnight"]),
        "midnight: due deliveries + 10 s": (marks["midnight"], marks["end"]),
    }
    print()
    for name, (first, last) in phases.items():
        print(lag_line(name, [lag for at, lag in samples if first <= at < last]))
    print(
        f"due work out {marks['due out'] - marks['midnight']:.1f} s after midnight; 429s: "
        f"{throttled}"
    )
    for kind in ("celebrations", "reminders"):
        made = found[kind]
        want = expected[kind]
        print(
            f"{kind}: expected {len(want)}, made {len(set(made) & want)}, missing "
            f"{len(want - set(made))}, duplicates {sum(n - 1 for n in made.values() if n > 1)}"
        )
    prompts = found["prompts"]
    print(
        f"prompts: expected {expected['prompts']}, made {len(prompts)}, duplicates "
        f"{sum(n - 1 for n in prompts.values() if n > 1)}"
    )
    print()
    for line in await old_walk(database, midnight - timedelta(minutes=5)):
        print(line)
    return 0


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--as-bot":
        from bot.logs import configure_logging
        from bot.settings import load_settings

        configure_logging(load_settings().log_level)
        samples = asyncio.run(run_bot(float(sys.argv[2])))
        Path(sys.argv[3]).write_text(json.dumps(samples))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counters", type=int, default=100_000)
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--guilds", type=int, default=1_000)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--midnight-reminders", type=int, default=300)
    parser.add_argument("--midnight-prompts", type=int, default=50)
    parser.add_argument("--lead", type=float, default=240, help="seconds from start to midnight")
    parser.add_argument("--window", type=float, default=300, help="longest wait for due work")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    if args.counters > args.guilds * MEMBERS_PER_GUILD:
        parser.error("at most 100 counters per server")
    with tempfile.TemporaryDirectory() as folder:
        return asyncio.run(run(args, Path(folder)))


if __name__ == "__main__":
    sys.exit(main())
