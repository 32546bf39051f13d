"""Meetings as an RFC 5545 .ics file that calendar apps import, built with `icalendar`.

Each meeting is one VEVENT whose RRULE reproduces `bot.domain.recurrence` exactly: the start is
written as local wall-clock time with its TZID, so apps keep 19:00 local across DST just like
the bot does, and both resolve gap/overlap times the same way (see recurrence._start_utc).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vRecur

from bot.domain.recurrence import (
    Repeat,
    Schedule,
    first_occurrence_date,
    occurs_on,
    start_on,
)

PRODID = "-//Hearth//Meetings//EN"
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# VTIMEZONE rules are written out for a span of years; apps that know the zone by name use
# their own rules anyway, the rest need ours to cover the years they will show.
_ZONE_YEARS_AHEAD = 10


@dataclass(frozen=True)
class CalendarMeeting:
    uid: str
    name: str
    description: str | None
    location: str | None
    url: str | None
    schedule: Schedule
    skipped: tuple[date, ...] = ()


def _local(schedule: Schedule, day: date) -> datetime:
    """Wall-clock start on `day` in the meeting's zone, as the .ics writes it (with TZID).

    On a spring-forward day this may name a time that does not exist (02:30); RFC 5545 reads
    it with the offset before the gap, which is the instant the bot uses too.
    """
    return datetime.combine(day, schedule.start_time, tzinfo=ZoneInfo(schedule.zone))


def _rrule(schedule: Schedule) -> vRecur:
    rule: dict[str, object] = {}
    if schedule.repeat is Repeat.MONTHLY:
        rule["FREQ"] = "MONTHLY"
        # Each listed weekday's nth in the month: BYDAY=2TU,2TH; the last is -1FR.
        rule["BYDAY"] = [f"{schedule.nth}{_BYDAY[d]}" for d in schedule.weekdays]
    else:
        rule["FREQ"] = "WEEKLY"
        if schedule.repeat is Repeat.BIWEEKLY:
            rule["INTERVAL"] = 2
        rule["BYDAY"] = [_BYDAY[d] for d in schedule.weekdays]
        # Weeks start on Monday, as in recurrence's biweekly parity; said explicitly because
        # some apps assume Sunday, which would shift which Sunday meetings belong to a week.
        rule["WKST"] = "MO"
    if schedule.until is not None:
        # UNTIL must be UTC when DTSTART has a TZID; the start on the last allowed day is the
        # latest instant any occurrence can have, so it includes that day and nothing after.
        rule["UNTIL"] = start_on(schedule, schedule.until)
    return vRecur(rule)


def _event(meeting: CalendarMeeting, first: date, stamp: datetime) -> Event:
    schedule = meeting.schedule
    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", stamp)
    event.add("summary", meeting.name)
    # DTSTART is the series' first occurrence (on or after the anchor): RFC 5545 counts it as an
    # instance, so it must match the rule; a cancelled first date becomes an EXDATE like others.
    event.add("dtstart", _local(schedule, first))
    event.add("duration", schedule.duration)
    event.add("rrule", _rrule(schedule))
    cancelled = sorted({day for day in meeting.skipped if occurs_on(schedule, day)})
    if cancelled:
        event.add("exdate", [_local(schedule, day) for day in cancelled])
    if meeting.description:
        event.add("description", meeting.description)
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.url:
        event.add("url", meeting.url)
    return event


def render_ics(
    meetings: Sequence[CalendarMeeting], *, calendar_name: str, generated_at: datetime
) -> bytes:
    """The .ics bytes; the same inputs always give the same bytes (stamp = generated_at)."""
    if generated_at.tzinfo is None:
        raise ValueError("generated_at must be an aware datetime")
    stamp = generated_at.astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)

    events: list[Event] = []
    first_dates: dict[str, date] = {}
    last_dates: dict[str, date] = {}
    for meeting in meetings:
        first = first_occurrence_date(meeting.schedule)
        if first is None:  # ends before it ever meets: nothing for a calendar to show
            continue
        events.append(_event(meeting, first, stamp))
        zone = meeting.schedule.zone
        last = meeting.schedule.until or first
        first_dates[zone] = min(first, first_dates.get(zone, first))
        last_dates[zone] = max(last, last_dates.get(zone, last))

    horizon = stamp.date()
    for zone in sorted(first_dates):
        last = max(last_dates[zone], horizon)
        timezone = Timezone.from_tzid(
            zone,
            first_date=first_dates[zone] - timedelta(days=1),
            last_date=date(min(last.year + _ZONE_YEARS_AHEAD, 9998), 12, 31),
        )
        calendar.add_component(timezone)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
