"""Meeting Guide feeds (JSON arrays of weekly meetings) → meetings Hearth can schedule.

Works on already-decoded JSON and never raises for one bad meeting: each is either imported or
skipped with a plain-English reason the organizer sees in the import report. Real feeds bend
the spec (days as strings, numeric slugs, empty strings for absent values, unknown codes), so
every field is read defensively.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache
from typing import Any, NoReturn
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from bot.domain.meeting_types import MeetingTypes
from bot.domain.recurrence import MIN_MEETING_LENGTH, Schedule
from bot.domain.timezones import canonical_timezone

MAX_MEETINGS = 5_000
NAME_LIMIT = 100  # Discord's limit for a scheduled event name
NOTES_LIMIT = 1_000
URL_LIMIT = 512  # Discord's limit for a link button
DEFAULT_DURATION = timedelta(hours=1)  # what the spec says apps assume without end_time
# An end time far from the start is usually a typo (18:59 for a 19:00 start), not a 23-hour
# meeting, and one a few minutes after it (19:03) is one too; such meetings get the default length.
MIN_DURATION = MIN_MEETING_LENGTH
MAX_DURATION = timedelta(hours=12)
ONLINE_CODE = "ONL"  # TSML's code for online meetings; not in the spec table, so "unknown"
CLOSED_CODE = "TC"  # "Location Temporarily Closed"

# Meeting Guide numbering: 0 = Sunday. Some spreadsheet exports write the day's name instead.
_DAY_WORDS = ("sunday sun", "monday mon", "tuesday tue tues", "wednesday wed")
_DAY_WORDS += ("thursday thu thur thurs", "friday fri", "saturday sat")
_DAY_NAMES = {word: number for number, words in enumerate(_DAY_WORDS) for word in words.split()}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$", re.I | re.A)
_PHONE = re.compile(r"^[\d\s+().,*#pw/-]{5,60}$", re.IGNORECASE)
_TYPE_SEPARATORS = re.compile(r"[,;\s]+")
_ONLINE_WORDS = {"online", "zoom", "virtual", "online meeting", "phone", "web"}


@dataclass(frozen=True)
class ImportedMeeting:
    slug: str
    name: str
    weekdays: tuple[int, ...]  # Python weekdays: 0 = Monday … 6 = Sunday
    start_time: time
    duration: timedelta
    zone: str
    types: tuple[str, ...]
    unknown_types: tuple[str, ...]
    conference_url: str | None
    conference_phone: str | None
    notes: str | None
    location: str | None
    online: bool
    in_person: bool


@dataclass(frozen=True)
class Skipped:
    slug: str | None
    name: str | None
    reason: str


@dataclass(frozen=True)
class ParsedFeed:
    meetings: list[ImportedMeeting]
    skipped: list[Skipped]


class _Skip(Exception):
    """One meeting can't be imported; the message is the reason shown to the organizer."""


def _text(value: Any, limit: int = 2_000) -> str | None:
    """A trimmed string, or None for absent/empty/non-text values; numbers become text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if not isinstance(value, str):
        return None
    # WordPress-made feeds often carry HTML entities ("Serenity &amp; Sobriety", "&#8217;").
    cleaned = html.unescape(value[: limit * 2]).strip()
    return cleaned[:limit] or None


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _slug(value: Any) -> str | None:
    if isinstance(value, float) and not value.is_integer():
        return None
    return _text(value, limit=200)


def _day(value: Any) -> int | None:
    """A Meeting Guide day (0 = Sunday) → Python weekday; None when absent; _Skip when junk."""
    if value is None:
        return None
    number: int | None = None
    if isinstance(value, bool):
        _bad_day()
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        cleaned = value.strip().lower()
        if not cleaned:
            return None
        digits = cleaned.isascii() and cleaned.isdigit()  # int() refuses some Unicode "digits"
        number = int(cleaned) if digits else _DAY_NAMES.get(cleaned.rstrip("."))
    if number is None or not 0 <= number <= 6:
        _bad_day()
    return (number - 1) % 7


def _bad_day() -> NoReturn:
    raise _Skip("day isn't 0 (Sunday) to 6 (Saturday)")


def _weekdays(value: Any) -> tuple[int, ...]:
    items = value if isinstance(value, list) else [value]
    days = {day for day in (_day(item) for item in items[:7]) if day is not None}
    return tuple(sorted(days))


def _clock(value: Any) -> time | None:
    text = _text(value, limit=20)
    match = _TIME.match(text) if text else None
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    half = (match.group(4) or "").lower().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _duration(start: time, end_value: Any) -> timedelta:
    end = _clock(end_value)
    if end is None:
        return DEFAULT_DURATION
    minutes = (end.hour * 60 + end.minute - start.hour * 60 - start.minute) % (24 * 60)
    length = timedelta(minutes=minutes)  # modulo: 23:00–00:30 wraps past midnight
    return length if MIN_DURATION <= length <= MAX_DURATION else DEFAULT_DURATION


def _type_codes(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    codes: list[str] = []
    for item in items[:100]:
        text = _text(item, limit=200)
        if text:
            codes.extend(_TYPE_SEPARATORS.split(text))
    return codes


def _conference_url(value: Any) -> str | None:
    text = _text(value, limit=URL_LIMIT + 1)
    if not text or len(text) > URL_LIMIT or any(c.isspace() for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return text


def _phone(value: Any) -> str | None:
    text = _text(value, limit=80)
    if not text or not _PHONE.match(text) or sum(c.isdigit() for c in text) < 5:
        return None
    return text


def _physical_address(item: dict[str, Any]) -> str | None:
    """The formatted address when the feed gives a real place, else None.

    Online meetings often carry an approximate "Chicago, IL, USA" only to place them on a map,
    so an address counts as physical only with a street part: an `address` field, a house
    number in `formatted_address`, or `approximate` explicitly "no".
    """
    approximate = (_text(item.get("approximate"), limit=10) or "").lower()
    if approximate == "yes":
        return None
    street = _text(item.get("address"), limit=200)
    formatted = _text(item.get("formatted_address"), limit=300)
    if formatted:
        first_part = formatted.split(",")[0]
        if not (street or approximate == "no" or any(c.isdigit() for c in first_part)):
            return None
        return formatted
    if not street:
        return None
    region = " ".join(
        part for part in (_text(item.get("state"), 60), _text(item.get("postal_code"), 20)) if part
    )
    parts = [street, _text(item.get("city"), 100), region, _text(item.get("country"), 60)]
    return ", ".join(part for part in parts if part)


def _place(item: dict[str, Any], address: str) -> str:
    building = _text(item.get("location"), limit=150)
    if building and building.lower() not in _ONLINE_WORDS and building not in address:
        return _clip(f"{building}, {address}", 300)
    return _clip(address, 300)


def _feed_zone(name: str) -> str | None:
    """The bot's spelling of a zone name; a legacy alias the tz database still ships (such as
    US/Eastern) is kept as given, because it names the right clock where the default might not."""
    return canonical_timezone(name) or (name if name in _all_zones() else None)


@cache
def _all_zones() -> frozenset[str]:
    return frozenset(available_timezones())  # scans tzdata: once per process, not per meeting


def _notes(item: dict[str, Any]) -> str | None:
    text = _text(item.get("notes"), limit=NOTES_LIMIT * 4) or _text(
        item.get("description"), limit=NOTES_LIMIT * 4
    )
    if not text:
        return None
    # Tidy Windows line endings and long runs of blank lines that feeds often carry.
    text = re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _clip(text, NOTES_LIMIT)


def _meeting(
    item: dict[str, Any],
    slug: str,
    name: str,
    default_zone: str,
    types: MeetingTypes,
    *,
    include_in_person: bool,
) -> ImportedMeeting:
    raw_day, raw_time = item.get("day"), item.get("time")
    weekdays = _weekdays(raw_day)
    start = _clock(raw_time)
    if not weekdays and not _text(raw_time):
        raise _Skip("appointment only (no day or time)")
    if not weekdays:
        raise _Skip("no meeting day")
    if start is None:
        raise _Skip("time missing or not HH:MM")

    codes = _type_codes(item.get("types"))
    known, unknown = types.classify(codes)
    folded = {code.casefold() for code in codes}
    closed = CLOSED_CODE.casefold() in folded

    conference_url = _conference_url(item.get("conference_url"))
    conference_phone = _phone(item.get("conference_phone"))
    online = bool(conference_url or conference_phone or ONLINE_CODE.casefold() in folded)
    address = None if closed else _physical_address(item)
    in_person = address is not None
    if not online:
        if closed:
            raise _Skip("location temporarily closed and no online link or phone")
        if not in_person:
            raise _Skip("no online link, phone or address")
        if not include_in_person:
            raise _Skip("in-person only")

    zone_name = _text(item.get("timezone"), limit=64)
    zone = (_feed_zone(zone_name) if zone_name else None) or default_zone
    return ImportedMeeting(
        slug=slug,
        name=name,
        weekdays=weekdays,
        start_time=start,
        duration=_duration(start, item.get("end_time")),
        zone=zone,
        types=known,
        unknown_types=unknown,
        conference_url=conference_url,
        conference_phone=conference_phone,
        notes=_notes(item),
        location=_place(item, address) if address else None,
        online=online,
        in_person=in_person,
    )


def parse_feed(
    data: Any, *, default_zone: str, types: MeetingTypes, include_in_person: bool = False
) -> ParsedFeed:
    """Every entry becomes an ImportedMeeting or a Skipped with its reason, in feed order."""
    if not isinstance(data, list):
        raise ValueError("the feed isn't a list of meetings")
    ZoneInfo(default_zone)  # a bad default is a programming error: fail loudly, not per meeting
    meetings: list[ImportedMeeting] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for index, item in enumerate(data):
        is_meeting = isinstance(item, dict)
        slug = _slug(item.get("slug")) if is_meeting else None
        name = _text(item.get("name"), limit=NAME_LIMIT * 3) if is_meeting else None
        name = _clip(name, NAME_LIMIT) if name else None
        if index >= MAX_MEETINGS:
            # Counted but never examined, so a giant feed costs little more than its download.
            skipped.append(Skipped(slug, name, f"past the {MAX_MEETINGS:,}-meeting limit"))
            continue
        if not is_meeting:
            skipped.append(Skipped(None, None, "not a meeting object"))
            continue
        if slug is None:
            skipped.append(Skipped(None, name, "no slug"))
            continue
        if len(slug) > 100:
            skipped.append(Skipped(None, name, "slug longer than 100 characters"))
            continue
        if slug in seen:
            skipped.append(Skipped(slug, name, "duplicate slug"))
            continue
        seen.add(slug)
        if name is None:
            skipped.append(Skipped(slug, None, "no name"))
            continue
        try:
            meetings.append(
                _meeting(item, slug, name, default_zone, types, include_in_person=include_in_person)
            )
        except _Skip as reason:
            skipped.append(Skipped(slug, name, str(reason)))
    return ParsedFeed(meetings=meetings, skipped=skipped)


def schedule_for(meeting: ImportedMeeting, *, anchor: date) -> Schedule:
    """A weekly Schedule for an imported meeting (the Meeting Guide format is weekly only)."""
    return Schedule(
        weekdays=meeting.weekdays,
        start_time=meeting.start_time,
        zone=meeting.zone,
        duration=meeting.duration,
        anchor=anchor,
    )
