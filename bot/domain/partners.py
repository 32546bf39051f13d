"""Accountability partners: what a member chose to let a partner see, and when a partner hears.

A partnership goes one way: the member (`user_id`) shares with the partner exactly what they
chose, and nothing else; two people who both want it have one partnership each way. Private
notes are never part of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

# "A few": enough for a sponsor and a couple of friends, few enough to stay personal.
MAX_PARTNERS = 3
NUDGE_DAYS_MAX = 30


class PartnerStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    DECLINED = "declined"
    ENDED = "ended"


@dataclass(frozen=True)
class Sharing:
    """What the member lets this partner see."""

    streak: bool = False
    counter_id: int | None = None
    struggles: bool = False
    nudge_after_days: int | None = None

    @property
    def anything(self) -> bool:
        return (
            self.streak
            or self.counter_id is not None
            or self.struggles
            or bool(self.nudge_after_days)
        )


@dataclass(frozen=True)
class Partnership:
    id: int
    guild_id: int
    user_id: int  # the member who shares
    partner_id: int  # who sees what they chose
    status: PartnerStatus
    sharing: Sharing
    created_at: datetime
    accepted_at: datetime | None

    @property
    def live(self) -> bool:
        return self.status in (PartnerStatus.INVITED, PartnerStatus.ACTIVE)

    def other(self, user_id: int) -> int:
        return self.partner_id if user_id == self.user_id else self.user_id


def struggle_notice(day: date) -> str:
    """The one notice a partner gets for a hard check-in on a day (updates don't repeat it)."""
    return f"struggle:{day.isoformat()}"


def silence_notice(
    last_checkin: date | None, began: date, today: date, nudge_after_days: int
) -> str | None:
    """The nudge owed for the member's current silence, or None. Counted from their last
    check-in, or from the day the partnership began if they haven't checked in since; one
    nudge per silence (a new check-in starts a new one)."""
    since = max(last_checkin, began) if last_checkin is not None else began
    if (today - since).days < nudge_after_days:
        return None
    return f"silence:{since.isoformat()}"
