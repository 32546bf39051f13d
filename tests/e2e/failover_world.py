"""The world of the failover test: servers on every shard, each with timed work that is due now.

Each server is set up like a real community (channels, roles, members, a private moderator
queue, Hearth's settings) and gets, through Hearth's own repositories, work that Hearth's own
logic finds due as soon as a process for its shard starts:
- meetings starting in 20 minutes with a reminder 30 minutes before (the reminder is late, so it
  is posted at once) - more than Discord lets a bot post in one channel in 5 seconds;
- members whose sobriety counter reached 30 days today, announced publicly (a milestone card);
- open flags in the moderator queue whose first escalation step (a re-ping) fell due a minute ago.

Each of these is one expected delivery: its channel and a marker that only its message carries.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.domain.counters import Announce
from bot.domain.meetings import MeetingFields
from bot.domain.recurrence import Schedule
from bot.domain.shards import shard_of
from bot.storage.flag_rows import NewFlag
from bot.storage.storage import Storage, open_storage
from tests.e2e.harness import Community, build_community
from tests.fakediscord import FakeDiscord

REMINDERS_PER_SERVER = 7  # Discord allows 5 posts per channel in 5 s: the burst lasts longer
CELEBRATIONS_PER_SERVER = 3
ESCALATIONS_PER_SERVER = 3


@dataclass(frozen=True)
class Expected:
    """One delivery Hearth owes: in `channel_id`, the one bot message whose text has `marker`."""

    kind: str  # "reminder", "celebration" or "escalation"
    guild_id: int
    shard: int
    channel_id: int
    marker: str


def build_servers(fake: FakeDiscord, shard_count: int, per_shard: int) -> list[Community]:
    return [
        build_community(fake, name=f"Circle {shard}.{n}", on_shard=(shard, shard_count))
        for shard in range(shard_count)
        for n in range(per_shard)
    ]


async def seed_due_work(
    fake: FakeDiscord, database: Path | str, servers: list[Community], shard_count: int
) -> list[Expected]:
    """Store every server's settings and due work; returns the deliveries now owed."""
    # The moderators' cards are in the queues before Hearth starts (the flags point at them).
    cards = {
        s.guild_id: [
            await fake.send_message(s.mod_queue, s.moderator, f"(card {n})")
            for n in range(ESCALATIONS_PER_SERVER)
        ]
        for s in servers
    }
    celebrants = {
        s.guild_id: [_add_member(fake, s, f"c{n}") for n in range(CELEBRATIONS_PER_SERVER)]
        for s in servers
    }
    now = datetime.now(UTC)  # the processes read the real clock
    expected: list[Expected] = []
    storage = await open_storage(database)
    try:
        for number, server in enumerate(servers):
            shard = shard_of(server.guild_id, shard_count)
            owed = await _seed_server(
                storage, server, number, cards[server.guild_id], celebrants[server.guild_id], now
            )
            expected += [Expected(kind, server.guild_id, shard, *where) for kind, *where in owed]
    finally:
        await storage.close()
    return expected


async def _seed_server(
    storage: Storage,
    server: Community,
    number: int,
    cards: list[dict[str, Any]],
    celebrants: list[int],
    now: datetime,
) -> list[tuple[str, int, str]]:
    """One server's settings and due work; returns (kind, channel, marker) of each delivery."""
    owed: list[tuple[str, int, str]] = []
    await storage.guild_configs.update(
        server.guild_id,
        {
            "announcements_channel_id": server.announcements,
            "celebrations_channel_id": server.celebrations,
            "mod_queue_channel_id": server.mod_queue,
            "moderator_role_id": server.moderator_role,
        },
        now,
    )
    start = (now + timedelta(minutes=20)).replace(second=0, microsecond=0)
    for n in range(REMINDERS_PER_SERVER):
        name = f"Meeting {number:02d}-{n:02d}"  # one width: no name inside another
        await storage.meetings.create(
            server.guild_id, _meeting(name, start), server.admin, now - timedelta(days=1)
        )
        owed.append(("reminder", server.announcements, name))
    for user_id in celebrants:
        await storage.sobriety.set_counter(
            server.guild_id,
            user_id,
            "Sobriety",
            (now - timedelta(days=30)).date(),
            Announce.PUBLIC,
            now - timedelta(days=1),
        )
        owed.append(("celebration", server.celebrations, f"<@{user_id}>"))
    for card in cards:
        flag = await storage.flags.create(
            NewFlag(server.guild_id, "report", "member report", 3, server.member, None, None),
            now - timedelta(minutes=10),
            now - timedelta(minutes=1),  # its first escalation step fell due a minute ago
            reporter=server.admin,
        )
        await storage.flags.set_card(flag.id, server.mod_queue, int(card["id"]))
        owed.append(("escalation", server.mod_queue, f"flag #{flag.id} ("))
    return owed


def _add_member(fake: FakeDiscord, server: Community, name: str) -> int:
    user_id = fake.add_user(f"{name}-{server.guild_id}")
    fake.guild(server.guild_id).add_member(user_id, roles=[])
    return user_id


def _meeting(name: str, start: datetime) -> MeetingFields:
    return MeetingFields(
        name=name,
        schedule=Schedule(
            weekdays=(start.weekday(),),
            start_time=start.time(),
            zone="UTC",
            duration=timedelta(hours=1),
            anchor=start.date(),
        ),
        link="https://example.org/meeting",
        reminders=(timedelta(minutes=30),),
    )


def text_of(message: dict[str, Any]) -> str:
    """What a message says: its content, then its embeds' titles, descriptions and fields."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f.get('name')}: {f.get('value')}" for f in embed.get("fields") or []]
    return "\n".join(parts)


@dataclass
class Tally:
    """The bot's messages in the watched channels, matched to what was owed."""

    found: Counter[Expected]  # how many messages carry each expected delivery
    messages: dict[Expected, list[dict[str, Any]]]
    unexpected: list[dict[str, Any]]  # bot messages matching no (or several) expected ones

    def present(self, shard: int | None = None) -> int:
        """How many expected deliveries (of one shard's servers) exist at least once."""
        return sum(1 for e, n in self.found.items() if n and (shard is None or e.shard == shard))


def tally(fake: FakeDiscord, expected: list[Expected]) -> Tally:
    me = str(fake.bot_user_id)
    found: Counter[Expected] = Counter({e: 0 for e in expected})
    messages: dict[Expected, list[dict[str, Any]]] = {e: [] for e in expected}
    unexpected: list[dict[str, Any]] = []
    by_channel: dict[int, list[Expected]] = {}
    for item in expected:
        by_channel.setdefault(item.channel_id, []).append(item)
    for channel_id, owed in by_channel.items():
        for message in fake.channel_messages(channel_id):
            if message["author"]["id"] != me:
                continue
            text = text_of(message)
            matching = [e for e in owed if e.marker in text]
            if len(matching) != 1:
                unexpected.append(message)
                continue
            found[matching[0]] += 1
            messages[matching[0]].append(message)
    return Tally(found, messages, unexpected)
