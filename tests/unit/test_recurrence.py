"""Recurrence maths: DST in both hemispheres, nth-weekday months, skips, and property checks."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.recurrence import (
    Repeat,
    Schedule,
    describe,
    first_occurrence_date,
    local_date_of,
    next_occurrence,
    occurrences,
    occurs_on,
    start_on,
)

HOUR = timedelta(hours=1)
JAN1 = date(2025, 1, 1)


def make(
    weekdays: tuple[int, ...],
    at: time,
    zone: str,
    repeat: Repeat = Repeat.WEEKLY,
    *,
    anchor: date = JAN1,
    nth: int | None = None,
    until: date | None = None,
) -> Schedule:
    return Schedule(weekdays, at, zone, HOUR, repeat, anchor=anchor, nth=nth, until=until)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


YEAR_2025 = (utc(2025, 1, 1), utc(2026, 1, 1))


# A weekly meeting and its UTC starts (2025, "MM-DDTHH:MM") either side of both DST changes.
@pytest.mark.parametrize(
    ("zone", "weekday", "at", "expected"),
    [
        # Clocks go forward 9 March and back 2 November.
        ("America/New_York", 1, time(19), "03-05T00:00 03-11T23:00 10-28T23:00 11-05T00:00"),
        # BST from 30 March to 26 October: meetings on the change days themselves.
        ("Europe/London", 6, time(18, 30), "03-23T18:30 03-30T17:30 10-19T17:30 10-26T18:30"),
        # Southern hemisphere: summer time ends 6 April and starts 5 October.
        ("Australia/Sydney", 6, time(10), "03-29T23:00 04-06T00:00 09-28T00:00 10-04T23:00"),
        # No DST at all: always UTC+05:30.
        ("Asia/Kolkata", 2, time(19), "03-05T13:30 07-02T13:30 11-05T13:30"),
    ],
)
def test_local_time_kept_across_dst(zone: str, weekday: int, at: time, expected: str) -> None:
    schedule = make((weekday,), at, zone)
    found = occurrences(schedule, *YEAR_2025)
    assert len(found) in (52, 53)
    for moment in expected.split():
        assert datetime.fromisoformat(f"2025-{moment}+00:00") in found
    tz = ZoneInfo(zone)
    assert {moment.astimezone(tz).time() for moment in found} == {at}
    assert all(moment.tzinfo is UTC for moment in found)


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected_utc", "expected_local"),
    [
        # Spring-forward gaps: the start moves forward by the gap.
        ("America/New_York", date(2025, 3, 9), time(2, 30), utc(2025, 3, 9, 7, 30), time(3, 30)),
        ("Europe/London", date(2025, 3, 30), time(1, 30), utc(2025, 3, 30, 1, 30), time(2, 30)),
        ("Australia/Sydney", date(2025, 10, 5), time(2, 30), utc(2025, 10, 4, 16, 30), time(3, 30)),
        # Fall-back overlaps: the first of the two identical wall-clock times.
        ("America/New_York", date(2025, 11, 2), time(1, 30), utc(2025, 11, 2, 5, 30), time(1, 30)),
        ("Europe/London", date(2025, 10, 26), time(1, 30), utc(2025, 10, 26, 0, 30), time(1, 30)),
        ("Australia/Sydney", date(2025, 4, 6), time(2, 30), utc(2025, 4, 5, 15, 30), time(2, 30)),
    ],
)
def test_nonexistent_and_ambiguous_times(
    zone: str, day: date, at: time, expected_utc: datetime, expected_local: time
) -> None:
    schedule = make((day.weekday(),), at, zone)
    found = occurrences(schedule, expected_utc - timedelta(days=1), expected_utc + HOUR)
    assert found[-1] == expected_utc
    assert expected_utc.astimezone(ZoneInfo(zone)).time() == expected_local
    assert local_date_of(schedule, expected_utc) == day
    # The week after, the normal wall-clock time again.
    following = next_occurrence(schedule, expected_utc)
    assert following is not None
    assert following.astimezone(ZoneInfo(zone)).time() == at


def test_local_date_of_a_start_pushed_past_midnight() -> None:
    # Samoa skipped Friday 30 December 2011 entirely; a Friday meeting that day lands on the 31st
    # by the clock, but it is still the 30th's meeting.
    schedule = make((4,), time(10), "Pacific/Apia", anchor=date(2011, 12, 1))
    moment = start_on(schedule, date(2011, 12, 30))
    assert moment.astimezone(ZoneInfo("Pacific/Apia")).date() == date(2011, 12, 31)
    assert local_date_of(schedule, moment) == date(2011, 12, 30)
    found = occurrences(schedule, utc(2011, 12, 25), utc(2012, 1, 10))
    assert moment in found and len(found) == 2


def test_weekly_multiple_days() -> None:
    schedule = make((3, 1), time(19), "America/New_York")  # given unsorted: stored sorted
    assert schedule.weekdays == (1, 3)
    found = occurrences(schedule, utc(2025, 3, 1), utc(2025, 3, 15))
    days = [local_date_of(schedule, t) for t in found]
    assert days == [date(2025, 3, 4), date(2025, 3, 6), date(2025, 3, 11), date(2025, 3, 13)]
    assert len(occurrences(schedule, *YEAR_2025)) == 104


def test_biweekly_parity_counts_from_the_anchor_week() -> None:
    # Anchor Wednesday 1 Jan 2025: its week starts Monday 30 Dec, which is before the anchor,
    # so the first Monday is two weeks later, on 13 Jan.
    schedule = make((0,), time(18, 30), "Europe/London", Repeat.BIWEEKLY)
    days = [local_date_of(schedule, t) for t in occurrences(schedule, *YEAR_2025)]
    assert days[:3] == [date(2025, 1, 13), date(2025, 1, 27), date(2025, 2, 10)]
    assert all((b - a).days == 14 for a, b in itertools.pairwise(days))

    both = make((0, 3), time(18, 30), "Europe/London", Repeat.BIWEEKLY)
    days = [local_date_of(both, t) for t in occurrences(both, utc(2025, 1, 1), utc(2025, 2, 1))]
    assert days == [date(2025, 1, d) for d in (2, 13, 16, 27, 30)]
    assert first_occurrence_date(both) == date(2025, 1, 2)

    on_monday = make((0,), time(9), "UTC", Repeat.BIWEEKLY, anchor=date(2025, 1, 6))
    assert first_occurrence_date(on_monday) == date(2025, 1, 6)
    assert not occurs_on(on_monday, date(2025, 1, 13))
    assert occurs_on(on_monday, date(2025, 1, 20))


def _monthly_days(weekdays: tuple[int, ...], nth: int) -> list[date]:
    schedule = make(weekdays, time(20), "Europe/London", Repeat.MONTHLY, nth=nth)
    return [local_date_of(schedule, t) for t in occurrences(schedule, *YEAR_2025)]


def test_monthly_nth_weekday() -> None:
    second_tuesdays = [(1, 14), (2, 11), (3, 11), (4, 8), (5, 13), (6, 10)]
    second_tuesdays += [(7, 8), (8, 12), (9, 9), (10, 14), (11, 11), (12, 9)]
    assert _monthly_days((1,), 2) == [date(2025, m, d) for m, d in second_tuesdays]
    assert _monthly_days((0,), 1)[:3] == [date(2025, 1, 6), date(2025, 2, 3), date(2025, 3, 3)]


def test_monthly_fourth_and_last_differ_in_five_friday_months() -> None:
    fourth = _monthly_days((4,), 4)
    last = _monthly_days((4,), -1)
    assert len(fourth) == len(last) == 12
    # January and May 2025 have five Fridays; February has four, so 4th == last there.
    assert fourth[0] == date(2025, 1, 24) and last[0] == date(2025, 1, 31)
    assert fourth[4] == date(2025, 5, 23) and last[4] == date(2025, 5, 30)
    assert fourth[1] == last[1] == date(2025, 2, 28)


def test_monthly_with_several_weekdays_takes_each_weekdays_nth() -> None:
    days = _monthly_days((0, 3), 1)  # first Monday and first Thursday
    assert days[:4] == [date(2025, 1, 2), date(2025, 1, 6), date(2025, 2, 3), date(2025, 2, 6)]
    assert len(days) == 24


def test_until_is_inclusive_and_ends_the_series() -> None:
    schedule = make((1,), time(19), "America/New_York", until=date(2025, 2, 25))
    found = occurrences(schedule, *YEAR_2025)
    assert local_date_of(schedule, found[-1]) == date(2025, 2, 25)
    assert len(found) == 8
    assert next_occurrence(schedule, found[-1]) is None
    assert next_occurrence(schedule, found[-2]) == found[-1]


def test_nothing_before_the_anchor() -> None:
    schedule = make((1,), time(19), "UTC", anchor=date(2025, 6, 1))
    assert occurrences(schedule, utc(2025, 1, 1), utc(2025, 6, 1)) == []
    assert next_occurrence(schedule, utc(2020, 1, 1)) == utc(2025, 6, 3, 19)


def test_skipped_dates_are_left_out() -> None:
    schedule = make((1, 3), time(19), "America/New_York")
    skipped = {date(2025, 3, 6), date(2025, 3, 11)}
    found = occurrences(schedule, utc(2025, 3, 1), utc(2025, 3, 15), skipped=skipped)
    assert [local_date_of(schedule, t) for t in found] == [date(2025, 3, 4), date(2025, 3, 13)]
    after = utc(2025, 3, 5)
    assert next_occurrence(schedule, after, skipped=skipped) == utc(2025, 3, 13, 23)


def test_next_occurrence_is_strictly_after() -> None:
    schedule = make((1,), time(19), "UTC")
    assert next_occurrence(schedule, utc(2025, 1, 7, 19)) == utc(2025, 1, 14, 19)
    assert next_occurrence(schedule, utc(2025, 1, 7, 18, 59)) == utc(2025, 1, 7, 19)


def test_next_occurrence_looks_past_many_skips() -> None:
    weekly = make((1,), time(19), "America/New_York")
    skipped = [date(2025, 1, 7) + timedelta(weeks=n) for n in range(300)]
    found = next_occurrence(weekly, utc(2025, 1, 1), skipped=skipped)
    assert found is not None
    assert local_date_of(weekly, found) == date(2025, 1, 7) + timedelta(weeks=300)

    last_friday = make((4,), time(20), "Australia/Sydney", Repeat.MONTHLY, nth=-1)
    skips = {local_date_of(last_friday, t) for t in occurrences(last_friday, *YEAR_2025)}
    found = next_occurrence(last_friday, utc(2025, 1, 1), skipped=skips)
    assert found is not None and local_date_of(last_friday, found) == date(2026, 1, 30)

    ending = make((1,), time(19), "UTC", until=date(2025, 3, 1))
    every_date = {date(2025, 1, 1) + timedelta(days=n) for n in range(90)}
    assert next_occurrence(ending, utc(2025, 1, 1), skipped=every_date) is None


def test_naive_datetimes_are_refused() -> None:
    schedule = make((1,), time(19), "UTC")
    with pytest.raises(ValueError, match="aware"):
        occurrences(schedule, datetime(2025, 1, 1), utc(2025, 2, 1))
    with pytest.raises(ValueError, match="aware"):
        next_occurrence(schedule, datetime(2025, 1, 1))
    assert occurrences(schedule, utc(2025, 2, 1), utc(2025, 1, 1)) == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"weekdays": ()}, "at least one weekday"),
        ({"weekdays": (7,)}, "0 \\(Monday\\) to 6"),
        ({"weekdays": (True,)}, "0 \\(Monday\\) to 6"),
        ({"start_time": time(19, tzinfo=UTC)}, "without a time zone"),
        ({"zone": "Mars/Olympus"}, "isn't a time zone"),
        ({"zone": "../etc/passwd"}, "isn't a time zone"),
        ({"zone": "America"}, "isn't a time zone"),
        ({"duration": timedelta(0)}, "at least 5 minutes"),
        ({"duration": timedelta(minutes=4)}, "at least 5 minutes"),
        ({"duration": timedelta(hours=25)}, "at most 24 hours"),
        ({"repeat": "fortnightly"}, "weekly, biweekly or monthly"),
        ({"repeat": Repeat.MONTHLY}, "which week"),
        ({"repeat": Repeat.MONTHLY, "nth": 5}, "which week"),
        ({"repeat": Repeat.MONTHLY, "nth": 0}, "which week"),
        ({"repeat": Repeat.MONTHLY, "nth": 1.0}, "which week"),
        ({"nth": 2}, "only monthly"),
        ({"until": date(2024, 12, 31)}, "before the first date"),
        ({"anchor": datetime(2025, 1, 1)}, "calendar date"),
    ],
)
def test_invalid_schedules(changes: dict[str, object], reason: str) -> None:
    fields = dict(weekdays=(1,), start_time=time(19), zone="UTC", duration=HOUR, anchor=JAN1)
    fields.update(changes)
    with pytest.raises(ValueError, match=reason):
        Schedule(**fields)  # type: ignore[arg-type]


def test_repeat_given_as_text_is_stored_as_enum() -> None:
    schedule = Schedule((1,), time(19), "UTC", HOUR, "biweekly", anchor=date(2025, 1, 1))  # type: ignore[arg-type]
    assert schedule.repeat is Repeat.BIWEEKLY


def test_describe() -> None:
    weekly = make((1, 3), time(19), "America/New_York")
    assert describe(weekly) == "Every Tuesday and Thursday at 19:00 (America/New_York)"
    biweekly = make((0,), time(18, 30), "Europe/London", Repeat.BIWEEKLY)
    assert describe(biweekly) == "Every other Monday at 18:30 (Europe/London)"
    last = make((4,), time(20), "Asia/Kolkata", Repeat.MONTHLY, nth=-1)
    assert describe(last) == "On the last Friday of each month at 20:00 (Asia/Kolkata)"
    second = make((1, 3), time(9, 5), "UTC", Repeat.MONTHLY, nth=2)
    assert describe(second) == "On the second Tuesday and Thursday of each month at 09:05 (UTC)"
    ending = make((0, 2, 4), time(7), "UTC", until=date(2025, 12, 31))
    assert describe(ending) == (
        "Every Monday, Wednesday and Friday at 07:00 (UTC) until 31 December 2025"
    )
    assert describe(make(tuple(range(7)), time(12), "UTC")) == "Every day at 12:00 (UTC)"


# ---- properties ------------------------------------------------------------------------------

# Besides the usual: Lord Howe shifts by 30 minutes, Dublin has "negative" DST in the tz
# database, and Santiago changes at midnight.
ZONES = ["America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "UTC"]
ZONES += ["Australia/Lord_Howe", "Europe/Dublin", "America/Santiago"]


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    repeat = draw(st.sampled_from(list(Repeat)))
    anchor = draw(st.dates(date(2020, 1, 1), date(2030, 12, 31)))
    until = draw(st.none() | st.integers(0, 800).map(lambda n: anchor + timedelta(days=n)))
    nth = draw(st.sampled_from([1, 2, 3, 4, -1])) if repeat is Repeat.MONTHLY else None
    at = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45, 59])))
    days = tuple(draw(st.sets(st.integers(0, 6), min_size=1)))
    zone = draw(st.sampled_from(ZONES))
    return Schedule(days, at, zone, HOUR, repeat, anchor=anchor, nth=nth, until=until)


windows = st.tuples(
    st.datetimes(datetime(2019, 6, 1), datetime(2031, 6, 1), timezones=st.just(UTC)),
    st.integers(1, 400 * 24),
).map(lambda pair: (pair[0], pair[0] + timedelta(hours=pair[1])))


def _oracle(schedule: Schedule, day: date) -> bool:
    """An independent statement of the rule, by counting rather than by construction."""
    if day < schedule.anchor or (schedule.until and day > schedule.until):
        return False
    if day.weekday() not in schedule.weekdays:
        return False
    if schedule.repeat is Repeat.BIWEEKLY:
        anchor_monday = schedule.anchor - timedelta(days=schedule.anchor.weekday())
        return (day - anchor_monday).days % 14 < 7
    if schedule.repeat is Repeat.MONTHLY:
        if schedule.nth == -1:
            return (day + timedelta(days=7)).month != day.month
        return (day.day - 1) // 7 + 1 == schedule.nth
    return True


@settings(max_examples=150, deadline=None)
@given(schedules(), windows)
def test_occurrence_properties(schedule: Schedule, window: tuple[datetime, datetime]) -> None:
    start, end = window
    found = occurrences(schedule, start, end)
    zone = ZoneInfo(schedule.zone)
    assert all(a < b for a, b in itertools.pairwise(found))
    assert all(start <= t < end and t.tzinfo is UTC for t in found)
    days = [local_date_of(schedule, t) for t in found]
    for moment, day in zip(found, days, strict=True):
        assert day.weekday() in schedule.weekdays
        assert occurs_on(schedule, day)
        assert start_on(schedule, day) == moment
        wall = moment.astimezone(zone).replace(tzinfo=None)
        if wall.time() != schedule.start_time:  # only in a spring-forward gap, moved by its size
            local = datetime.combine(day, schedule.start_time, tzinfo=zone)
            gap = local.replace(fold=1).utcoffset() - local.utcoffset()  # type: ignore[operator]
            assert gap > timedelta(0) and wall == local.replace(tzinfo=None) + gap
    # Against the independent rule, on every day well inside the window.
    first = start.astimezone(zone).date() + timedelta(days=2)
    last = end.astimezone(zone).date() - timedelta(days=2)
    expected = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    expected = [day for day in expected if _oracle(schedule, day)]
    assert [day for day in days if first <= day <= last] == expected


@settings(max_examples=100, deadline=None)
@given(schedules(), windows, st.data())
def test_splitting_skipping_and_next_agree(
    schedule: Schedule, window: tuple[datetime, datetime], data: st.DataObject
) -> None:
    start, end = window
    middle = start + (end - start) / 3
    whole = occurrences(schedule, start, end)
    assert whole == occurrences(schedule, start, middle) + occurrences(schedule, middle, end)

    days = [local_date_of(schedule, t) for t in whole]
    skipped = set(data.draw(st.lists(st.sampled_from(days), max_size=5))) if days else set()
    kept = occurrences(schedule, start, end, skipped=skipped)
    assert kept == [t for t, d in zip(whole, days, strict=True) if d not in skipped]

    after = start - timedelta(microseconds=1)
    nxt = next_occurrence(schedule, after, skipped=skipped)
    assert nxt == kept[0] if kept else (nxt is None or nxt >= end)


def test_week_of_month_is_only_for_monthly_meetings() -> None:
    last_friday = make((4,), time(19, 0), "Europe/London", Repeat.MONTHLY, nth=-1)
    assert last_friday.week_of_month == -1
    weekly = make((4,), time(19, 0), "Europe/London")
    with pytest.raises(ValueError, match="only monthly meetings"):
        _ = weekly.week_of_month
