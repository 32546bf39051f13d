"""Delivery burst: 1,000 reminders across 1,000 servers fall due in the same second, with crisis
messages arriving in the middle, against a fake Discord that enforces the real rate limits.

The bot runs as its own process (`python -m bot`, real clock) against the fake Discord (this
process) with its rate limits on: 50 requests/s globally, 5 messages per 5 s per channel, and
the other per-route buckets Discord announces. Meetings are prepared through Hearth's own
repositories in a real SQLite file: one per server, each with a 15-minute reminder due on the
same minute mark. While the reminders go out, members of one more server post crisis messages
(spaced so its moderator-queue channel stays within its own 5-per-5-s bucket); each must get its
queue card and its private message at once.

Reported: 429s served, reminders missing and duplicated, bulk throughput (reminder posts per
second from the first to the last), and for the crisis messages the time from the message to
its queue card and to its DM reaching Discord (p50/p99/max).

    python bench/delivery_burst.py --servers 1000 --crisis 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.domain.recurrence import Schedule  # noqa: E402
from bot.storage.meetings import MeetingFields  # noqa: E402
from bot.storage.storage import open_storage  # noqa: E402
from tests.e2e.harness import private_to  # noqa: E402
from tests.fakediscord import FakeDiscord  # noqa: E402

CRISIS_TEXT = "i want to kill myself tonight"
CRISIS_SPACING = 1.2  # seconds: Discord lets a channel take 5 messages per 5 s
REMINDER = re.compile(r"\*\*Meeting (\d+)\*\* starts")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def prepare(database: Path, fake: FakeDiscord, servers: int, due: datetime) -> None:
    storage = await open_storage(database)
    start = due + timedelta(minutes=15)
    now = datetime.now(UTC)
    for number in range(servers):
        guild = fake.add_guild(f"Group {number}")
        channel = guild.add_text_channel("announcements")
        await storage.guild_configs.update(guild.id, {"announcements_channel_id": channel}, now)
        await storage.meetings.create(
            guild.id,
            MeetingFields(
                name=f"Meeting {number}",
                schedule=Schedule(
                    weekdays=(start.weekday(),),
                    start_time=start.time(),
                    zone="UTC",
                    duration=timedelta(hours=1),
                    anchor=now.date(),
                ),
                link="https://example.org",
                reminders=(timedelta(minutes=15),),
            ),
            1,
            now,
        )
    await storage.close()


async def prepare_crisis_server(
    database: Path, fake: FakeDiscord, members: int
) -> tuple[int, int, int, list[int]]:
    guild = fake.add_guild("Crisis Circle")
    moderators = guild.add_role("Moderators", permissions=0)
    queue = guild.add_text_channel("mod-queue", overwrites=private_to(guild, moderators))
    general = guild.add_text_channel("general")
    people = []
    for number in range(members):
        user = fake.add_user(f"member{number}")
        guild.add_member(user)
        people.append(user)
    storage = await open_storage(database)
    await storage.guild_configs.update(
        guild.id,
        {"mod_queue_channel_id": queue, "moderator_role_id": moderators},
        datetime.now(UTC),
    )
    await storage.close()
    return guild.id, queue, general, people


async def run(servers: int, crisis: int, database: Path) -> int:
    async with FakeDiscord(token="bench-token") as fake:
        due = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=2)
        print(f"preparing {servers} servers with a reminder due at {due:%H:%M:%S}…", flush=True)
        await prepare(database, fake, servers, due)
        _, queue, general, members = await prepare_crisis_server(database, fake, crisis)
        fake.rate_limits.enable()
        env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
        env.update(
            {
                "DISCORD_TOKEN": fake.token,
                "HEARTH_DATABASE_URL": f"sqlite:///{database}",
                "HEARTH_DISCORD_API_BASE": fake.api_base,
                "HEARTH_DISCORD_GATEWAY_URL": fake.gateway_url,
            }
        )
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=REPO,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        sent_at: dict[int, float] = {}
        try:
            await fake.wait_until_ready(timeout=180)
            wait = (due - datetime.now(UTC)).total_seconds()
            print(f"bot ready; the burst starts in {wait:.0f} s", flush=True)
            await asyncio.sleep(max(0.0, wait))
            # Into the middle of the burst: the first crisis message once 200 reminders are out.
            await fake.state.changed.wait_for(
                lambda: len(reminder_posts(fake)) >= 200, 120, "the burst to be under way"
            )
            for user in members:
                await fake.send_message(general, user, CRISIS_TEXT)
                sent_at[user] = time.monotonic()
                await asyncio.sleep(CRISIS_SPACING)
            await fake.state.changed.wait_for(
                lambda: (
                    len(reminder_posts(fake)) >= servers
                    and len(answered_crises(fake, queue, members)[1]) >= len(members)
                ),
                300,
                "every reminder and every crisis answer",
            )
            await asyncio.sleep(5)  # anything doubled late would show now
        finally:
            bot.terminate()
            await bot.wait()
        posts = reminder_posts(fake)
        cards, dms = answered_crises(fake, queue, members)
        return report(fake, servers, posts, cards, dms, sent_at)


def reminder_posts(fake: FakeDiscord) -> list[tuple[int, float]]:
    """(meeting number, arrival) for every reminder POST Discord accepted."""
    found = []
    for request in fake.requests:
        if request.method == "POST" and request.status == 200 and request.json:
            match = REMINDER.search(str(request.json.get("content") or ""))
            if match and request.path.endswith("/messages"):
                found.append((int(match.group(1)), request.timestamp))
    return found


def answered_crises(
    fake: FakeDiscord, queue: int, members: list[int]
) -> tuple[dict[int, float], dict[int, float]]:
    """Arrival of each member's queue card and private reply."""
    cards: dict[int, float] = {}
    dms: dict[int, float] = {}
    dm_channels = {fake.dm_channel_id(user): user for user in members}
    for request in fake.requests:
        if request.method != "POST" or request.status != 200 or not request.json:
            continue
        if request.path == f"/channels/{queue}/messages":
            text = str(request.json.get("embeds"))
            for user in members:
                if f"<@{user}>" in text and user not in cards:
                    cards[user] = request.timestamp
        channel = request.path.removeprefix("/channels/").removesuffix("/messages")
        if channel.isdigit() and int(channel) in dm_channels:
            dms.setdefault(dm_channels[int(channel)], request.timestamp)
    return cards, dms


def report(
    fake: FakeDiscord,
    servers: int,
    posts: list[tuple[int, float]],
    cards: dict[int, float],
    dms: dict[int, float],
    sent_at: dict[int, float],
) -> int:
    numbers = [number for number, _ in posts]
    duplicates = len(numbers) - len(set(numbers))
    missing = servers - len(set(numbers))
    arrivals = sorted(at for _, at in posts)
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
    throughput = (len(arrivals) - 1) / span if span else 0.0
    card_latency = [cards[u] - sent_at[u] for u in sent_at if u in cards]
    dm_latency = [dms[u] - sent_at[u] for u in sent_at if u in dms]
    kinds = Counter(
        "global" if hit.is_global else f"{hit.route} ({hit.scope})"
        for hit in fake.rate_limits.served
    )
    print(f"429s served: {fake.rate_limits.total} {dict(kinds)}")
    print(f"reminders: {len(set(numbers))}/{servers} · missing {missing} · duplicates {duplicates}")
    print(f"bulk throughput: {throughput:.1f} posts/s ({len(arrivals)} posts over {span:.1f} s)")
    for name, values in (("queue card", card_latency), ("crisis DM", dm_latency)):
        if values:
            print(
                f"{name}: p50 {percentile(values, 0.5) * 1000:.0f} ms · "
                f"p99 {percentile(values, 0.99) * 1000:.0f} ms · "
                f"max {max(values) * 1000:.0f} ms over {len(values)}"
            )
    print(
        "in the order sent (card / DM, ms): "
        + ", ".join(
            f"{(cards[u] - at) * 1000:.0f}/{(dms[u] - at) * 1000:.0f}"
            for u, at in sorted(sent_at.items(), key=lambda item: item[1])
            if u in cards and u in dms
        )
    )
    crisis_ok = (
        len(card_latency) == len(sent_at) == len(dm_latency)
        and max(card_latency + dm_latency) < 1.0
    )
    ok = fake.rate_limits.total == 0 and missing == 0 and duplicates == 0
    return 0 if ok and throughput >= 40 and crisis_ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=1_000)
    parser.add_argument("--crisis", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        return asyncio.run(run(args.servers, args.crisis, Path(folder) / "bench.db"))


if __name__ == "__main__":
    raise SystemExit(main())
