"""When a row of timed work next needs a look: the instant stored, indexed, beside it.

Celebrations, check-in reminders and daily prompts are each due at a local wall-clock time in an
IANA zone; the instant is worked out here (UTC) and the timed job asks the database only for rows
whose instant has come. Each answer is strictly after `now`, so a run that stores it never picks
the same row again in the same run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain.checkins import Reminder
from bot.domain.counters import Counter
from bot.domain.guild_config import GuildConfig
from bot.domain.local_time import at_local_time, local_date
from bot.domain.sobriety import MilestonePlan

MIDNIGHT = time(0, 0)
# The smallest step forward, for a computed time that (through a DST gap) isn't after now.
_NUDGE = timedelta(seconds=1)


def after_now(moment: datetime, now: datetime) -> datetime:
    return moment if moment > now else now + _NUDGE


def next_celebration_due(
    plan: MilestonePlan, start: date, zone: str, now: datetime
) -> datetime | None:
    """Local midnight of the first milestone reached after the member's local today, or None
    when the plan has no milestone left. Milestones of today and before are the run's to
    celebrate (or were); this is the next look after them."""
    upcoming = plan.next_after(start, local_date(now, zone))
    if upcoming is None:
        return None
    return after_now(at_local_time(upcoming[0], MIDNIGHT, zone), now)


def next_reminder_due(
    remind_at: time,
    zone: str,
    handled: date | None,
    active_since: datetime,
    now: datetime,
    retry: timedelta,
) -> datetime:
    """Today's reminder time if it is still to come; `now + retry` if today's fell due and isn't
    handled yet (a passing failure, a server away); else tomorrow's time. A time that had
    passed when the reminder was set up is never due that day."""
    today = local_date(now, zone)
    due_today = at_local_time(today, remind_at, zone)
    if handled != today and due_today >= active_since:
        return due_today if due_today > now else now + retry
    return after_now(at_local_time(today + timedelta(days=1), remind_at, zone), now)


def next_prompt_due(
    prompt_at: time, zone: str, settled_today: bool, now: datetime, retry: timedelta
) -> datetime:
    """The daily prompt's next look: today's time if still to come, `now + retry` while today's
    is neither posted nor given up, else tomorrow's time."""
    today = local_date(now, zone)
    due_today = at_local_time(today, prompt_at, zone)
    if due_today > now:
        return due_today
    if not settled_today:
        return now + retry
    return after_now(at_local_time(today + timedelta(days=1), prompt_at, zone), now)


@dataclass(frozen=True)
class DueCounter:
    counter: Counter
    revision: int


@dataclass(frozen=True)
class DueReminder:
    reminder: Reminder
    revision: int


@dataclass(frozen=True)
class DuePrompt:
    config: GuildConfig
    revision: int


@dataclass(frozen=True)
class NextDue:
    """A run's answer for one row: its next instant (None: nothing until it changes)."""

    key: tuple[int, ...]  # (counter id) or (guild id, user id) or (guild id)
    revision: int
    at: datetime | None
