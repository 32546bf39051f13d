"""Community figures: closed days only, and only from five members up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bot.domain.aggregates import MIN_MEMBERS, can_show, last_closed_day, summary_days
from bot.domain.checkins import CheckinSummary
from bot.domain.local_time import local_date


@pytest.mark.parametrize(
    ("now", "last"),
    [
        # Still 21 Nov at UTC-12 until 12:00 UTC on the 22nd.
        (datetime(2026, 11, 22, 11, 59, tzinfo=UTC), date(2026, 11, 20)),
        (datetime(2026, 11, 22, 12, 0, tzinfo=UTC), date(2026, 11, 21)),
        (datetime(2026, 11, 22, 23, 59, tzinfo=UTC), date(2026, 11, 21)),
        # The same instant given in another zone is the same answer.
        (datetime(2026, 11, 23, 1, 0, tzinfo=timezone(timedelta(hours=14))), date(2026, 11, 20)),
    ],
)
def test_last_closed_day_is_over_everywhere(now: datetime, last: date) -> None:
    assert last_closed_day(now) == last


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "UTC", "America/New_York", "Etc/GMT+12"])
@pytest.mark.parametrize("hour", range(0, 24, 5))
def test_closed_days_are_before_today_in_every_zone(zone: str, hour: int) -> None:
    now = datetime(2026, 3, 29, hour, 30, tzinfo=UTC)
    days = summary_days(now)
    assert len(days) == 7 and days == sorted(days, reverse=True)
    assert days[0] < local_date(now, zone), "never a day someone there can still check in for"
    assert days[0] - days[-1] == timedelta(days=6)


def test_figures_need_five_different_members() -> None:
    assert MIN_MEMBERS == 5
    assert not can_show(CheckinSummary(count=9, members=4, average_mood=3.0))
    assert can_show(CheckinSummary(count=5, members=5, average_mood=3.0))
