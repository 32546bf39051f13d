"""Flags for moderators and how unclaimed ones escalate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum


class FlagStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class FlagSeverity(IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3


class EscalationStep(IntEnum):
    REPING = 1  # mention the moderator role again in the queue
    ONCALL = 2  # DM each moderator who is on call
    OWNER = 3  # DM the server owner (high severity only)


@dataclass(frozen=True)
class Flag:
    id: int
    guild_id: int
    source: str
    category: str
    severity: FlagSeverity
    user_id: int | None
    channel_id: int | None
    message_id: int | None
    reports: int
    status: FlagStatus
    claimed_by: int | None
    claimed_at: datetime | None
    closed_by: int | None
    closed_at: datetime | None
    escalation_step: int
    next_escalation_at: datetime | None
    card_channel_id: int | None
    card_message_id: int | None
    created_at: datetime

    @property
    def is_active(self) -> bool:
        return self.status in (FlagStatus.OPEN, FlagStatus.CLAIMED)


@dataclass(frozen=True)
class EscalationDelays:
    high: timedelta
    medium: timedelta
    low: timedelta

    def for_severity(self, severity: FlagSeverity) -> timedelta:
        return {
            FlagSeverity.HIGH: self.high,
            FlagSeverity.MEDIUM: self.medium,
            FlagSeverity.LOW: self.low,
        }[severity]


def last_step(severity: FlagSeverity) -> EscalationStep:
    return EscalationStep.OWNER if severity == FlagSeverity.HIGH else EscalationStep.ONCALL


def next_escalation(
    severity: FlagSeverity, done_step: int, since: datetime, delays: EscalationDelays
) -> datetime | None:
    """When the step after `done_step` falls due (each waits one delay after the last), or
    None when the ladder is finished."""
    if done_step >= last_step(severity):
        return None
    return since + delays.for_severity(severity)


def median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
