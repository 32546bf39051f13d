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
    # Hearth's private message to the member could not be delivered: a human should reach out.
    member_unreachable: bool = False

    @property
    def is_active(self) -> bool:
        return self.status in (FlagStatus.OPEN, FlagStatus.CLAIMED)

    @property
    def reopened(self) -> bool:
        """Open again after a moderator had claimed it (a more serious message arrived)."""
        return self.status == FlagStatus.OPEN and self.claimed_by is not None

    @property
    def ladder_finished(self) -> bool:
        """Open, with every escalation step taken and nobody on it."""
        return self.status == FlagStatus.OPEN and self.next_escalation_at is None


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


def restarts_ladder(current: Flag, severity: FlagSeverity) -> bool:
    """Whether a new detection on the member's active flag must reach a human at once: it is
    more severe than the flag (open, claimed, or with its ladder finished), or the flag's ladder
    is finished and nobody has claimed it, so nobody would hear of the new message otherwise."""
    return severity > current.severity or current.ladder_finished


def median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class NewFlag:
    guild_id: int
    source: str
    category: str
    severity: int
    user_id: int | None
    channel_id: int | None
    message_id: int | None
    # Detections only: the detector rule that fired (never the text), and for an edited message
    # a digest of its version, so the same version is never flagged twice.
    rule: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class FlagEvent:
    action: str
    actor_id: int | None
    detail: str | None
    at: datetime


@dataclass(frozen=True)
class Detected:
    """What a detection did to the member's flag."""

    flag: Flag
    merged: bool  # counted on the member's active flag rather than opening a new one
    restarted: bool  # worse (or the ladder had finished): humans are told again at once
    previous_severity: FlagSeverity | None


@dataclass(frozen=True)
class FlagAlert:
    id: int
    flag_id: int
    kind: str  # 'worse', 'renewed' (queue pings) or 'claimer' (a DM to target_id)
    target_id: int | None


@dataclass(frozen=True)
class RuleCount:
    rule: str
    detections: int  # messages this rule noticed
    dismissals: int  # of those, how many were on flags marked "Not a concern"
