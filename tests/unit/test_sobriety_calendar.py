"""Calendar maths for sober time, with property-based tests."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.local_time import at_local_time, local_date
from bot.domain.sobriety import (
    DEFAULT_PLAN,
    Milestone,
    add_months,
    breakdown,
    days_sober,
    parse_plan,
)

starts = st.dates(min_value=date(1900, 1, 1), max_value=date(2090, 12, 31))
spans = st.integers(min_value=0, max_value=40 * 366)
ZONES = [
    "UTC",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "America/St_Johns",
]


def test_examples() -> None:
    assert breakdown(date(2024, 1, 15), date(2025, 3, 18)).words() == "1 year, 2 months, 3 days"
    assert breakdown(date(2024, 2, 29), date(2025, 2, 28)).words() == "1 year"
    assert breakdown(date(2024, 2, 29), date(2028, 2, 29)).words() == "4 years"
    assert breakdown(date(2024, 1, 31), date(2024, 2, 29)).words() == "1 month"
    assert breakdown(date(2024, 1, 31), date(2024, 3, 1)).words() == "1 month, 1 day"
    assert breakdown(date(2026, 5, 1), date(2026, 5, 1)).words() == "0 days"
    assert breakdown(date(2026, 5, 1), date(2026, 5, 2)).words() == "1 day"
    assert days_sober(date(2024, 2, 28), date(2024, 3, 1)) == 2


def test_one_year_is_the_same_calendar_date_not_365_days() -> None:
    one_year = Milestone.of(1, "y")
    assert one_year.reached_on(date(2023, 3, 1)) == date(2024, 3, 1)  # 366 days: a leap year
    assert one_year.reached_on(date(2024, 2, 29)) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)


def test_default_plan_labels_in_order() -> None:
    labels = [m.label for _, m in DEFAULT_PLAN.milestones_until(date(2020, 1, 1), date(2023, 6, 1))]
    assert labels == [
        "24 hours",
        "1 week",
        "30 days",
        "60 days",
        "90 days",
        "6 months",
        "9 months",
        "1 year",
        "18 months",
        "2 years",
        "3 years",
    ]


def test_parse_plan() -> None:
    plan = parse_plan("24h, 1y, 30d, 2w, 18m, yearly")
    assert [m.key for m in plan.fixed] == ["1d", "14d", "30d", "1y", "18m"]
    assert plan.yearly_after
    assert parse_plan(plan.spec()) == plan
    for bad in ("", "30", "5x", "0d", "-1d", "12h", "yearly,abc"):
        with pytest.raises(ValueError, match=r"empty|isn't a span|whole days"):
            parse_plan(bad)


@given(starts, spans)
def test_count_is_monotone_day_by_day(start: date, span: int) -> None:
    today = start + timedelta(days=span)
    tomorrow = today + timedelta(days=1)
    assert days_sober(start, tomorrow) == days_sober(start, today) + 1
    now, nxt = breakdown(start, today), breakdown(start, tomorrow)
    assert (nxt.years, nxt.months, nxt.days) > (now.years, now.months, now.days)


@given(starts, spans)
def test_breakdown_recomposes_to_the_day(start: date, span: int) -> None:
    today = start + timedelta(days=span)
    parts = breakdown(start, today)
    anchor = add_months(start, parts.years * 12 + parts.months)
    assert anchor + timedelta(days=parts.days) == today
    assert 0 <= parts.months < 12
    assert parts.days < 31
    # The next whole month would overshoot: the months are maximal.
    assert add_months(start, parts.years * 12 + parts.months + 1) > today


@given(starts, st.integers(min_value=1, max_value=20 * 366))
def test_milestones_come_in_order_and_each_once(start: date, span: int) -> None:
    reached = DEFAULT_PLAN.milestones_until(start, start + timedelta(days=span))
    dates = [when for when, _ in reached]
    assert dates == sorted(dates)
    assert len({m.key for _, m in reached}) == len(reached)
    assert all(when > start for when in dates)
    upcoming = DEFAULT_PLAN.next_after(start, start + timedelta(days=span))
    assert upcoming is not None
    assert not dates or upcoming[0] > dates[-1]


@given(
    st.dates(min_value=date(1971, 1, 1), max_value=date(2089, 12, 31)),
    st.integers(min_value=0, max_value=24 * 60 - 1),
    st.sampled_from(ZONES),
    spans,
)
@settings(max_examples=400)
def test_local_day_never_shifts_across_dst_or_far_zones(
    day: date, minute: int, zone: str, span: int
) -> None:
    # Any wall-clock minute of a local day is that day, in every zone, DST night or not...
    instant = at_local_time(day, time(minute // 60, minute % 60), zone)
    assert local_date(instant, zone) == day
    # ...so the count shown then is the calendar count, never off by one.
    start = day - timedelta(days=span)
    assert days_sober(start, local_date(instant, zone)) == span
    # And one minute before local midnight is still the previous day.
    midnight = at_local_time(day, time(0, 0), zone)
    assert local_date(midnight - timedelta(minutes=1), zone) < day
