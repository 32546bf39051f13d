"""When a recurring meeting happens: weekly, every other week, or the nth weekday of each month.

A schedule is a local wall-clock rule ("Tuesdays at 19:00 in America/New_York"), so the UTC
instant moves with DST while the local time stays put. Every instant is computed here from a
local date through `_start_utc`, which is the single place that decides what happens on the two
DST nights each year.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.excerpts import quoted

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
# The shortest and longest meetings Hearth keeps (the meetings table checks the same range).
MIN_MEETING_LENGTH = timedelta(minutes=5)
_MAX_DURATION = timedelta(hours=24)


class Repeat(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Schedule:
    """A recurring local wall-clock time.

    `anchor` is keyword-only: a dataclass cannot put a field without a default after `repeat`,
    which has one. Weekdays are stored sorted and without repeats whatever order they came in.
    """

    weekdays: tuple[int, ...]
    start_time: time
    zone: str
    duration: timedelta
    repeat: Repeat = Repeat.WEEKLY
    anchor: date = field(kw_only=True)
    nth: int | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        days = self.weekdays
        if isinstance(days, int) or not isinstance(days, Iterable):
            raise ValueError("weekdays must be a list of days, 0 (Monday) to 6 (Sunday)")
        days = tuple(days)
        if not days:
            raise ValueError("pick at least one weekday")
        if any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in days):
            raise ValueError("weekdays must be 0 (Monday) to 6 (Sunday)")
        object.__setattr__(self, "weekdays", tuple(sorted(set(days))))

        if not isinstance(self.start_time, time) or self.start_time.tzinfo is not None:
            raise ValueError("the start time must be a local clock time, without a time zone")
        try:
            ZoneInfo(self.zone)
        # "America" is a tzdata folder (IsADirectoryError) and over-long names fail as OSError.
        except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
            raise ValueError(
                f"{quoted(self.zone)} isn't a time zone I know (use a name like America/New_York)"
            ) from None
        if not isinstance(self.duration, timedelta) or not (
            MIN_MEETING_LENGTH <= self.duration <= _MAX_DURATION
        ):
            raise ValueError("a meeting must last at least 5 minutes and at most 24 hours")
        try:
            object.__setattr__(self, "repeat", Repeat(self.repeat))
        except ValueError:
            raise ValueError("repeat must be weekly, biweekly or monthly") from None
        # datetime is a subclass of date; a datetime here would carry a meaningless clock time.
        for name in ("anchor", "until"):
            value = getattr(self, name)
            if (value is not None or name == "anchor") and (
                not isinstance(value, date) or isinstance(value, datetime)
            ):
                raise ValueError(f"{name} must be a calendar date")
        if self.repeat is Repeat.MONTHLY:
            nth = self.nth
            if isinstance(nth, bool) or not isinstance(nth, int) or nth not in _ORDINALS:
                raise ValueError("a monthly meeting needs which week: 1 to 4, or -1 for the last")
        elif self.nth is not None:
            raise ValueError("only monthly meetings take a week of the month")
        if self.until is not None and self.until < self.anchor:
            raise ValueError("the end date is before the first date")

    @property
    def week_of_month(self) -> int:
        """Which week a monthly meeting is in: 1 to 4, or -1 for the last."""
        if self.nth is None:
            raise ValueError("only monthly meetings have a week of the month")
        return self.nth


def _start_utc(schedule: Schedule, day: date) -> datetime:
    """The UTC instant the meeting starts on local `day`.

    `datetime.combine(..., tzinfo=ZoneInfo)` builds the wall-clock time with fold=0, and
    `astimezone(UTC)` then resolves it the way RFC 5545 does too: a time that does not exist on
    a spring-forward day is read with the offset from before the jump, so 02:30 becomes 03:30
    local; a time that happens twice on a fall-back day is its first occurrence. Calendar apps
    reading our .ics therefore agree with the bot on every instant.
    """
    local = datetime.combine(day, schedule.start_time, tzinfo=ZoneInfo(schedule.zone))
    return local.astimezone(UTC)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def occurs_on(schedule: Schedule, day: date) -> bool:
    """Whether the rule (ignoring skipped dates) puts a meeting on local `day`."""
    if day < schedule.anchor or (schedule.until is not None and day > schedule.until):
        return False
    if day.weekday() not in schedule.weekdays:
        return False
    if schedule.repeat is Repeat.BIWEEKLY:
        weeks = (_monday_of(day) - _monday_of(schedule.anchor)).days // 7
        return weeks % 2 == 0
    if schedule.repeat is Repeat.MONTHLY:
        return day == _nth_weekday(day.year, day.month, day.weekday(), schedule.week_of_month)
    return True


def _dates_from(schedule: Schedule, first: date) -> Iterator[date]:
    """Meeting dates on or after `first`, in order, ignoring skips; ends after `until`."""
    start = max(first, schedule.anchor)
    until = schedule.until
    if schedule.repeat is Repeat.MONTHLY:
        year, month = start.year, start.month
        nth = schedule.week_of_month
        while True:
            # Each weekday's own nth in the month, e.g. the 2nd Tuesday and the 2nd Thursday.
            for day in sorted(_nth_weekday(year, month, wd, nth) for wd in schedule.weekdays):
                if day < start:
                    continue
                if until is not None and day > until:
                    return
                yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    monday = _monday_of(start)
    step = 7
    if schedule.repeat is Repeat.BIWEEKLY:
        step = 14
        # Weeks alternate counting from the anchor's week, so an odd week is never a meeting week.
        if ((monday - _monday_of(schedule.anchor)).days // 7) % 2:
            monday += timedelta(days=7)
    while True:
        for weekday in schedule.weekdays:
            day = monday + timedelta(days=weekday)
            if day < start:
                continue
            if until is not None and day > until:
                return
            yield day
        monday += timedelta(days=step)


def _as_set(skipped: Collection[date]) -> Collection[date]:
    return skipped if isinstance(skipped, set | frozenset) else frozenset(skipped)


def _require_aware(*moments: datetime) -> None:
    if any(moment.tzinfo is None or moment.utcoffset() is None for moment in moments):
        raise ValueError("use aware datetimes (with a time zone), not naive ones")


def occurrences(
    schedule: Schedule, start: datetime, end: datetime, *, skipped: Collection[date] = ()
) -> list[datetime]:
    """Aware UTC start instants t with start <= t < end, in order, leaving out skipped dates."""
    _require_aware(start, end)
    if end <= start:
        return []
    zone = ZoneInfo(schedule.zone)
    skipped = _as_set(skipped)
    # One day of slack each side: a start pushed forward by a DST gap can land on the next local
    # day in zones that jump at midnight, so the local date of `start` is not a safe lower bound.
    first_day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date() + timedelta(days=1)
    found: list[datetime] = []
    try:
        for day in _dates_from(schedule, first_day):
            if day > last_day:
                break
            if day in skipped:
                continue
            moment = _start_utc(schedule, day)
            if start <= moment < end:
                found.append(moment)
    except OverflowError:  # ran into year 9999: nothing can follow
        pass
    return found


def next_occurrence(
    schedule: Schedule, after: datetime, *, skipped: Collection[date] = ()
) -> datetime | None:
    """The first start strictly after `after`, or None once the series has ended.

    Walks meeting dates rather than a fixed window, so any number of skipped dates and any gap
    between monthly dates is covered: each date is either skipped (finitely many), before
    `after` (at most a couple), or the answer.
    """
    _require_aware(after)
    skipped = _as_set(skipped)
    first_day = after.astimezone(ZoneInfo(schedule.zone)).date() - timedelta(days=1)
    try:
        for day in _dates_from(schedule, first_day):
            if day in skipped:
                continue
            moment = _start_utc(schedule, day)
            if moment > after:
                return moment
    except OverflowError:
        return None
    return None


def first_occurrence_date(schedule: Schedule) -> date | None:
    """The first local date on or after the anchor the rule yields (skips not considered)."""
    return next(_dates_from(schedule, schedule.anchor), None)


def start_on(schedule: Schedule, day: date) -> datetime:
    """The UTC start instant for local date `day` (whether or not the rule meets that day)."""
    return _start_utc(schedule, day)


def local_date_of(schedule: Schedule, start_utc: datetime) -> date:
    """The local meeting date whose start is `start_utc`.

    Usually the local calendar date of the instant; but a start pushed past midnight by a DST
    gap belongs to the day before, so that date is checked first.
    """
    _require_aware(start_utc)
    local_day = start_utc.astimezone(ZoneInfo(schedule.zone)).date()
    previous = local_day - timedelta(days=1)
    if _start_utc(schedule, previous) == start_utc and occurs_on(schedule, previous):
        return previous
    return local_day


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def describe(schedule: Schedule) -> str:
    """Plain English, e.g. "Every other Monday at 18:30 (Europe/London)"."""
    names = [_WEEKDAY_NAMES[d] for d in schedule.weekdays]
    when = f"at {schedule.start_time.strftime('%H:%M')} ({schedule.zone})"
    if schedule.repeat is Repeat.MONTHLY:
        text = f"On the {_ORDINALS[schedule.week_of_month]} {_join(names)} of each month {when}"
    elif schedule.repeat is Repeat.BIWEEKLY:
        text = f"Every other {_join(names)} {when}"
    elif len(names) == 7:
        text = f"Every day {when}"
    else:
        text = f"Every {_join(names)} {when}"
    if schedule.until is not None:
        text += f" until {schedule.until.day} {schedule.until.strftime('%B %Y')}"
    return text
