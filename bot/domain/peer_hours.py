"""A peer supporter's weekly hours, in their own time zone, and whether now falls inside them.

Stored as text, e.g. "0,1,2,3,4 18:00-22:00" (weekdays from Monday = 0). A range that ends at or
before it starts runs past midnight into the next day ("22:00-02:00"); its day is the day it
starts on, as people say "Friday night".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_WORDS = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
_GROUPS = {
    "every day": frozenset(range(7)),
    "everyday": frozenset(range(7)),
    "daily": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
}
_SPEC = re.compile(r"^(?P<days>[0-6](?:,[0-6])*) (?P<start>\d\d:\d\d)-(?P<end>\d\d:\d\d)$")


@dataclass(frozen=True)
class WeeklyHours:
    days: frozenset[int]
    start: time
    end: time

    def to_spec(self) -> str:
        days = ",".join(str(d) for d in sorted(self.days))
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M}"

    @classmethod
    def from_spec(cls, spec: str) -> WeeklyHours:
        match = _SPEC.match(spec)
        if match is None:
            raise ValueError(f"not weekly hours: {spec!r}")
        return cls(
            frozenset(int(d) for d in match["days"].split(",")),
            time.fromisoformat(match["start"]),
            time.fromisoformat(match["end"]),
        )

    @property
    def overnight(self) -> bool:
        return self.end <= self.start

    def contains(self, local: datetime) -> bool:
        """Whether this local (wall-clock) moment is inside the hours."""
        moment = local.time().replace(tzinfo=None)
        today = local.weekday()
        if not self.overnight:
            return today in self.days and self.start <= moment < self.end
        started_today = today in self.days and moment >= self.start
        yesterday = (local - timedelta(days=1)).weekday()
        started_yesterday = yesterday in self.days and moment < self.end
        return started_today or started_yesterday

    def describe(self) -> str:
        return f"{describe_days(self.days)}, {self.start:%H:%M}–{self.end:%H:%M}"


def parse_days(text: str) -> frozenset[int] | None:
    """'weekdays', 'mon-fri', 'mon,wed,fri', 'sat sun'… → weekday numbers; None if unreadable."""
    cleaned = " ".join(text.lower().replace("–", "-").split())
    if cleaned in _GROUPS:
        return _GROUPS[cleaned]
    days: set[int] = set()
    for part in re.split(r"[,\s]+", cleaned):
        if not part:
            continue
        if "-" in part:
            first, _, last = part.partition("-")
            if first not in _DAY_WORDS or last not in _DAY_WORDS:
                return None
            day = _DAY_WORDS[first]
            while True:
                days.add(day)
                if day == _DAY_WORDS[last]:
                    break
                day = (day + 1) % 7
        elif part in _DAY_WORDS:
            days.add(_DAY_WORDS[part])
        else:
            return None
    return frozenset(days) or None


def describe_days(days: frozenset[int]) -> str:
    for words, group in (("every day", _GROUPS["every day"]), ("weekdays", _GROUPS["weekdays"])):
        if days == group:
            return words
    if days == _GROUPS["weekends"]:
        return "weekends"
    return ", ".join(DAY_NAMES[d] for d in sorted(days))
