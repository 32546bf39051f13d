"""The daily meetings digest: one post a day listing the day's imported meetings, at a local time
the server chooses, instead of a reminder per meeting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain.local_time import at_local_time, local_date, parse_hhmm

DEFAULT_DIGEST_TIME = "08:00"
OFF = "off"
# A digest missed while Hearth or the server was away is still posted this long after its time.
DIGEST_LATE_LIMIT = timedelta(hours=6)
MESSAGE_LIMIT = 2000


@dataclass(frozen=True)
class DigestDue:
    day: date  # the local day the digest is for
    at: datetime  # its UTC moment


def parse_digest_time(text: str) -> time | None:
    """The stored setting: a clock time, or None for "off"."""
    if text.strip().lower() == OFF:
        return None
    return parse_hhmm(text)


def digest_setting(text: str) -> str | None:
    """The stored setting as HH:MM for people to read, or None when it is off."""
    at = parse_digest_time(text)
    return f"{at:%H:%M}" if at is not None else None


def latest_due(now: datetime, zone: str, at: time) -> DigestDue | None:
    """Today's digest if its time has come and it is not too late for it, else None."""
    today = local_date(now, zone)
    for day in (today, today - timedelta(days=1)):
        moment = at_local_time(day, at, zone)
        if moment <= now:
            return DigestDue(day, moment) if now - moment < DIGEST_LATE_LIMIT else None
    return None


def gives_up_at(day: date, zone: str, at: time | None) -> datetime | None:
    """When a digest for `day` that hasn't gone out is given up (None: the digest is off, so
    it is given up at once): `latest_due` stops offering it then."""
    if at is None:
        return None
    return at_local_time(day, at, zone) + DIGEST_LATE_LIMIT


def next_due(now: datetime, zone: str, at: time) -> datetime:
    """The next digest moment strictly after now (its local time, whatever the DST offset)."""
    today = local_date(now, zone)
    for day in (today, today + timedelta(days=1), today + timedelta(days=2)):
        moment = at_local_time(day, at, zone)
        if moment > now:
            return moment
    raise AssertionError("a clock time comes round within two days")


def day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """The UTC instants where the local day starts and ends."""
    return at_local_time(day, time(0), zone), at_local_time(day + timedelta(days=1), time(0), zone)


def split_messages(
    header: str, continued: str, entries: Sequence[str], limit: int = MESSAGE_LIMIT
) -> list[str]:
    """Entries (one line each) packed into as few messages as fit, in order, never cutting an
    entry: a new message starts with `continued` when the next entry doesn't fit."""
    messages: list[str] = []
    current = header
    for entry in entries:
        line = entry if len(entry) <= limit - len(continued) - 1 else entry[: limit // 2] + "…"
        if len(current) + 1 + len(line) > limit:
            messages.append(current)
            current = continued
        current += "\n" + line
    messages.append(current)
    return messages
