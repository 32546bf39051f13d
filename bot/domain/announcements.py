"""Scheduled announcements: one-off, daily or weekly at a local time that survives DST."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from bot.domain.local_time import at_local_time, local_date

# An announcement missed while Hearth was down is still posted if it is at most this late.
LATE_LIMIT = timedelta(hours=6)


class AnnouncementRepeat(StrEnum):
    NONE = "none"
    DAILY = "daily"
    WEEKLY = "weekly"


@dataclass(frozen=True)
class Announcement:
    id: int
    guild_id: int
    channel_id: int
    message: str
    first_at: datetime
    local_time: time
    zone: str
    repeat: AnnouncementRepeat
    ping_role_id: int | None
    active: bool
    created_by: int


def _step(repeat: AnnouncementRepeat) -> int:
    return 7 if repeat == AnnouncementRepeat.WEEKLY else 1


def due_times_between(a: Announcement, start: datetime, end: datetime) -> list[datetime]:
    """Due instants with start < t ≤ end, each at the local time on its local day."""
    if a.repeat == AnnouncementRepeat.NONE:
        return [a.first_at] if start < a.first_at <= end else []
    found = []
    first_day = local_date(a.first_at, a.zone)
    day = max(first_day, local_date(start, a.zone) - timedelta(days=7))
    # Keep to the series' own weekday (weekly) by stepping from its first day.
    offset = (day - first_day).days % _step(a.repeat)
    if offset:
        day += timedelta(days=_step(a.repeat) - offset)
    while (due := at_local_time(day, a.local_time, a.zone)) <= end:
        if due > start and due >= a.first_at:
            found.append(due)
        day += timedelta(days=_step(a.repeat))
    return found


def next_due(a: Announcement, after: datetime) -> datetime | None:
    if not a.active:
        return None
    if a.repeat == AnnouncementRepeat.NONE:
        return a.first_at if a.first_at > after else None
    found = due_times_between(a, after, after + timedelta(days=8))
    return found[0] if found else None


def latest_due(a: Announcement, now: datetime) -> datetime | None:
    """The most recent due instant that is not too late to post now."""
    found = due_times_between(a, now - LATE_LIMIT, now)
    return found[-1] if found else None
