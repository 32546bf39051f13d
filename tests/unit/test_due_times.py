"""Next-due instants: local midnights and local clock times in IANA zones, stored as UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.due_times import next_celebration_due, next_prompt_due, next_reminder_due
from bot.domain.sobriety import DEFAULT_PLAN_SPEC, parse_plan, plan_from_spec

DEFAULT = plan_from_spec(None)
RETRY = timedelta(seconds=30)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_the_default_plan_is_the_one_the_due_times_follow() -> None:
    assert DEFAULT.spec() == DEFAULT_PLAN_SPEC


# 30 days from the start lands on the Sunday of each 2026 clock change; local midnight is the
# instant due, whatever the offset was when the counter was set.
@pytest.mark.parametrize(
    ("zone", "start", "midnight_utc"),
    [
        # London: BST from 29 March (midnight is still GMT), back to GMT on 25 October.
        ("Europe/London", date(2026, 2, 27), utc(2026, 3, 29, 0, 0)),
        ("Europe/London", date(2026, 3, 31), utc(2026, 4, 30, 0, 0) - timedelta(hours=1)),
        ("Europe/London", date(2026, 9, 25), utc(2026, 10, 24, 23, 0)),
        ("Europe/London", date(2026, 9, 26), utc(2026, 10, 26, 0, 0)),
        # New York: EDT from 8 March, EST again from 1 November.
        ("America/New_York", date(2026, 2, 6), utc(2026, 3, 8, 5, 0)),
        ("America/New_York", date(2026, 2, 7), utc(2026, 3, 9, 4, 0)),
        ("America/New_York", date(2026, 10, 2), utc(2026, 11, 1, 4, 0)),
        ("America/New_York", date(2026, 10, 3), utc(2026, 11, 2, 5, 0)),
    ],
)
def test_a_milestone_is_due_at_local_midnight_on_both_sides_of_each_2026_clock_change(
    zone: str, start: date, midnight_utc: datetime
) -> None:
    # Ten days after the start: the next milestone is 30 days.
    now = datetime.combine(start + timedelta(days=10), time(12), tzinfo=UTC)
    assert next_celebration_due(DEFAULT, start, zone, now) == midnight_utc


def test_the_next_due_moves_past_milestones_already_reached_today() -> None:
    start = date(2026, 1, 1)
    # Local 1 February in Tokyo (UTC+9) has begun: 31 days, so 30 days is behind; 60 days next.
    now = utc(2026, 1, 31, 15, 30)
    assert next_celebration_due(DEFAULT, start, "Asia/Tokyo", now) == utc(2026, 3, 1, 15, 0)
    # The same instant is still 31 January in New York: 30 days (31 Jan) reached, 60 next.
    assert next_celebration_due(DEFAULT, start, "America/New_York", now) == utc(2026, 3, 2, 5, 0)


def test_a_zone_change_moves_the_due_instant_to_the_new_local_midnight() -> None:
    start = date(2026, 6, 1)
    now = utc(2026, 6, 3, 12, 0)  # the next milestone is 7 days: 8 June
    berlin = next_celebration_due(DEFAULT, start, "Europe/Berlin", now)
    auckland = next_celebration_due(DEFAULT, start, "Pacific/Auckland", now)
    honolulu = next_celebration_due(DEFAULT, start, "Pacific/Honolulu", now)
    assert berlin == utc(2026, 6, 7, 22, 0)
    assert auckland == utc(2026, 6, 7, 12, 0)
    assert honolulu == utc(2026, 6, 8, 10, 0)


def test_leap_day_starts_and_anniversaries() -> None:
    leap_start = date(2024, 2, 29)
    # One year from 29 February 2024 is 28 February 2025 (clamped), at UTC midnight.
    assert next_celebration_due(DEFAULT, leap_start, "UTC", utc(2025, 1, 1)) == utc(2025, 2, 28)
    # 18 months: 29 August 2025; then two years: 28 February 2026; four years: 29 February 2028.
    assert next_celebration_due(DEFAULT, leap_start, "UTC", utc(2025, 3, 1)) == utc(2025, 8, 29)
    assert next_celebration_due(DEFAULT, leap_start, "UTC", utc(2025, 9, 1)) == utc(2026, 2, 28)
    assert next_celebration_due(DEFAULT, leap_start, "UTC", utc(2027, 3, 1)) == utc(2028, 2, 29)
    # 30 days across a leap February: 31 January 2028 + 30 days is 1 March 2028.
    assert next_celebration_due(DEFAULT, date(2028, 1, 31), "UTC", utc(2028, 2, 20)) == utc(
        2028, 3, 1
    )


def test_a_plan_with_nothing_left_has_no_due_time() -> None:
    short = parse_plan("1d,7d")
    assert next_celebration_due(short, date(2026, 1, 1), "UTC", utc(2026, 1, 5)) == utc(2026, 1, 8)
    assert next_celebration_due(short, date(2026, 1, 1), "UTC", utc(2026, 1, 8, 0, 1)) is None


def test_a_midnight_skipped_by_the_clock_change_is_due_when_the_new_day_begins() -> None:
    # Santiago springs forward at local midnight on 6 September 2026 (00:00 -04 becomes 01:00
    # -03): the day begins at 04:00 UTC, and that is when 30 days from 7 August is due.
    due = next_celebration_due(DEFAULT, date(2026, 8, 7), "America/Santiago", utc(2026, 8, 20))
    assert due == utc(2026, 9, 6, 4, 0)


@pytest.mark.parametrize(
    ("zone", "day", "remind_at", "due_utc"),
    [
        # Skipped by spring-forward: lands just after the jump.
        ("America/New_York", date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 30)),
        ("Europe/London", date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1, 30)),
        # Repeated on fall-back night: the first time the clock shows it.
        ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
        ("Europe/London", date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),
        # An ordinary time on each side of a change.
        ("Europe/London", date(2026, 3, 28), time(8, 0), utc(2026, 3, 28, 8, 0)),
        ("Europe/London", date(2026, 3, 29), time(8, 0), utc(2026, 3, 29, 7, 0)),
        ("America/New_York", date(2026, 10, 31), time(8, 0), utc(2026, 10, 31, 12, 0)),
        ("America/New_York", date(2026, 11, 1), time(8, 0), utc(2026, 11, 1, 13, 0)),
    ],
)
def test_a_reminder_set_the_day_before_is_next_due_at_its_local_time_on_the_change_day(
    zone: str, day: date, remind_at: time, due_utc: datetime
) -> None:
    # Asked at noon UTC the day before, after that day's reminder was handled.
    now = datetime.combine(day - timedelta(days=1), time(12), tzinfo=UTC)
    yesterday = day - timedelta(days=1)
    set_long_ago = utc(2026, 1, 1)
    due = next_reminder_due(remind_at, zone, yesterday, set_long_ago, now, RETRY)
    assert due == due_utc


def test_a_reminder_not_yet_due_today_is_due_today_and_a_handled_one_tomorrow() -> None:
    since = utc(2026, 5, 1)
    now = utc(2026, 5, 10, 7, 0)  # 09:00 in Berlin (CEST)
    at_ten = time(10, 0)
    assert next_reminder_due(at_ten, "Europe/Berlin", None, since, now, RETRY) == utc(
        2026, 5, 10, 8, 0
    )
    handled = date(2026, 5, 10)
    assert next_reminder_due(at_ten, "Europe/Berlin", handled, since, now, RETRY) == utc(
        2026, 5, 11, 8, 0
    )


def test_a_reminder_due_and_not_handled_is_looked_at_again_soon_until_midnight() -> None:
    since = utc(2026, 5, 1)
    now = utc(2026, 5, 10, 9, 0)  # 11:00 Berlin, an hour after a reminder that failed
    assert next_reminder_due(time(10), "Europe/Berlin", None, since, now, RETRY) == now + RETRY


def test_a_reminder_set_after_its_time_starts_tomorrow() -> None:
    now = utc(2026, 5, 10, 12, 0)
    assert next_reminder_due(time(10), "UTC", None, now, now, RETRY) == utc(2026, 5, 11, 10, 0)


def test_a_member_who_moves_zone_gets_the_reminder_at_the_new_local_time() -> None:
    since = utc(2026, 5, 1)
    now = utc(2026, 5, 10, 5, 0)  # 07:00 in Berlin, 01:00 in New York: 10 May in both
    assert next_reminder_due(time(8), "Europe/Berlin", None, since, now, RETRY) == utc(
        2026, 5, 10, 6, 0
    )
    assert next_reminder_due(time(8), "America/New_York", None, since, now, RETRY) == utc(
        2026, 5, 10, 12, 0
    )


def test_the_prompt_is_due_today_then_retried_then_tomorrow_once_settled() -> None:
    nine = time(9, 0)
    before = utc(2026, 3, 28, 8, 0)  # 08:00 GMT
    assert next_prompt_due(nine, "Europe/London", False, before, RETRY) == utc(2026, 3, 28, 9, 0)
    after = utc(2026, 3, 28, 9, 5)
    assert next_prompt_due(nine, "Europe/London", False, after, RETRY) == after + RETRY
    # Settled on the Saturday: Sunday 09:00 is BST, 08:00 UTC.
    assert next_prompt_due(nine, "Europe/London", True, after, RETRY) == utc(2026, 3, 29, 8, 0)


def test_every_answer_is_strictly_after_now() -> None:
    start = date(2025, 1, 1)
    for hours in range(0, 24 * 400, 7):
        now = utc(2025, 1, 1) + timedelta(hours=hours)
        for zone in ("UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe"):
            due = next_celebration_due(DEFAULT, start, zone, now)
            assert due is not None and due > now
            assert next_reminder_due(time(2, 30), zone, now.date(), start_at(), now, RETRY) > now
            assert next_prompt_due(time(0, 0), zone, True, now, RETRY) > now


def start_at() -> datetime:
    return utc(2024, 1, 1)
