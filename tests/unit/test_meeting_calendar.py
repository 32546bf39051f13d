"""The .ics export, parsed back with icalendar and expanded: same starts as the bot computes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import icalendar
import pytest
from dateutil.rrule import rruleset, rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.recurrence import Repeat, Schedule, local_date_of, occurrences
from bot.rendering.meeting_calendar import CalendarMeeting, render_ics

START, END = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
STAMP = datetime(2024, 12, 20, 9, 30, 15, 123, tzinfo=UTC)


def schedule(
    weekdays: tuple[int, ...],
    at: time,
    zone: str,
    repeat: Repeat = Repeat.WEEKLY,
    *,
    anchor: date = date(2025, 1, 1),
    nth: int | None = None,
    until: date | None = None,
) -> Schedule:
    duration = timedelta(minutes=75)
    return Schedule(weekdays, at, zone, duration, repeat, anchor=anchor, nth=nth, until=until)


CASES: list[tuple[str, Schedule, tuple[date, ...]]] = [
    (
        "weekly-ny",
        schedule((1, 3), time(19), "America/New_York"),
        (
            date(2025, 3, 6),
            date(2025, 3, 11),
            date(2025, 11, 4),
            date(2025, 3, 12),
        ),  # last: no meeting
    ),
    (
        "biweekly-london",
        schedule((0,), time(18, 30), "Europe/London", Repeat.BIWEEKLY, anchor=date(2025, 1, 8)),
        (date(2025, 3, 31),),
    ),
    (
        "biweekly-sunday-sydney",
        schedule((0, 6), time(10), "Australia/Sydney", Repeat.BIWEEKLY),
        (date(2025, 1, 5),),  # the very first occurrence cancelled
    ),
    (
        "monthly-2nd-sydney",
        schedule((1, 3), time(19, 45), "Australia/Sydney", Repeat.MONTHLY, nth=2),
        (date(2025, 4, 8),),
    ),
    (
        "monthly-last-kolkata",
        schedule((4,), time(20), "Asia/Kolkata", Repeat.MONTHLY, nth=-1, until=date(2025, 10, 31)),
        (date(2025, 5, 30),),
    ),
    (
        "monthly-gap-ny",  # 2nd Sunday 02:30: 9 March 2025 has no 02:30 in New York
        schedule((6,), time(2, 30), "America/New_York", Repeat.MONTHLY, nth=2),
        (),
    ),
    (
        "monthly-overlap-ny",  # 1st Sunday 01:30: 2 November 2025 has two
        schedule((6,), time(1, 30), "America/New_York", Repeat.MONTHLY, nth=1),
        (),
    ),
    (
        "weekly-until-london",
        schedule((2,), time(7), "Europe/London", until=date(2025, 4, 2)),
        (date(2025, 3, 26),),
    ),
]


def meetings() -> list[CalendarMeeting]:
    return [
        CalendarMeeting(
            uid=f"{name}@hearth",
            name=f"Meeting {name}",
            description="Open discussion; all welcome, really.",
            location="#meeting-room",
            url="https://discord.com/channels/1/2",
            schedule=rule,
            skipped=skipped,
        )
        for name, rule, skipped in CASES
    ]


def render(items: list[CalendarMeeting] | None = None) -> bytes:
    items = meetings() if items is None else items
    return render_ics(items, calendar_name="Hearth meetings", generated_at=STAMP)


def expand(event: Any, start: datetime, end: datetime, tz: Any = None) -> list[datetime]:
    """The event's starts in [start, end) as a calendar app would compute them.

    With `tz`, wall-clock times are read in that timezone instead (the embedded VTIMEZONE).
    """
    dtstart = event.decoded("dtstart")
    if tz is not None:
        dtstart = dtstart.replace(tzinfo=tz)
    rules = rruleset()
    for rule in event.rrules:
        rules.rrule(rrulestr(rule.to_ical().decode(), dtstart=dtstart))
    for exdate in event.exdates:
        rules.exdate(exdate if tz is None else exdate.replace(tzinfo=tz))
    window = rules.between(start - timedelta(days=2), end + timedelta(days=2), inc=True)
    return [t.astimezone(UTC) for t in window if start <= t.astimezone(UTC) < end]


def test_round_trip_matches_occurrences() -> None:
    calendar = icalendar.Calendar.from_ical(render())
    events = {str(event["uid"]): event for event in calendar.events}
    zones = {str(tz["tzid"]): tz.to_tz(lookup_tzid=False) for tz in calendar.timezones}
    assert len(events) == len(CASES)
    for name, rule, skipped in CASES:
        event = events[f"{name}@hearth"]
        expected = occurrences(rule, START, END, skipped=skipped)
        assert expand(event, START, END) == expected, name
        # Apps without their own tz database read our VTIMEZONE; it must agree too.
        assert expand(event, START, END, zones[rule.zone]) == expected, name
        assert event.decoded("duration") == timedelta(minutes=75)
        assert len(expected) > 5


def test_calendar_properties() -> None:
    body = render()
    text = body.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["prodid"]) == "-//Hearth//Meetings//EN"
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["x-wr-calname"]) == "Hearth meetings"
    used = {rule.zone for _, rule, _ in CASES}
    assert sorted(str(tz["tzid"]) for tz in calendar.timezones) == sorted(used)
    event = next(e for e in calendar.events if str(e["uid"]) == "weekly-ny@hearth")
    assert str(event["summary"]) == "Meeting weekly-ny"
    assert str(event["description"]) == "Open discussion; all welcome, really."
    assert str(event["location"]) == "#meeting-room"
    assert str(event["url"]) == "https://discord.com/channels/1/2"
    assert event.decoded("dtstamp") == datetime(2024, 12, 20, 9, 30, 15, tzinfo=UTC)


def test_rules_as_written() -> None:
    lines = render().decode().replace("\r\n ", "").split("\r\n")
    rrules = [line for line in lines if line.startswith("RRULE:")]
    assert rrules == [
        "RRULE:FREQ=WEEKLY;BYDAY=TU,TH;WKST=MO",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;WKST=MO",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU;WKST=MO",
        "RRULE:FREQ=MONTHLY;BYDAY=2TU,2TH",
        "RRULE:FREQ=MONTHLY;UNTIL=20251031T143000Z;BYDAY=-1FR",
        "RRULE:FREQ=MONTHLY;BYDAY=2SU",
        "RRULE:FREQ=MONTHLY;BYDAY=1SU",
        "RRULE:FREQ=WEEKLY;UNTIL=20250402T060000Z;BYDAY=WE;WKST=MO",
    ]
    starts = [line for line in lines if line.startswith("DTSTART;")]
    # The first occurrence on or after the anchor, written as local wall-clock time.
    assert starts[:3] == [
        "DTSTART;TZID=America/New_York:20250102T190000",
        "DTSTART;TZID=Europe/London:20250120T183000",
        "DTSTART;TZID=Australia/Sydney:20250105T100000",
    ]
    assert "DTSTART;TZID=America/New_York:20250112T023000" in starts
    exdates = [line for line in lines if line.startswith("EXDATE")]
    # Only real meeting dates become EXDATEs (12 March 2025 was a Wednesday: left out).
    assert (
        exdates[0] == "EXDATE;TZID=America/New_York:20250306T190000,20250311T190000,20251104T190000"
    )
    assert "EXDATE;TZID=Australia/Sydney:20250105T100000" in exdates


def test_output_is_deterministic() -> None:
    assert render() == render()
    reordered = render(list(reversed(meetings())))
    assert reordered != render()  # order is the caller's, kept as given
    assert sorted(reordered.split(b"\r\n")) == sorted(render().split(b"\r\n"))


def test_series_that_never_meets_is_left_out() -> None:
    never = CalendarMeeting(
        uid="never@hearth",
        name="Never",
        description=None,
        location=None,
        url=None,
        # A Monday-only series from Tuesday to Sunday of the same week.
        schedule=schedule((0,), time(9), "UTC", anchor=date(2025, 1, 7), until=date(2025, 1, 12)),
    )
    calendar = icalendar.Calendar.from_ical(render([never]))
    assert calendar.events == [] and calendar.timezones == []


def test_naive_generated_at_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        render_ics([], calendar_name="x", generated_at=datetime(2025, 1, 1))


ZONES = ["America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "Europe/Dublin"]


@st.composite
def calendar_meetings(draw: st.DrawFn) -> CalendarMeeting:
    repeat = draw(st.sampled_from(list(Repeat)))
    anchor = draw(st.dates(date(2024, 6, 1), date(2025, 6, 1)))
    rule = Schedule(
        weekdays=tuple(draw(st.sets(st.integers(0, 6), min_size=1, max_size=3))),
        start_time=time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30, 45]))),
        zone=draw(st.sampled_from(ZONES)),
        duration=timedelta(minutes=draw(st.integers(15, 180))),
        repeat=repeat,
        anchor=anchor,
        nth=draw(st.sampled_from([1, 2, 3, 4, -1])) if repeat is Repeat.MONTHLY else None,
        until=draw(st.none() | st.dates(anchor, date(2026, 6, 1))),
    )
    found = occurrences(rule, START, END)
    picked = draw(st.lists(st.sampled_from(found), max_size=4)) if found else []
    return CalendarMeeting(
        uid="prop@hearth",
        name="Property",
        description=None,
        location=None,
        url=None,
        schedule=rule,
        skipped=tuple(local_date_of(rule, t) for t in picked),
    )


@settings(max_examples=60, deadline=None)
@given(calendar_meetings())
def test_round_trip_property(meeting: CalendarMeeting) -> None:
    calendar = icalendar.Calendar.from_ical(render([meeting]))
    expected = occurrences(meeting.schedule, START, END, skipped=meeting.skipped)
    if not calendar.events:
        assert occurrences(meeting.schedule, START - timedelta(days=800), END) == []
        return
    assert expand(calendar.events[0], START, END) == expected
