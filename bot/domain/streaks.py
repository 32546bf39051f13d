"""Check-in streaks: consecutive local days with a check-in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Streaks:
    current: int
    longest: int


def streaks(days: Iterable[date], today: date) -> Streaks:
    """Current and longest streaks.

    The current streak still counts when today has no check-in yet: the day isn't over, so a
    member who checked in every day up to yesterday keeps their streak until they miss a whole day.
    """
    unique = sorted({d for d in days if d <= today})
    longest = run = 0
    previous: date | None = None
    for day in unique:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = 0
    if unique and unique[-1] >= today - timedelta(days=1):
        current = 1
        for earlier, later in zip(reversed(unique[:-1]), reversed(unique[1:]), strict=True):
            if later - earlier != timedelta(days=1):
                break
            current += 1
    return Streaks(current=current, longest=longest)
