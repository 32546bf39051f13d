"""Peer support rules: who is on duty, the wait before moderators are asked, and the numbers
moderators see (counts and times only, never anyone's words)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.flags import median
from bot.domain.peer_hours import WeeklyHours

REASON_MAX_LENGTH = 300
STATS_PERIODS = (7, 30)


class RequestStatus(StrEnum):
    WAITING = "waiting"  # a card in the peer channel, the timer running
    TAKEN = "taken"  # a supporter is with the member in a private thread
    CLOSED = "closed"
    TO_MODERATORS = "to_moderators"  # nobody took it in time: the moderator queue has it


class RequestOrigin(StrEnum):
    COMMAND = "command"  # /support
    CHECKIN = "checkin"  # the check-in's Ask for support


@dataclass(frozen=True)
class PeerRequest:
    id: int
    guild_id: int
    user_id: int
    origin: RequestOrigin
    reason: str | None
    origin_channel_id: int | None
    status: RequestStatus
    supporter_id: int | None
    card_channel_id: int | None
    card_message_id: int | None
    thread_id: int | None
    wait_until: datetime | None
    flag_id: int | None
    debrief: str | None
    created_at: datetime
    first_taken_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.status in (RequestStatus.WAITING, RequestStatus.TAKEN)


class TakeOutcome(StrEnum):
    TAKEN = "taken"
    GONE = "gone"  # no longer waiting: someone else took it, or the moderators have it
    AT_CAP = "at_cap"  # the supporter already holds as many conversations as the server allows
    OWN = "own"  # it is the supporter's own request


@dataclass(frozen=True)
class Supporter:
    guild_id: int
    user_id: int
    on_duty: bool
    hours: WeeklyHours | None


def available(supporter: Supporter, now: datetime, zone: str) -> bool:
    """On duty, and inside their weekly hours if they set some (in their own time zone)."""
    if not supporter.on_duty:
        return False
    if supporter.hours is None:
        return True
    return supporter.hours.contains(now.astimezone(ZoneInfo(zone)))


def clean_reason(reason: str | None) -> str | None:
    """The reason as stored (blank is none); raises ValueError with a member-facing reason."""
    if reason is None:
        return None
    text = reason.strip()
    if not text:
        return None
    if len(text) > REASON_MAX_LENGTH:
        raise ValueError(f"a reason can be at most {REASON_MAX_LENGTH} characters")
    return text


@dataclass(frozen=True)
class RequestTimes:
    """One request as /peers stats counts it."""

    created_at: datetime
    first_taken_at: datetime | None
    went_to_moderators: bool


@dataclass(frozen=True)
class PeriodStats:
    days: int
    requests: int
    taken: int
    to_moderators: int
    median_first_response: timedelta | None
    handovers: int
    moderators_involved: int


def period_stats(
    days: int,
    requests: Iterable[RequestTimes],
    events: Iterable[tuple[str, datetime]],
    now: datetime,
) -> PeriodStats:
    """Requests made in the last `days` days and what happened to them; handovers and calls for
    a moderator that happened in that time (`events` are (action, when))."""
    since = now - timedelta(days=days)
    recent = [r for r in requests if r.created_at >= since]
    waits = [r.first_taken_at - r.created_at for r in recent if r.first_taken_at is not None]
    actions = [action for action, at in events if at >= since]
    return PeriodStats(
        days=days,
        requests=len(recent),
        taken=len(waits),
        to_moderators=sum(r.went_to_moderators for r in recent),
        median_first_response=median(waits),
        handovers=actions.count("handed_over"),
        moderators_involved=actions.count("moderator_involved"),
    )
