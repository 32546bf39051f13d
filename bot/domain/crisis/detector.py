"""Crisis-language detector: pure, fast, and never carrying a member's words out of it.

    detection = default_detector().scan(message.content)

A scan normalises the text (normalise.py), finds every phrase hit with one word-level automaton
built from all phrase templates (patterns.py), drops hits that context silences (context.py:
negation, someone else's words, idioms, past stories, jokes, allow-listed spans) and returns the
most severe detection left. When no rule fired, the learned stage (learned.py), if the detector was
given one, scores the message: above its threshold it is a detection with the rule id
"learned.<category>". When a rule matched and context silenced it (a negation, an idiom, a past
story), the learned stage needs a higher score (`silenced_threshold`); an allow-listed phrase
silences the message outright. A built-in rule that fired is overruled when the learned stage's
score is below its `rule_veto` (a bar so low that no crisis message the model was cross-validated
on falls under it; tools/train_crisis_model.py picks it). Severity then follows severity.py: a
time, plan, means, goodbye or overdose in progress makes it HIGH.

The shared phrase set is compiled once per process; a guild with its own phrases gets a detector
that adds a small second automaton for them and reuses the shared one. With the learned stage,
build detectors through `bot.crisis_model.crisis_detector`, which loads the shipped weights.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from bot.domain.crisis.context import MessageContext, silenced
from bot.domain.crisis.learned import LearnedStage
from bot.domain.crisis.model import (
    Category,
    Detection,
    GuildPhrases,
    PhraseRule,
    Severity,
    Subject,
)
from bot.domain.crisis.normalise import CLAUSE, normalise_words
from bot.domain.crisis.patterns import Automaton, substitute
from bot.domain.crisis.rules_es import SPANISH_RULES
from bot.domain.crisis.rules_others import (
    BUILTIN_ALLOWED,
    HARM_OTHERS_RULES,
    OVERDOSE_RULES,
    THIRD_PARTY_RULES,
)
from bot.domain.crisis.rules_self import SUICIDAL_RULES
from bot.domain.crisis.rules_self_harm import SELF_HARM_RULES
from bot.domain.crisis.severity import cues, graded
from bot.domain.crisis.vocab import MACROS

__all__ = [
    "Category",
    "CrisisDetector",
    "Detection",
    "GuildPhrases",
    "Severity",
    "all_rules",
    "default_detector",
    "phrase_has_words",
]

# Between two detections of equal severity, the one whose answer is most urgent to get right.
_URGENCY = {
    Category.OVERDOSE: 5,
    Category.SUICIDAL: 4,
    Category.SELF_HARM: 3,
    Category.THIRD_PARTY: 2,
    Category.HARM_OTHERS: 1,
}
# Template syntax in a guild's literal phrase would change its meaning; such characters are
# punctuation to the normaliser anyway.
_TEMPLATE_CHARS = re.compile(r"[(){}|#]")


def all_rules() -> list[PhraseRule]:
    return [
        *SUICIDAL_RULES,
        *SELF_HARM_RULES,
        *OVERDOSE_RULES,
        *HARM_OTHERS_RULES,
        *THIRD_PARTY_RULES,
        *SPANISH_RULES,
    ]


@cache
def _shared_automaton() -> Automaton[PhraseRule]:
    return Automaton(
        (substitute(template, MACROS), rule) for rule in all_rules() for template in rule.patterns
    )


# Punctuation alone normalises to clause breaks, found in nearly every message: a phrase needs
# at least this many letters of its own to mean anything.
MIN_PHRASE_LETTERS = 2


def phrase_has_words(phrase: str) -> bool:
    """Whether a guild's phrase has enough letters to match only what it says."""
    words = normalise_words(_TEMPLATE_CHARS.sub(" ", phrase))
    letters = sum(ch.isalpha() for word in words if word != CLAUSE for ch in word)
    return letters >= MIN_PHRASE_LETTERS


def _literal(phrase: str) -> str | None:
    """A guild's phrase as a template matching exactly its words; None if it has no words.

    A phrase without words ("!!!", saved before phrases were checked) would match every clause
    break, so it is skipped rather than refused: one odd entry must not stop a guild's detector
    from being built.
    """
    cleaned = _TEMPLATE_CHARS.sub(" ", phrase)
    return cleaned if phrase_has_words(phrase) else None


def _allowed_automaton(extra: Iterable[str] = ()) -> Automaton[bool]:
    phrases = (_literal(phrase) for phrase in (*BUILTIN_ALLOWED, *extra))
    return Automaton((phrase, True) for phrase in phrases if phrase)


@cache
def _builtin_allowed() -> Automaton[bool]:
    return _allowed_automaton()


class CrisisDetector:
    """Scans one message at a time; safe to share between tasks (no mutable state)."""

    def __init__(
        self, guild_phrases: GuildPhrases | None = None, learned: LearnedStage | None = None
    ) -> None:
        self._learned = learned
        self._shared = _shared_automaton()
        self._guild: Automaton[PhraseRule] | None = None
        self._allowed = _builtin_allowed()
        if guild_phrases is None:
            return
        extra = [
            (template, PhraseRule(f"guild.{index}", category, severity, (), Subject.ANY))
            for index, (phrase, category, severity) in enumerate(guild_phrases.extra)
            if (template := _literal(phrase))
        ]
        if extra:
            self._guild = Automaton(extra)
        if guild_phrases.allowed:
            self._allowed = _allowed_automaton(guild_phrases.allowed)

    def scan(self, text: str) -> Detection | None:
        """The most severe detection in `text`, or None."""
        words = normalise_words(text)
        hits = list(self._shared.hits(words))
        if self._guild is not None:
            hits.extend(self._guild.hits(words))
        if not hits:
            return self._learned_detection(text, words)
        allowed = [(begin, end) for begin, end, _ in self._allowed.hits(words)]
        context = MessageContext(words)
        best: tuple[int, int, PhraseRule] | None = None
        allow_listed = False
        for begin, end, rules in hits:
            if any(begin < a_end and a_begin < end for a_begin, a_end in allowed):
                allow_listed = True
                continue
            for rule in rules:
                rank = (int(rule.severity), _URGENCY[rule.category])
                if best is not None and rank <= best[:2]:
                    continue
                if not silenced(rule, context, begin, end):
                    best = (*rank, rule)
        if best is None:
            # An allow-listed phrase keeps the learned stage quiet too: admins chose that.
            return None if allow_listed else self._learned_detection(text, words, silenced=True)
        rule = best[2]
        if self._vetoed(rule, text):
            return None
        severity = graded(rule.severity, cues(words))
        return Detection(category=rule.category, severity=severity, rule=rule.rule)

    def _vetoed(self, rule: PhraseRule, text: str) -> bool:
        """Whether the learned stage overrules a built-in rule that fired: only when it is all but
        certain the message is not a crisis (a joke's "kms", a moderator's note naming suicidal
        thoughts). A guild's own phrases are never overruled: admins chose them."""
        if self._learned is None or self._learned.rule_veto <= 0.0:
            return False
        if rule.rule.startswith("guild."):
            return False
        return self._learned.score(text).crisis < self._learned.rule_veto

    def _learned_detection(
        self, text: str, words: list[str], *, silenced: bool = False
    ) -> Detection | None:
        """The learned stage's verdict on a message no rule detected. After a rule matched and
        context silenced it (a negation, an idiom, a story), the bar is higher: the rules' reading
        wins unless the model is much surer (its rules miss "took 4 xanax and most of a bottle of
        wine, everything's spinning" as "took 4 pills", a number too small to fire)."""
        if self._learned is None:
            return None
        bar = self._learned.silenced_threshold if silenced else self._learned.threshold
        score = self._learned.detect(text, bar)
        if score is None:
            return None
        return Detection(
            category=score.category,
            severity=graded(Severity.MEDIUM, cues(words)),
            rule=f"learned.{score.category.name.lower()}",
        )


@cache
def default_detector() -> CrisisDetector:
    """The detector for guilds without phrases of their own, built once per process."""
    return CrisisDetector()


def automaton_size() -> int:
    """States in the shared automaton (for the benchmark's report)."""
    return _shared_automaton().state_count
