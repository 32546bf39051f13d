"""Local days and local clock times in IANA zones, computed from UTC instants.

Stored instants are UTC; "today" and "at 09:00" only mean something in a zone, so every such
question goes through here.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_HHMM = re.compile(r"^\s*([01]?\d|2[0-3])[:.h]([0-5]\d)\s*$")


def parse_hhmm(text: str) -> time | None:
    """'9:30', '09:30', '21.05' or '7h15' → time; anything else → None."""
    match = _HHMM.match(text)
    if not match:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def stored_hhmm(text: str) -> time:
    """A clock time Hearth stored itself (checked when it was set); ValueError if damaged."""
    parsed = parse_hhmm(text)
    if parsed is None:
        raise ValueError(f"the stored clock time {text!r} isn't HH:MM")
    return parsed


def local_date(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def at_local_time(day: date, clock_time: time, zone: str) -> datetime:
    """The UTC instant when the wall clock in `zone` shows `clock_time` on `day`.

    A time skipped by a DST jump (02:30 on a spring-forward night) lands just after the jump,
    and a repeated one (01:30 on a fall-back night) is its first occurrence.
    """
    local = datetime.combine(day, clock_time, tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC)


def days_between(start: date, end: date) -> list[date]:
    """Every calendar day from start to end inclusive."""
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
