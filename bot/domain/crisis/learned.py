"""The learned stage: a linear classifier over character and word n-grams.

It finds crisis language the phrase rules have no pattern for ("standing on the overpass rn",
"took my klonopin on top of a fifth"): n-grams inside words carry slang and typos ("tonihgt",
"kms"), word pairs carry situations ("whole bottle", "trust myself"). Weights come from
`tools/train_crisis_model.py`; this module is pure (the weights are handed in) and needs nothing
beyond the standard library, so a scan costs tens of microseconds.

Features (the training script uses these same functions, so training and run time agree):
tf = 1 + ln(count), times the feature's idf, each family (characters, words) scaled to unit
length; class scores are the weights' dot product plus a bias, turned into probabilities with
softmax. The crisis score is 1 - P(none).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.domain.crisis.model import Category

NONE_CLASS = "none"
CHAR_MIN, CHAR_MAX = 2, 5
_WORD = re.compile(r"[a-z0-9']+")
_SPACES = re.compile(r"\s+")
_WORD_CACHE_LIMIT = 50_000


def _char_ngrams(word: str) -> list[str]:
    padded = f" {word} "
    grams = []
    for n in range(CHAR_MIN, CHAR_MAX + 1):
        if len(padded) < n:
            break
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


class _CharGrams:
    """Character n-grams per word, cached: chat repeats its words."""

    def __init__(self) -> None:
        self._cache: dict[str, list[str]] = {}

    def __call__(self, word: str) -> list[str]:
        grams = self._cache.get(word)
        if grams is None:
            grams = _char_ngrams(word)
            if len(self._cache) < _WORD_CACHE_LIMIT:
                self._cache[word] = grams
        return grams


def feature_counts(text: str, char_grams=_char_ngrams) -> tuple[dict[str, int], dict[str, int]]:
    """Raw counts of the two feature families: "c:" character n-grams and "w:" words and pairs."""
    lowered = text.lower()
    chars: dict[str, int] = {}
    for word in _SPACES.split(lowered):
        if word:
            for gram in char_grams(word):
                chars[gram] = chars.get(gram, 0) + 1
    words: dict[str, int] = {}
    tokens = _WORD.findall(lowered)
    for token in tokens:
        words[token] = words.get(token, 0) + 1
    for first, second in pairwise(tokens):
        pair = f"{first} {second}"
        words[pair] = words.get(pair, 0) + 1
    return chars, words


def weighted(counts: Mapping[str, int], idf: Mapping[str, float]) -> dict[str, float]:
    """Sublinear tf times idf, scaled to unit length; features without an idf are dropped."""
    values = {f: (1.0 + math.log(n)) * idf[f] for f, n in counts.items() if f in idf}
    norm = math.sqrt(sum(v * v for v in values.values()))
    return {f: v / norm for f, v in values.items()} if norm else {}


@dataclass(frozen=True)
class LearnedScore:
    crisis: float  # 1 - P(none), in [0, 1]
    category: Category  # the most likely crisis class


class LearnedModel:
    """Scores one message; thread-safe for reading (the word cache only ever grows)."""

    def __init__(
        self,
        classes: Sequence[str],
        bias: Sequence[float],
        char_idf: Mapping[str, float],
        word_idf: Mapping[str, float],
        weights: Mapping[str, Sequence[float]],
        threshold: float,
    ) -> None:
        if classes[0] != NONE_CLASS:
            raise ValueError("the first class must be 'none'")
        self.classes = tuple(classes)
        self._categories = [Category[name.upper()] for name in self.classes[1:]]
        self._bias = tuple(bias)
        self._char_idf = char_idf
        self._word_idf = word_idf
        self._weights = weights
        self.threshold = threshold
        self._char_grams = _CharGrams()

    def score(self, text: str) -> LearnedScore:
        chars, words = feature_counts(text, self._char_grams)
        logits = list(self._bias)
        span = range(len(logits))
        for prefix, counts, idf in (("c:", chars, self._char_idf), ("w:", words, self._word_idf)):
            for feature, value in weighted(counts, idf).items():
                row = self._weights.get(prefix + feature)
                if row is not None:
                    for k in span:
                        logits[k] += value * row[k]
        top = max(logits)
        exps = [math.exp(x - top) for x in logits]
        total = sum(exps)
        best = max(range(1, len(exps)), key=exps.__getitem__)
        return LearnedScore(crisis=1.0 - exps[0] / total, category=self._categories[best - 1])
