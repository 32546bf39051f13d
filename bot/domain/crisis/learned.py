"""The learned stage: a linear classifier over character and word n-grams.

It finds crisis language the phrase rules have no pattern for ("standing on the overpass rn",
"took my klonopin on top of a fifth"): n-grams inside words carry slang and typos ("tonihgt",
"kms"), word pairs carry situations ("whole bottle", "trust myself"). Weights come from
`tools/train_crisis_model.py`; this module is pure (the weights are handed in) and needs nothing
beyond the standard library.

Features (`feature_vector`; the training script uses it, so training and run time agree), in two
families, each scaled to unit length: character n-grams (2 to 5 characters) of each
space-separated word padded with a space on each side, and the words and adjacent word pairs.
A feature's value is (1 + ln count) times its idf. Class scores are the weights' dot product plus
a bias, turned into probabilities with softmax; the crisis score is 1 - P(none).

`LearnedModel.score` computes the same numbers faster: a word's character n-grams, their share
of the class scores and of the squared length are cached per word (chat repeats its words), and
only n-grams that occur more than once in the message are corrected for the logarithm.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise, repeat
from operator import add, mul
from typing import Protocol

from bot.domain.crisis.model import Category

NONE_CLASS = "none"
CHAR_MIN, CHAR_MAX = 2, 5
_WORD = re.compile(r"[a-z0-9']+")
_CACHE_LIMIT = 20_000


def char_counts(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for word in text.lower().split():
        padded = f" {word} "
        for n in range(CHAR_MIN, min(CHAR_MAX, len(padded)) + 1):
            grams.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def word_counts(text: str) -> Counter[str]:
    tokens = _WORD.findall(text.lower())
    return Counter(tokens + [f"{first} {second}" for first, second in pairwise(tokens)])


def weighted(
    counts: Mapping[str, int], index: Mapping[str, int], idf: Sequence[float]
) -> list[tuple[int, float]]:
    """(feature position, (1 + ln count) times idf), scaled to unit length; unknown features
    are dropped."""
    values = [
        (position, (1.0 + math.log(n)) * idf[position])
        for feature, n in counts.items()
        if (position := index.get(feature)) is not None
    ]
    norm = math.sqrt(sum(v * v for _, v in values))
    return [(position, v / norm) for position, v in values] if norm else []


def feature_vector(
    text: str,
    char_index: Mapping[str, int],
    word_index: Mapping[str, int],
    idf: Sequence[float],
) -> list[tuple[int, float]]:
    return weighted(char_counts(text), char_index, idf) + weighted(
        word_counts(text), word_index, idf
    )


@dataclass(frozen=True)
class LearnedScore:
    crisis: float  # 1 - P(none), in [0, 1]
    category: Category  # the most likely crisis class


class LearnedStage(Protocol):
    """What the detector asks of a learned stage (this n-gram model, or the blend of it with an
    embedding network in embedded.py)."""

    threshold: float  # the bar when no rule matched
    silenced_threshold: float  # the bar when a rule matched and context silenced it
    # Below this score a built-in rule that fired is overruled (0: never); see detector.py.
    rule_veto: float

    def detect(self, text: str, bar: float) -> LearnedScore | None:
        """The message's score if it reaches `bar`, else None."""
        ...

    def score(self, text: str) -> LearnedScore:
        """The message's score, always computed in full."""
        ...


@dataclass(frozen=True)
class _WordShare:
    positions: tuple[int, ...]  # known n-gram positions, repeated as often as they occur
    scores: list[float]  # sum over those of idf times weights, per class
    square: float  # sum over those of idf squared


class LearnedModel:
    """Scores one message; safe to share between threads (its word cache only ever grows).

    `char_features` (n-grams) and `word_features` (words and pairs) map a feature to its
    position; `idf[position]` is its idf and `weights[position * len(classes) + k]` its weight
    for class k (flat arrays keep some 60,000 features in a few MB)."""

    def __init__(
        self,
        classes: Sequence[str],
        bias: Sequence[float],
        char_features: Mapping[str, int],
        word_features: Mapping[str, int],
        idf: Sequence[float],
        weights: Sequence[float],
        threshold: float,
        silenced_threshold: float = 1.0,
        rule_veto: float = 0.0,
    ) -> None:
        if classes[0] != NONE_CLASS:
            raise ValueError("the first class must be 'none'")
        if len(idf) != len(char_features) + len(word_features):
            raise ValueError("features, idf and weights disagree in size")
        if len(weights) != len(idf) * len(classes):
            raise ValueError("features, idf and weights disagree in size")
        self.classes = tuple(classes)
        self._categories = [Category[name.upper()] for name in self.classes[1:]]
        self.bias = tuple(bias)
        self.char_features = char_features
        self.word_features = word_features
        self.idf = idf
        self.weights = weights
        self.threshold = threshold
        self.silenced_threshold = silenced_threshold
        self.rule_veto = rule_veto
        self._shares: dict[str, _WordShare] = {}

    def _share(self, word: str) -> _WordShare:
        share = self._shares.get(word)
        if share is None:
            positions = tuple(
                position
                for gram, n in char_counts(word).items()
                if (position := self.char_features.get(gram)) is not None
                for _ in range(n)
            )
            idfs = list(map(self.idf.__getitem__, positions))
            scores = self._dot(list(positions), idfs)
            square = sum(idf * idf for idf in idfs)
            share = _WordShare(positions, scores, square)
            if len(self._shares) < _CACHE_LIMIT:
                self._shares[word] = share
        return share

    def _dot(self, positions: list[int], values: list[float]) -> list[float]:
        """Per class, the sum of value times weight (the loops run inside `map`, in C)."""
        width = len(self.classes)
        starts = [position * width for position in positions]
        weight = self.weights.__getitem__
        return [
            sum(map(mul, values, map(weight, map(add, starts, repeat(k))))) for k in range(width)
        ]

    def detect(self, text: str, bar: float) -> LearnedScore | None:
        score = self.score(text)
        return score if score.crisis >= bar else None

    def score(self, text: str) -> LearnedScore:
        logits = list(self.bias)
        # Sparse terms still to multiply with their weights, in one pass at the end.
        positions: list[int] = []
        values: list[float] = []
        shares = [self._share(word) for word in text.lower().split()]
        square = sum(share.square for share in shares)
        if square > 0.0:
            scores = [sum(column) for column in zip(*(s.scores for s in shares), strict=True)]
            # The shares count an n-gram's occurrences linearly; features use 1 + ln(count).
            counts = Counter(chain.from_iterable(share.positions for share in shares))
            repeated = [(position, n) for position, n in counts.items() if n > 1]
            changes = []
            for position, n in repeated:
                idf = self.idf[position]
                tf = 1.0 + math.log(n)
                changes.append((tf - n) * idf)
                square += idf * idf * (tf * tf - n)
            norm = math.sqrt(square)
            logits = [x + score / norm for x, score in zip(logits, scores, strict=True)]
            positions.extend(position for position, _ in repeated)
            values.extend(change / norm for change in changes)
        for position, value in weighted(word_counts(text), self.word_features, self.idf):
            positions.append(position)
            values.append(value)
        if positions:
            logits = list(map(add, logits, self._dot(positions, values)))
        top = max(logits)
        exps = [math.exp(x - top) for x in logits]
        best = max(range(1, len(exps)), key=exps.__getitem__)
        return LearnedScore(crisis=1.0 - exps[0] / sum(exps), category=self._categories[best - 1])
