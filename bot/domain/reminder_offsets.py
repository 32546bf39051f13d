"""Reminder offsets: how long before a meeting each reminder goes out ("1d,1h,15m")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from bot.domain.excerpts import quoted

DEFAULT_OFFSETS = (timedelta(days=1), timedelta(minutes=15))
MAX_OFFSETS = 5
MAX_OFFSET = timedelta(days=14)

_UNITS = {
    "w": timedelta(weeks=1),
    "week": timedelta(weeks=1),
    "weeks": timedelta(weeks=1),
    "d": timedelta(days=1),
    "day": timedelta(days=1),
    "days": timedelta(days=1),
    "h": timedelta(hours=1),
    "hr": timedelta(hours=1),
    "hrs": timedelta(hours=1),
    "hour": timedelta(hours=1),
    "hours": timedelta(hours=1),
    "m": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "mins": timedelta(minutes=1),
    "minute": timedelta(minutes=1),
    "minutes": timedelta(minutes=1),
}
# Longest spellings first so "hours" is not read as "h" followed by junk.
_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_PART = re.compile(rf"(\d{{1,5}})\s*({_UNIT})(?![a-z])")
_ITEM = re.compile(rf"(?:\d{{1,5}}\s*(?:{_UNIT})(?![a-z]))+")
# Items are split at commas/semicolons/"and", and at a space followed by a digit, so "1d 2h" is
# two reminders while "1d2h" and "1 day" are one each.
_SPLIT = re.compile(r"[,;]|\band\b|\s+(?=\d)")
_NOTHING = {"", "none", "no", "off", "never"}


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """ "1d,1h,15m" → (1 day, 1 hour, 15 minutes): unique, longest (earliest reminder) first.

    "none" or an empty string means no reminders. Raises ValueError with a reason a member can
    act on, naming the item that was not understood.
    """
    cleaned = text.strip().lower()
    if cleaned in _NOTHING:
        return ()
    found: set[timedelta] = set()
    for raw in _SPLIT.split(cleaned):
        item = raw.strip()
        if not item:
            continue
        if not _ITEM.fullmatch(item):
            if item.isdigit() and int(item) == 0:
                raise ValueError("“0” isn't a reminder time. For no reminders, write “none”.")
            if item.isdigit():
                raise ValueError(
                    f"{quoted(item)} needs a unit: m for minutes, h for hours, d for days "
                    f"(for example {item}m). For no reminders, write “none”."
                )
            raise ValueError(
                f"I couldn't read {quoted(item)}. Write times like 15m, 2h or 1d, separated by "
                "commas."
            )
        offset = sum((int(n) * _UNITS[unit] for n, unit in _PART.findall(item)), start=timedelta(0))
        if offset <= timedelta(0):
            raise ValueError(
                f"{quoted(item)} is zero: a reminder has to come before the meeting. "
                "For no reminders, write “none”."
            )
        if offset > MAX_OFFSET:
            raise ValueError(
                f"{quoted(item)} is too early: reminders can be at most 14 days before."
            )
        found.add(offset)
    if not found:
        return ()
    if len(found) > MAX_OFFSETS:
        raise ValueError(f"That's {len(found)} reminders; {MAX_OFFSETS} is the most per meeting.")
    return tuple(sorted(found, reverse=True))


def _parts(offset: timedelta) -> list[tuple[int, str, str]]:
    """(amount, short unit, long unit) pieces, days first, zero pieces left out."""
    if offset < timedelta(0):
        raise ValueError("a reminder offset can't be negative")
    seconds = int(offset.total_seconds())
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    pieces = [(days, "d", "day"), (hours, "h", "hour"), (minutes, "m", "minute")]
    found = [piece for piece in pieces if piece[0]]
    # Offsets come from whole minutes; seconds only appear if someone built one by hand.
    if secs:
        found.append((secs, "s", "second"))
    return found


def format_offset(offset: timedelta) -> str:
    """timedelta(days=1, hours=2) → "1 day 2 hours"."""
    pieces = _parts(offset)
    if not pieces:
        return "0 minutes"
    return " ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, _, word in pieces)


def offsets_spec(offsets: Iterable[timedelta]) -> str:
    """The compact form parse_offsets reads back: (1 day, 15 minutes) → "1d,15m"; none → "none"."""
    ordered = sorted(set(offsets), reverse=True)
    if not ordered:
        return "none"
    return ",".join("".join(f"{n}{short}" for n, short, _ in _parts(o)) for o in ordered)
