"""Community figures that can't single anyone out.

Moderators see check-in figures per closed day only, and only for days when at least
`MIN_MEMBERS` different members checked in:
- closed: a day is shown once it has ended in every time zone, so no one can still check in
  for it (a member's day follows their own zone). A figure never changes after it is first
  shown, so asking before and after someone's check-in reveals nothing.
- one day per figure, never a total over several days: a total minus the days shown would give
  back a day that was held back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.domain.checkins import CheckinSummary

MIN_MEMBERS = 5
SUMMARY_DAYS = 7
# UTC-12 is the last place where a day ends; once it is past midnight there, the day is over.
LAST_DAY_TO_END = timedelta(hours=12)


def last_closed_day(now: datetime) -> date:
    """The latest day no member anywhere can still check in for (never later than yesterday
    in any zone)."""
    return (now.astimezone(UTC) - LAST_DAY_TO_END).date() - timedelta(days=1)


def summary_days(now: datetime, count: int = SUMMARY_DAYS) -> list[date]:
    """The closed days to show, newest first."""
    last = last_closed_day(now)
    return [last - timedelta(days=offset) for offset in range(count)]


def can_show(summary: CheckinSummary) -> bool:
    return summary.members >= MIN_MEMBERS
