"""A realistic large Meeting Guide feed, built in code, and what the server's Events should show.

An intergroup's feed: online meetings every day from 06:00 to 21:30 in New York, a few at each
half hour, each an hour long, with a join link. Times are worked out here independently of
Hearth's recurrence code, so the tests check Hearth against a second opinion.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.fakediscord import FakeDiscord

ZONE = "America/New_York"
SLOTS = 32  # 06:00, 06:30 … 21:30
_NAMES = ("Serenity", "Daily Reflections", "Big Book", "Step Study", "Keep It Simple", "Hope")


@dataclass(frozen=True)
class FeedMeeting:
    index: int
    slug: str
    name: str
    weekday: int  # Python's: Monday 0
    start: time
    link: str

    def entry(self) -> dict[str, Any]:
        end = (datetime.combine(date(2000, 1, 1), self.start) + timedelta(hours=1)).time()
        return {
            "name": self.name,
            "slug": self.slug,
            "day": (self.weekday + 1) % 7,  # Meeting Guide's: Sunday 0
            "time": f"{self.start:%H:%M}",
            "end_time": f"{end:%H:%M}",
            "timezone": ZONE,
            "conference_url": self.link,
            "types": ["O", "D", "ONL"],
            "notes": "All welcome.",
        }

    def shown(self, now: datetime) -> datetime:
        """The occurrence the Events list should show at `now`: under way, else the next."""
        zone = ZoneInfo(ZONE)
        local_day = now.astimezone(zone).date() - timedelta(days=1)
        for step in range(9):
            day = local_day + timedelta(days=step)
            if day.weekday() != self.weekday:
                continue
            start = datetime.combine(day, self.start, tzinfo=zone).astimezone(UTC)
            if start + timedelta(hours=1) > now:
                return start
        raise AssertionError("a weekly meeting comes round within a week")


def build_feed(count: int) -> list[FeedMeeting]:
    meetings = []
    for index in range(count):
        slot = (index // 7) % SLOTS
        meetings.append(
            FeedMeeting(
                index=index,
                slug=f"nyc-{index:04d}",
                name=f"{_NAMES[index % len(_NAMES)]} {index:04d}",
                weekday=index % 7,
                start=time(6 + slot // 2, 30 * (slot % 2)),
                link=f"https://zoom.example/j/{100000 + index}",
            )
        )
    return meetings


def feed_file(meetings: list[FeedMeeting]) -> dict[str, Any]:
    return {
        "filename": "intergroup.json",
        "content": json.dumps([m.entry() for m in meetings]).encode(),
        "content_type": "application/json",
    }


def soonest(meetings: list[FeedMeeting], now: datetime, count: int) -> set[tuple[str, datetime]]:
    """(name, start) of the `count` meetings whose shown occurrence comes first (ties: feed
    order, which is the order they were stored)."""
    ordered = sorted(meetings, key=lambda m: (m.shown(now), m.index))
    return {(m.name, m.shown(now)) for m in ordered[:count]}


def add_people_events(
    fake: FakeDiscord, guild_id: int, creator: int, count: int, now: datetime
) -> None:
    """Events the server's own people created (not Hearth), straight into the fake's state,
    starting some weeks after `now` (the test's clock)."""
    guild = fake.guild(guild_id)
    start = now.replace(hour=18, minute=0, second=0, microsecond=0) + timedelta(days=48)
    for number in range(count):
        event_id = fake.state.ids.next()
        guild.scheduled_events[event_id] = {
            "id": str(event_id),
            "guild_id": str(guild_id),
            "creator_id": str(creator),
            "name": f"Community picnic {number}",
            "description": "",
            "channel_id": None,
            "entity_type": 3,
            "entity_id": None,
            "entity_metadata": {"location": "The park"},
            "scheduled_start_time": (start + timedelta(days=number)).isoformat(),
            "scheduled_end_time": (start + timedelta(days=number, hours=2)).isoformat(),
            "privacy_level": 2,
            "status": 1,
            "user_count": 0,
            "image": None,
            "recurrence_rule": None,
        }


def hearth_events(fake: FakeDiscord, guild_id: int) -> set[tuple[str, datetime]]:
    me = str(fake.bot_user_id)
    return {
        (e["name"], datetime.fromisoformat(e["scheduled_start_time"]).astimezone(UTC))
        for e in fake.guild(guild_id).scheduled_events.values()
        if e["creator_id"] == me and e["status"] in (1, 2)
    }
