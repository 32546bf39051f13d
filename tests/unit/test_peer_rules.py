"""Peer support's pure rules: weekly hours, availability, stats, partner notices, share limits."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.partners import Sharing, silence_notice, struggle_notice
from bot.domain.peer_hours import WeeklyHours, parse_days
from bot.domain.peer_support import (
    RequestTimes,
    Supporter,
    available,
    clean_reason,
    period_stats,
)
from bot.domain.shares import SHARES_PER_WINDOW, clean_share, next_share_at

NOW = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("weekdays", {0, 1, 2, 3, 4}),
        ("Every Day", set(range(7))),
        ("weekends", {5, 6}),
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("fri-mon", {4, 5, 6, 0}),
        ("mon,wed, fri", {0, 2, 4}),
        ("Tuesday thursday", {1, 3}),
    ],
)
def test_days_are_read_in_plain_words(text: str, days: set[int]) -> None:
    assert parse_days(text) == frozenset(days)


@pytest.mark.parametrize("text", ["", "someday", "mon-funday", "1,2", ",,"])
def test_unreadable_days_are_refused(text: str) -> None:
    assert parse_days(text) is None


def test_hours_round_trip_through_storage() -> None:
    hours = WeeklyHours(frozenset({0, 2}), time(18), time(22, 30))
    assert WeeklyHours.from_spec(hours.to_spec()) == hours
    assert hours.describe() == "Mon, Wed, 18:00–22:30"
    with pytest.raises(ValueError, match="not weekly hours"):
        WeeklyHours.from_spec("whenever")


def test_hours_are_checked_in_the_supporters_own_zone() -> None:
    evenings = WeeklyHours(frozenset(range(5)), time(18), time(22))
    supporter = Supporter(1, 2, on_duty=True, hours=evenings)
    assert available(supporter, NOW, "UTC")  # 19:30 Monday in UTC
    assert not available(supporter, NOW, "Asia/Tokyo")  # 04:30 Tuesday there
    assert available(Supporter(1, 2, on_duty=True, hours=None), NOW, "Asia/Tokyo")
    assert not available(Supporter(1, 2, on_duty=False, hours=None), NOW, "UTC")


def test_overnight_hours_belong_to_the_day_they_start() -> None:
    friday_night = WeeklyHours(frozenset({4}), time(22), time(2))
    assert friday_night.contains(datetime(2026, 11, 27, 23, 0))  # Friday 23:00
    assert friday_night.contains(datetime(2026, 11, 28, 1, 59))  # Saturday 01:59
    assert not friday_night.contains(datetime(2026, 11, 28, 2, 0))
    assert not friday_night.contains(datetime(2026, 11, 27, 1, 0))  # Thursday night's end


def test_a_reason_is_short_and_blank_is_none() -> None:
    assert clean_reason("  ") is None and clean_reason(None) is None
    assert clean_reason(" hard day ") == "hard day"
    with pytest.raises(ValueError, match="at most 300"):
        clean_reason("x" * 301)


def test_stats_count_each_window_and_take_the_median_first_response() -> None:
    def asked(days_ago: int, waited: int | None, to_mods: bool = False) -> RequestTimes:
        at = NOW - timedelta(days=days_ago)
        taken = at + timedelta(minutes=waited) if waited is not None else None
        return RequestTimes(created_at=at, first_taken_at=taken, went_to_moderators=to_mods)

    requests = [asked(1, 2), asked(2, 6), asked(3, None, True), asked(20, 30)]
    events = [("handed_over", NOW - timedelta(days=1)), ("handed_over", NOW - timedelta(days=9))]
    week = period_stats(7, requests, events, NOW)
    assert (week.requests, week.taken, week.to_moderators, week.handovers) == (3, 2, 1, 1)
    assert week.median_first_response == timedelta(minutes=4)
    month = period_stats(30, requests, events, NOW)
    assert (month.requests, month.handovers, month.median_first_response) == (
        4,
        2,
        timedelta(minutes=6),
    )
    assert period_stats(7, [], [], NOW).median_first_response is None


def test_a_quiet_spell_earns_one_nudge_counted_from_the_last_check_in() -> None:
    began = date(2026, 11, 1)
    assert silence_notice(date(2026, 11, 20), began, date(2026, 11, 22), 3) is None
    due = silence_notice(date(2026, 11, 20), began, date(2026, 11, 23), 3)
    assert due == "silence:2026-11-20"
    assert silence_notice(date(2026, 11, 20), began, date(2026, 11, 30), 3) == due, "once"
    assert silence_notice(None, began, date(2026, 11, 4), 3) == "silence:2026-11-01"
    # A check-in from before the partnership doesn't make the partner owe an instant nudge.
    assert silence_notice(date(2026, 10, 1), began, date(2026, 11, 2), 3) is None
    assert struggle_notice(date(2026, 11, 23)) == "struggle:2026-11-23"


def test_sharing_nothing_is_nothing() -> None:
    assert not Sharing().anything
    assert Sharing(nudge_after_days=2).anything and Sharing(counter_id=5).anything


def test_shares_are_limited_per_day_and_never_empty() -> None:
    times = [NOW - timedelta(hours=h) for h in (1, 5, 23)]
    assert next_share_at(times[:2], NOW) is None
    assert len(times) == SHARES_PER_WINDOW
    assert next_share_at(times, NOW) == NOW + timedelta(hours=1)
    assert next_share_at([NOW - timedelta(hours=25), *times[:2]], NOW) is None
    with pytest.raises(ValueError, match="nothing to share"):
        clean_share(" \n ")
    with pytest.raises(ValueError, match="at most 1500"):
        clean_share("y" * 1501)
