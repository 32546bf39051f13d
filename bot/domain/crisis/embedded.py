"""The learned stage's second reader: a small neural network over a sentence embedding.

The character and word n-grams (learned.py) know the words they were trained on; this reader
knows what words mean. A message's embedding is the mean of its tokens' static vectors (the
WordLlama "l2_supercat" 256-d vectors, shipped in the `wordllama` wheel), scaled to unit length;
a one-hidden-layer network trained by `tools/train_crisis_model.py` turns it into class
probabilities. The learned stage's crisis score is a blend of both readers:

    crisis = blend * n-gram score + (1 - blend) * embedding score

The embedding costs more than the n-grams (a tokenizer and a few thousand multiplications), so
`detect` computes it only when it can change the verdict: when even a full embedding score could
not lift the blend to the bar, or the n-grams alone already clear it, the answer is known. Most
chat is the first case. This module is pure: the tokenizer and arrays are handed in
(`bot.crisis_model` loads them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.domain.crisis.learned import LearnedModel, LearnedScore
from bot.domain.crisis.model import Category

# Tokens beyond this many add nothing a mean would notice, and a 4,000-character message must
# stay cheap.
MAX_TOKENS = 512


@dataclass(frozen=True)
class EmbeddingNetwork:
    """One hidden layer (ReLU) and a softmax over the same classes as the n-gram model."""

    hidden_weights: np.ndarray  # (dimensions, hidden)
    hidden_bias: np.ndarray  # (hidden,)
    output_weights: np.ndarray  # (hidden, classes)
    output_bias: np.ndarray  # (classes,)

    def probabilities(self, embedding: np.ndarray) -> np.ndarray:
        hidden = np.maximum(embedding @ self.hidden_weights + self.hidden_bias, 0.0)
        logits = hidden @ self.output_weights + self.output_bias
        exps = np.exp(logits - logits.max())
        return exps / exps.sum()


def sentence_embedding(token_ids: Sequence[int], vectors: np.ndarray) -> np.ndarray | None:
    """The unit-length mean of the tokens' vectors; None for a message with no tokens."""
    ids = [i for i in token_ids[:MAX_TOKENS] if 0 <= i < len(vectors)]
    if not ids:
        return None
    mean = vectors[ids].astype(np.float32).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0.0 else None


class BlendedModel:
    """The n-gram model and the embedding network, blended; safe to share between threads."""

    def __init__(
        self,
        ngrams: LearnedModel,
        tokenize: Callable[[str], Sequence[int]],
        vectors: np.ndarray,
        network: EmbeddingNetwork,
        blend: float,
        threshold: float,
        silenced_threshold: float,
        rule_veto: float = 0.0,
    ) -> None:
        if not 0.0 < blend <= 1.0:
            raise ValueError("blend must be in (0, 1]")
        if network.output_weights.shape[1] != len(ngrams.classes):
            raise ValueError("the network and the n-gram model disagree on the classes")
        if network.hidden_weights.shape[0] != vectors.shape[1]:
            raise ValueError("the network and the vectors disagree in size")
        self.ngrams = ngrams
        self._tokenize = tokenize
        self._vectors = vectors
        self._network = network
        self.blend = blend
        self.threshold = threshold
        self.silenced_threshold = silenced_threshold
        self.rule_veto = rule_veto
        self._categories = [Category[name.upper()] for name in ngrams.classes[1:]]

    def embedding_probabilities(self, text: str) -> np.ndarray | None:
        embedding = sentence_embedding(self._tokenize(text.lower()), self._vectors)
        return None if embedding is None else self._network.probabilities(embedding)

    def score(self, text: str) -> LearnedScore:
        """The blended score, always computed in full."""
        return self._blended(text, self.ngrams.score(text))

    def detect(self, text: str, bar: float) -> LearnedScore | None:
        """The blended score if it reaches `bar`, else None; the embedding only when it matters."""
        ngram = self.ngrams.score(text)
        low = self.blend * ngram.crisis
        if low + (1.0 - self.blend) < bar:
            return None  # even a certain embedding could not lift it to the bar
        if low >= bar:
            return LearnedScore(crisis=low, category=ngram.category)  # at least this much
        score = self._blended(text, ngram)
        return score if score.crisis >= bar else None

    def _blended(self, text: str, ngram: LearnedScore) -> LearnedScore:
        if self.blend == 1.0:
            return ngram  # the embedding has no share: not worth computing
        probabilities = self.embedding_probabilities(text)
        if probabilities is None:
            return LearnedScore(crisis=self.blend * ngram.crisis, category=ngram.category)
        crisis = self.blend * ngram.crisis + (1.0 - self.blend) * (1.0 - float(probabilities[0]))
        return LearnedScore(crisis=crisis, category=ngram.category)
