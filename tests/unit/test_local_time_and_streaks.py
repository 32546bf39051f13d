"""Local days, local clock times across DST, and streak counting."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.domain.local_time import (
    at_local_time,
    days_between,
    local_date,
    parse_hhmm,
    stored_hhmm,
)
from bot.domain.streaks import streaks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", time(9, 0)),
        ("9:05", time(9, 5)),
        ("21.30", time(21, 30)),
        ("7h15", time(7, 15)),
        (" 23:59 ", time(23, 59)),
    ],
)
def test_parse_hhmm_accepts(text: str, expected: time) -> None:
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize("text", ["", "24:00", "9", "09:60", "nine", "9:5", "-1:00", "12:00pm"])
def test_parse_hhmm_refuses(text: str) -> None:
    assert parse_hhmm(text) is None


def test_a_damaged_stored_time_is_an_error_not_none() -> None:
    assert stored_hhmm("07:30") == time(7, 30)
    with pytest.raises(ValueError, match="'7:3' isn't HH:MM"):
        stored_hhmm("7:3")


def test_local_date_far_from_utc() -> None:
    moment = datetime(2026, 11, 22, 11, 30, tzinfo=UTC)
    assert local_date(moment, "Pacific/Kiritimati") == date(2026, 11, 23)  # UTC+14
    assert local_date(moment, "Pacific/Pago_Pago") == date(2026, 11, 22)  # UTC-11
    assert local_date(datetime(2026, 11, 22, 12, 0, tzinfo=UTC), "Pacific/Pago_Pago") == date(
        2026, 11, 22
    )


def test_nine_am_stays_nine_am_across_dst_in_new_york() -> None:
    zone = "America/New_York"
    before = at_local_time(date(2026, 3, 7), time(9), zone)
    after = at_local_time(date(2026, 3, 9), time(9), zone)
    assert before == datetime(2026, 3, 7, 14, 0, tzinfo=UTC)  # EST, UTC-5
    assert after == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # EDT, UTC-4


def test_skipped_local_time_lands_after_the_jump() -> None:
    # 02:30 does not exist in New York on 8 March 2026; it becomes 03:30 EDT.
    instant = at_local_time(date(2026, 3, 8), time(2, 30), "America/New_York")
    assert instant == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_repeated_local_time_is_its_first_occurrence() -> None:
    # 01:30 happens twice in New York on 1 November 2026; the first is EDT (UTC-4).
    instant = at_local_time(date(2026, 11, 1), time(1, 30), "America/New_York")
    assert instant == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_days_between() -> None:
    assert days_between(date(2024, 2, 27), date(2024, 3, 1)) == [
        date(2024, 2, 27),
        date(2024, 2, 28),
        date(2024, 2, 29),
        date(2024, 3, 1),
    ]


def _d(day: int) -> date:
    return date(2026, 11, day)


def test_streaks() -> None:
    assert streaks([], _d(10)).current == 0
    assert streaks([_d(10)], _d(10)) == streaks([_d(10)], _d(10))
    assert streaks([_d(8), _d(9), _d(10)], _d(10)).current == 3
    # Today not checked in yet: the streak up to yesterday still stands.
    assert streaks([_d(8), _d(9)], _d(10)).current == 2
    # A whole missed day ends it.
    assert streaks([_d(7), _d(8)], _d(10)).current == 0
    result = streaks([_d(1), _d(2), _d(3), _d(4), _d(6), _d(9), _d(10)], _d(10))
    assert (result.current, result.longest) == (2, 4)
    assert streaks([_d(5), _d(5), _d(6)], _d(6)).current == 2
    assert streaks([_d(11)], _d(10)).current == 0  # future days are ignored
