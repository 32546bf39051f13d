"""The world for `shard_schedule.py`: servers spread evenly over the shards in the fake Discord,
and their meetings stored through Hearth's own repositories, a server's meetings in one batch.

Meeting number `n` lives in server `n % guilds`. Numbers below `due` are the burst: one per server
(servers 0 to due - 1, so shards share it evenly), each with its 15-minute reminder due at the
burst instant. The others start two days or more ahead, in several time zones, so nothing else
falls due during the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.meetings import FeedChanges, MeetingFields
from bot.domain.recurrence import Schedule
from bot.storage.storage import Storage
from tests.fakediscord import FakeDiscord

ZONES = ("America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "UTC")
REMINDER = timedelta(minutes=15)
ORGANIZER = 1


@dataclass(frozen=True)
class Server:
    guild_id: int
    channel_id: int
    shard: int


def add_servers(fake: FakeDiscord, guilds: int, shards: int) -> list[Server]:
    servers = []
    for number in range(guilds):
        shard = number % shards
        guild = fake.add_guild(f"Group {number}", on_shard=(shard, shards))
        servers.append(Server(guild.id, guild.add_text_channel("announcements"), shard))
    return servers


def _fields(number: int, start: datetime, zone: str, today: datetime) -> MeetingFields:
    local = start.astimezone(UTC) if zone == "UTC" else start
    return MeetingFields(
        name=f"Meeting {number}",
        schedule=Schedule(
            weekdays=(local.weekday(),),
            start_time=local.time().replace(second=0, microsecond=0),
            zone=zone,
            duration=timedelta(hours=1),
            anchor=today.date(),
        ),
        link="https://example.org",
        reminders=(REMINDER,),
    )


async def store_servers(storage: Storage, servers: list[Server]) -> None:
    now = datetime.now(UTC)
    for server in servers:
        await storage.guild_configs.update(
            server.guild_id, {"announcements_channel_id": server.channel_id}, now
        )


async def store_later_meetings(
    storage: Storage, servers: list[Server], meetings: int, due: int
) -> None:
    """Every meeting that does not fire during the run, a server's in one statement."""
    now = datetime.now(UTC)
    later = now + timedelta(days=2)
    per_server: dict[int, list[MeetingFields]] = {}
    for number in range(due, meetings):
        zone = ZONES[number % len(ZONES)]
        start = (later + timedelta(minutes=number % 1440)).astimezone(ZoneInfo(zone))
        per_server.setdefault(number % len(servers), []).append(_fields(number, start, zone, now))
    for index, fields in per_server.items():
        await storage.meeting_imports.apply(
            servers[index].guild_id, ORGANIZER, FeedChanges(create=fields), now
        )


async def store_burst(storage: Storage, servers: list[Server], due: int, at: datetime) -> None:
    """One meeting in each of the first `due` servers, its reminder due at `at`."""
    now = datetime.now(UTC)
    for number in range(due):
        fields = _fields(number, at + REMINDER, "UTC", now)
        await storage.meeting_imports.apply(
            servers[number].guild_id, ORGANIZER, FeedChanges(create=[fields]), now
        )


async def meeting_guilds(storage: Storage) -> dict[int, tuple[int, int]]:
    """Meeting id → (meeting number from its name, server)."""
    return {
        meeting.id: (int(meeting.name.removeprefix("Meeting ")), meeting.guild_id)
        for meeting in await storage.meetings.everything()
    }
