"""Value types of the crisis detector (re-exported by detector.py, which is the public module)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum, StrEnum


class Category(StrEnum):
    SUICIDAL = "suicidal thoughts"
    SELF_HARM = "self-harm"
    OVERDOSE = "overdose or medical emergency"
    HARM_OTHERS = "intent to harm others"
    THIRD_PARTY = "someone else at risk"


class Severity(IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3


@dataclass(frozen=True)
class Detection:
    category: Category
    severity: Severity
    # Never the matched text: detections end up in logs and moderator flags. A rule id such as
    # "suicidal.intent.en" is enough to debug a false alarm without repeating a member's words.
    rule: str


@dataclass(frozen=True)
class GuildPhrases:
    """A guild's own additions: extra phrases to detect and allow-listed phrases to ignore."""

    extra: tuple[tuple[str, Category, Severity], ...] = ()
    allowed: tuple[str, ...] = ()


class Subject(Enum):
    """Whose words the phrase is about, judged from the nearest subject word before it."""

    SELF = "self"  # the writer: silent after "he", "my friend", "you", "people who" ...
    OTHER = "other"  # someone named before it ("my friend", "she"): silent after "i" or nothing
    ANY = "any"  # the phrase says it itself ("kill himself", "isn't breathing")


@dataclass(frozen=True)
class PhraseRule:
    """One family of phrasings with the same meaning; `patterns` use the template syntax of
    `patterns.expand`: (a|b|) alternatives, {MACRO} vocabulary, # for any number."""

    rule: str
    category: Category
    severity: Severity
    patterns: tuple[str, ...]
    subject: Subject = Subject.SELF
    # Past-tense forms ("tried to kill myself", "overdosed") are stories when the message places
    # them in the past ("two years ago", "when I was using"); present forms are never silenced so.
    past_form: bool = False
    negatable: bool = True
    # Silent after "if", "who", "people", "when someone": talk about others in general.
    generic_silences: bool = False
    # Idioms recognised by the next word: "killing myself laughing", "cut myself shaving".
    not_followed_by: frozenset[str] = field(default_factory=frozenset)
    not_preceded_by: frozenset[str] = field(default_factory=frozenset)
    # Ambiguous verbs fire only when one of these follows ("want to cut" + end of sentence,
    # never "want to cut my hair"); "" and "|" stand for the end of the message and clause.
    only_followed_by: frozenset[str] | None = None
    # Threat-shaped hyperbole: silent when the message laughs ("lol", "😂"), unless it also
    # insists ("not joking").
    jest_silences: bool = False
    lang: str = "en"
    # "took 30 pills" fires, "took 2 pills" does not.
    min_number: int = 0
