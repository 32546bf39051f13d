"""Cheap checks around a phrase hit: negation, whose words they are, idioms, stories, jokes.

They run only on hits (a few messages in a hundred), on the normalised words, and look no further
than the clause the phrase sits in, except the story and joke checks, which read the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.domain.crisis.model import PhraseRule, Subject
from bot.domain.crisis.normalise import CLAUSE
from bot.domain.crisis.patterns import Automaton, substitute
from bot.domain.crisis.vocab import (
    FIRST_PERSON,
    GENERIC_MARKERS,
    GENERIC_SUBJECTS,
    JEST,
    MACROS,
    NEGATION_BRIDGES,
    NEGATORS_EN,
    NEGATORS_ES,
    QUESTION_LINKS,
    QUESTION_VERBS,
    SERIOUS,
    THIRD_PERSON,
)

_NEGATION_REACH = 5
_SUBJECT_REACH = 6
_GENERIC_REACH = 8

# A message that places events in the past ("two years ago", "when I was using") tells a story;
# past-tense phrases in it are not an emergency now.
_PAST_TEMPLATES = (
    "(years|year|yrs|yr|months|month|decades|decade|ages|a long time|long time|# weeks|"
    "a lifetime) ago",
    "when i was (using|drinking|high|in active addiction|active|in my addiction|a teen|"
    "a teenager|a kid|younger|a child|#|in high school|in school|in college|still using|"
    "still drinking|out there|in the depths|at my worst|in my disease|sick)",
    "back (when|then|in the day|in|in my)",
    "used to",
    "(in|during) my (active |)(addiction|using days|drinking days|disease|teens|twenties|"
    "thirties|old life|past|active addiction)",
    "in active addiction",
    "(before|until) (i got|getting|i was|i went|going) (clean|sober|into recovery|to rehab|"
    "to treatment)",
    "(last year|as a teen|as a teenager|as a kid|in high school|in middle school|in college|"
    "at my worst|rock bottom|my story|survived|survivor|my old life|i once|once tried|"
    "rest in peace|passed away|in memory of|anniversary|lost (him|her|them|my {REL}) to)",
    "(#|two|three|four|five|six|seven|eight|nine|ten|many|several|a few|couple|couple of) "
    "(years|yrs|months|decades) (later|since)",
    # A recovery milestone tells a story: "i tried to end my life once. today i'm 5 years sober".
    "(years|yrs|year|months|month) (sober|clean|in recovery|free)",
    # Grief: "the last phone call with him before he overdosed".
    "(before|after|since|the day|the night) (he|she|they|my {REL}) (overdosed|oded|died|passed)",
)
_YEAR = re.compile(r" (?:in|since|back in|around|of|from) (?:19|20)\d\d ")
_PAST = Automaton((substitute(template, MACROS), True) for template in _PAST_TEMPLATES)


@dataclass
class MessageContext:
    """Per-message facts, computed at most once and only when a hit asks for them."""

    words: list[str]
    _text: str | None = field(default=None, repr=False)
    _past: bool | None = field(default=None, repr=False)
    _jest: bool | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = f" {' '.join(self.words)} "
        return self._text

    def tells_a_story(self) -> bool:
        if self._past is None:
            self._past = bool(_PAST.hits(self.words) or _YEAR.search(self.text))
        return self._past

    def laughs(self) -> bool:
        if self._jest is None:
            self._jest = not JEST.isdisjoint(self.words) and not self.insists()
        return self._jest

    def insists(self) -> bool:
        return any(marker in self.text for marker in SERIOUS)


def _clause_before(words: list[str], begin: int) -> list[str]:
    before = words[max(0, begin - _GENERIC_REACH) : begin]
    for index in range(len(before) - 1, -1, -1):
        if before[index] == CLAUSE:
            return before[index + 1 :]
    return before


def _followed_by(after: str, phrases: frozenset[str]) -> bool:
    return any(after.startswith(f" {phrase} ") for phrase in phrases if phrase)


def _followed_by_past_comma(after: str, phrases: frozenset[str]) -> bool:
    """Also across one clause mark: "bye all, logging off", "took all my meds, like always"."""
    if after.startswith(f" {CLAUSE} "):
        after = after[len(CLAUSE) + 1 :]
    return _followed_by(after, phrases)


def _negated(before: list[str], rule: PhraseRule) -> bool:
    negators = NEGATORS_ES if rule.lang == "es" else NEGATORS_EN
    for word in reversed(before[-_NEGATION_REACH:]):
        if word in negators:
            return True
        if word not in NEGATION_BRIDGES:
            return False
    return False


def _nearest_subject(before: list[str]) -> str | None:
    for word in reversed(before[-_SUBJECT_REACH:]):
        if word in FIRST_PERSON:
            return "first"
        if word in THIRD_PERSON:
            return "third"
        if word in GENERIC_SUBJECTS:
            return "generic"
    return None


def _reported_question(before: list[str]) -> bool:
    """ "My therapist asked if I have thoughts of suicide": someone else's question."""
    return not QUESTION_VERBS.isdisjoint(before) and not QUESTION_LINKS.isdisjoint(before)


def silenced(rule: PhraseRule, context: MessageContext, begin: int, end: int) -> bool:
    """True when the hit on words[begin:end] should not count for this rule."""
    words = context.words
    before = _clause_before(words, begin)
    after = f" {' '.join(words[end : end + 4])} "
    if rule.min_number and any(
        word.isdigit() and int(word) < rule.min_number for word in words[begin:end]
    ):
        return True
    if rule.not_preceded_by and before:
        last = "#" if before[-1].isdigit() else before[-1]
        if last in rule.not_preceded_by or " ".join(before[-2:]) in rule.not_preceded_by:
            return True
    insists = rule.jest_silences and context.insists()
    if (
        rule.not_followed_by
        and not insists
        and _followed_by_past_comma(after, rule.not_followed_by)
    ):
        return True
    if rule.only_followed_by is not None:
        next_word = words[end] if end < len(words) else ""
        if next_word not in rule.only_followed_by and not _followed_by(
            after, rule.only_followed_by
        ):
            return True
    if rule.negatable and _negated(before, rule):
        return True
    if rule.subject is not Subject.ANY:
        # "I'll kill him", "he's blue": a phrase that starts with its subject needs no looking back.
        subject = _nearest_subject([words[begin]]) or _nearest_subject(before)
        if rule.subject is Subject.SELF and _reported_question(before):
            return True
        if rule.subject is Subject.SELF and subject in ("third", "generic"):
            return True
        if rule.subject is Subject.OTHER and subject != "third":
            return True
    if rule.generic_silences and not GENERIC_MARKERS.isdisjoint(before):
        return True
    if rule.past_form and context.tells_a_story():
        return True
    return rule.jest_silences and context.laughs()
