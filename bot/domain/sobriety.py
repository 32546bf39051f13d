"""Calendar-accurate sober time: day counts, "1 year, 2 months, 3 days", and milestone dates.

A month or year later is the same calendar date, clamped to the month's end when that date does
not exist (31 January + 1 month = 28/29 February; 29 February + 1 year = 28 February). Offsets are
always taken from the original start, so clamping never accumulates drift.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.excerpts import quoted

EARLIEST_START = date(1900, 1, 1)


def add_months(start: date, months: int) -> date:
    total = start.year * 12 + (start.month - 1) + months
    year, month = divmod(total, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


@dataclass(frozen=True)
class Breakdown:
    years: int
    months: int
    days: int

    def words(self) -> str:
        parts = [
            f"{value} {unit}{'' if value == 1 else 's'}"
            for value, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day"))
            if value
        ]
        return ", ".join(parts) if parts else "0 days"


def days_sober(start: date, today: date) -> int:
    return max(0, (today - start).days)


def breakdown(start: date, today: date) -> Breakdown:
    """Whole years, then whole months, then days, each counted from the start date itself."""
    if today <= start:
        return Breakdown(0, 0, 0)
    total_months = (today.year - start.year) * 12 + (today.month - start.month)
    if add_months(start, total_months) > today:
        total_months -= 1
    anchor = add_months(start, total_months)
    years, months = divmod(total_months, 12)
    return Breakdown(years, months, (today - anchor).days)


@dataclass(frozen=True, order=True)
class Milestone:
    """A span of sober time: `amount` days, months or years after the start."""

    unit_rank: int  # orders equal-looking spans: days < months < years
    amount: int
    unit: str  # "d", "m" or "y"

    @classmethod
    def of(cls, amount: int, unit: str) -> Milestone:
        if unit not in ("d", "m", "y") or amount <= 0:
            raise ValueError(f"not a milestone: {amount}{unit}")
        return cls({"d": 0, "m": 1, "y": 2}[unit], amount, unit)

    @property
    def key(self) -> str:
        return f"{self.amount}{self.unit}"

    def reached_on(self, start: date) -> date:
        if self.unit == "d":
            return start + timedelta(days=self.amount)
        return add_months(start, self.amount * (12 if self.unit == "y" else 1))

    @property
    def label(self) -> str:
        if self.unit == "d":
            if self.amount == 1:
                return "24 hours"
            if self.amount % 7 == 0 and self.amount < 28:
                weeks = self.amount // 7
                return f"{weeks} week{'s' if weeks > 1 else ''}"
            return f"{self.amount} days"
        if self.unit == "m":
            return f"{self.amount} month{'s' if self.amount > 1 else ''}"
        return f"{self.amount} year{'s' if self.amount > 1 else ''}"


@dataclass(frozen=True)
class MilestonePlan:
    """The milestones a guild celebrates: a fixed list, optionally followed by every year."""

    fixed: tuple[Milestone, ...]
    yearly_after: bool

    def milestones_until(self, start: date, last: date) -> list[tuple[date, Milestone]]:
        """Every milestone reached on or before `last`, in date order, each key once."""
        found: dict[str, tuple[date, Milestone]] = {}
        for milestone in self.fixed:
            when = milestone.reached_on(start)
            if when <= last:
                found[milestone.key] = (when, milestone)
        if self.yearly_after:
            year = 1
            while (when := Milestone.of(year, "y").reached_on(start)) <= last:
                found.setdefault(f"{year}y", (when, Milestone.of(year, "y")))
                year += 1
        return sorted(found.values())

    def next_after(self, start: date, today: date) -> tuple[date, Milestone] | None:
        """The first milestone reached strictly after `today`."""
        candidates = [(m.reached_on(start), m) for m in self.fixed if m.reached_on(start) > today]
        if self.yearly_after:
            year = 1
            while (when := Milestone.of(year, "y").reached_on(start)) <= today:
                year += 1
            candidates.append((when, Milestone.of(year, "y")))
        return min(candidates) if candidates else None

    def spec(self) -> str:
        return ",".join([*(m.key for m in self.fixed), *(["yearly"] if self.yearly_after else [])])


DEFAULT_PLAN_SPEC = "1d,7d,30d,60d,90d,6m,9m,1y,18m,yearly"
_UNITS = {"h": ("d", 1 / 24), "d": ("d", 1), "w": ("d", 7), "m": ("m", 1), "y": ("y", 1)}
MAX_MILESTONES = 40
# Longer spans celebrate nobody, and dates far enough away overflow: a plan with 999999999d
# would break every member's counter at once.
MAX_SPAN_YEARS = 100
_MAX_AMOUNT = {"d": 36_525, "m": 12 * MAX_SPAN_YEARS, "y": MAX_SPAN_YEARS}


def parse_plan(spec: str) -> MilestonePlan:
    """'24h,7d,30d,6m,1y,yearly' → a plan. Raises ValueError naming the first bad item."""
    fixed: list[Milestone] = []
    yearly = False
    items = [item.strip().lower() for item in spec.replace(" ", ",").split(",") if item.strip()]
    if not items:
        raise ValueError("the list is empty")
    for item in items:
        if item in ("yearly", "every-year", "annually"):
            yearly = True
            continue
        number, unit = item[:-1], item[-1:]
        if unit not in _UNITS or not (number.isascii() and number.isdigit()) or int(number) <= 0:
            raise ValueError(f"{quoted(item)} isn't a span like 24h, 7d, 2w, 6m or 1y")
        target_unit, factor = _UNITS[unit]
        amount = int(number) * factor
        if unit == "h":
            if int(number) % 24:
                raise ValueError(f"{quoted(item)}: hours must be whole days (24h, 48h…)")
            amount = int(number) // 24
        if amount > _MAX_AMOUNT[target_unit]:
            raise ValueError(f"{quoted(item)} is longer than {MAX_SPAN_YEARS} years")
        fixed.append(Milestone.of(int(amount), target_unit))
    if len(fixed) > MAX_MILESTONES:
        raise ValueError(f"at most {MAX_MILESTONES} milestones, plus yearly")
    unique = {m.key: m for m in fixed}
    return MilestonePlan(fixed=tuple(sorted(unique.values(), key=_span_order)), yearly_after=yearly)


def _span_order(milestone: Milestone) -> tuple[int, int]:
    # Compare spans roughly by length so "18m" sorts after "1y" and before "2y".
    approximate_days = {"d": 1, "m": 30, "y": 365}[milestone.unit] * milestone.amount
    return (approximate_days, milestone.unit_rank)


DEFAULT_PLAN = parse_plan(DEFAULT_PLAN_SPEC)


def plan_from_spec(spec: str | None) -> MilestonePlan:
    """A guild's own plan, or the default when it has none or its saved plan no longer passes
    the checks (saved before they existed): one bad setting must not break every counter."""
    try:
        return parse_plan(spec) if spec else DEFAULT_PLAN
    except ValueError:
        return DEFAULT_PLAN
