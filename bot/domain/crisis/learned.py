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
    """Raw counts of the two feature families: character n-grams, and words and word pairs."""
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


def weighted(counts: Mapping[str, int], index: Mapping[str, int], idf: Sequence[float]):
    """(feature position, sublinear tf times idf) scaled to unit length; unknown features are
    dropped."""
    values = [
        (position, (1.0 + math.log(n)) * idf[position])
        for feature, n in counts.items()
        if (position := index.get(feature)) is not None
    ]
    norm = math.sqrt(sum(v * v for _, v in values))
    return [(position, v / norm) for position, v in values] if norm else []


@dataclass(frozen=True)
class LearnedScore:
    crisis: float  # 1 - P(none), in [0, 1]
    category: Category  # the most likely crisis class


class LearnedModel:
    """Scores one message; safe to share between threads (the word cache only ever grows).

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
    ) -> None:
        if classes[0] != NONE_CLASS:
            raise ValueError("the first class must be 'none'")
        if len(weights) != len(idf) * len(classes) or len(idf) != len(char_features) + len(
            word_features
        ):
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
        self._char_grams = _CharGrams()

    def score(self, text: str) -> LearnedScore:
        logits = list(self.bias)
        width = len(logits)
        weights = self.weights
        chars, words = feature_counts(text, self._char_grams)
        for counts, index in ((chars, self.char_features), (words, self.word_features)):
            for position, value in weighted(counts, index, self.idf):
                base = position * width
                for k in range(width):
                    logits[k] += value * weights[base + k]
        top = max(logits)
        exps = [math.exp(x - top) for x in logits]
        best = max(range(1, width), key=exps.__getitem__)
        return LearnedScore(crisis=1.0 - exps[0] / sum(exps), category=self._categories[best - 1])
