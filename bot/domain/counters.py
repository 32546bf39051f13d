"""Sobriety counters and their periods, as the rest of Hearth sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

DEFAULT_LABEL = "sobriety"
LABEL_MAX_LENGTH = 32


class Announce(StrEnum):
    PUBLIC = "public"
    DM = "dm"
    OFF = "off"


@dataclass(frozen=True)
class Period:
    id: int
    start: date
    end: date | None
    note: str | None

    def length_days(self, today: date) -> int:
        return max(0, ((self.end or today) - self.start).days)


@dataclass(frozen=True)
class Counter:
    id: int
    guild_id: int
    user_id: int
    label: str
    announce: Announce
    current: Period


def clean_label(label: str | None) -> str:
    """The label as stored; raises ValueError with a member-facing reason."""
    text = " ".join((label or DEFAULT_LABEL).split())
    if not text:
        return DEFAULT_LABEL
    if len(text) > LABEL_MAX_LENGTH:
        raise ValueError(f"a counter's name can be at most {LABEL_MAX_LENGTH} characters")
    return text


@dataclass(frozen=True)
class Celebration:
    id: int
    period_id: int
    milestone_key: str
    user_id: int
    guild_id: int
    congratulations: int
