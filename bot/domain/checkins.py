"""What a check-in is, and the words Hearth answers it with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import IntEnum

NOTE_MAX_LENGTH = 500
CRAVING_MIN, CRAVING_MAX = 0, 10
HISTORY_DEFAULT_DAYS, HISTORY_MAX_DAYS = 30, 365
LOW_MOOD_CRAVING = 8


class Mood(IntEnum):
    STRUGGLING = 1
    LOW = 2
    OKAY = 3
    GOOD = 4
    GREAT = 5

    @property
    def label(self) -> str:
        return self.name.capitalize()

    @property
    def emoji(self) -> str:
        return {1: "🌧️", 2: "🌥️", 3: "⛅", 4: "🌤️", 5: "☀️"}[self.value]


# A short word that fits the mood: acknowledging, never cheerleading a hard day away.
_MOOD_WORDS = {
    Mood.STRUGGLING: "Thank you for checking in on a hard day. Showing up counts.",
    Mood.LOW: "Thanks for being honest about today. Be gentle with yourself.",
    Mood.OKAY: "Okay is okay. Thanks for checking in.",
    Mood.GOOD: "Glad today's going well. Thanks for checking in.",
    Mood.GREAT: "That's lovely to hear. Enjoy it, you've earned it.",
}


def mood_word(mood: Mood) -> str:
    return _MOOD_WORDS[mood]


@dataclass(frozen=True)
class CheckinInput:
    mood: Mood
    craving: int | None
    note: str | None

    def __post_init__(self) -> None:
        if self.craving is not None and not CRAVING_MIN <= self.craving <= CRAVING_MAX:
            raise ValueError("craving out of range")
        if self.note is not None and len(self.note) > NOTE_MAX_LENGTH:
            raise ValueError("note too long")


def needs_gentle_support(mood: Mood, craving: int | None) -> bool:
    return mood == Mood.STRUGGLING or (craving is not None and craving >= LOW_MOOD_CRAVING)


def clean_note(note: str | None) -> str | None:
    """Blank notes are no notes."""
    if note is None:
        return None
    stripped = note.strip()
    return stripped or None


@dataclass(frozen=True)
class CheckinEntry:
    """One stored check-in. The note is private to its owner: never posted, never logged."""

    local_date: date
    mood: Mood
    craving: int | None
    note: str | None
    shared: bool


@dataclass(frozen=True)
class CheckinSummary:
    """Aggregates for moderators: counts and an average, never who."""

    count: int
    members: int  # distinct members who contributed
    average_mood: float | None


@dataclass(frozen=True)
class RecordedCheckin:
    updated: bool  # True when today's check-in already existed and was updated
    days: list[date]  # every day this member has checked in here, for streaks
    entry: CheckinEntry  # the day's check-in as now stored (earlier answers kept)


@dataclass(frozen=True)
class Reminder:
    guild_id: int
    user_id: int
    local_time: str  # HH:MM in the member's zone
    enabled: bool
    disabled_reason: str | None
    active_since: datetime  # when it was last set: a day whose time passed before isn't due
    handled_date: date | None  # the last local day already dealt with


# Waits before retrying a prompt that failed to post, after the 1st, 2nd and 3rd failure.
PROMPT_RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15))
PROMPT_MAX_ATTEMPTS = len(PROMPT_RETRY_DELAYS) + 1
