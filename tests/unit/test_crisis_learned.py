"""The learned stage: shipped weights load offline, its detections carry a rule id and never
text, it adds what the rules miss, and it leaves the rules' silences and allow-lists alone. Its
score blends the n-gram model with an embedding network; the shortcut that skips the embedding
gives the same verdicts as the full blend."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from bot.crisis_model import crisis_detector, learned_model, ngram_model, scan_off_loop
from bot.domain.crisis import Category, CrisisDetector, Detection, GuildPhrases
from bot.domain.crisis.embedded import BlendedModel, EmbeddingNetwork, sentence_embedding
from bot.domain.crisis.learned import (
    LearnedModel,
    char_counts,
    feature_vector,
    weighted,
    word_counts,
)

# Written for these tests; none is in the evaluation or training data.
INDIRECT = [
    ("i'm at the top of the multistorey by the station and i've climbed over the wall. sorry",
     Category.SUICIDAL),
    ("mixed my xanax with a bottle of rum and now i can barely keep my eyes open",
     Category.OVERDOSE),
    ("my flatmate is on facetime with me and says she is on the bridge and wants to jump",
     Category.THIRD_PARTY),
]  # fmt: skip
ORDINARY = [
    "anyone want to walk over the bridge to the saturday market with me?",
    "finally finished my step work, feeling lighter",
    "the coffee at the church meeting is terrible lol",
]


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    return crisis_detector()


def test_shipped_model_loads_from_the_package():
    model = learned_model()
    assert model.ngrams.classes[0] == "none"
    assert 0.0 < model.blend <= 1.0
    assert 0.0 < model.threshold <= model.silenced_threshold <= 1.0
    assert len(model.ngrams.char_features) > 1000 and len(model.ngrams.word_features) > 1000
    probabilities = model.embedding_probabilities("standing on the bridge")
    assert probabilities is not None and len(probabilities) == len(model.ngrams.classes)
    assert math.isclose(float(probabilities.sum()), 1.0, abs_tol=1e-5)


DETECT_TEXTS = [
    "",
    "good morning, day 40 today",
    "gave my cat to my neighbour and wrote letters to my kids. i'm ready",
    "took all my methadone at once and i can barely breathe",
    "mum keeps the bridge club going on thursdays",
    "i keep looking at the bottle of pills on the shelf",
]


@pytest.mark.parametrize("text", DETECT_TEXTS)
def test_shortcut_gives_the_full_blends_verdict(text):
    model = learned_model()
    full = model.score(text).crisis
    for bar in (0.05, 0.2, 0.4, model.threshold, 0.6, model.silenced_threshold, 0.8, 0.95):
        verdict = model.detect(text, bar)
        assert (verdict is not None) == (full >= bar), (bar, full)
        if verdict is not None:
            assert verdict.crisis <= full + 1e-9


def test_sentence_embedding_is_a_unit_mean_of_known_tokens():
    vectors = np.array([[3.0, 0.0], [0.0, 4.0], [1.0, 1.0]], dtype=np.float16)
    embedding = sentence_embedding([0, 1, 7, -1], vectors)  # 7 and -1 are not tokens
    assert embedding is not None
    assert np.allclose(embedding, [0.6, 0.8])
    assert sentence_embedding([], vectors) is None
    assert sentence_embedding([9], vectors) is None


def test_blend_refuses_mismatched_parts():
    ngrams = ngram_model()
    width = len(ngrams.classes)
    vectors = np.zeros((10, 4), dtype=np.float16)

    def network(dimensions: int, classes: int) -> EmbeddingNetwork:
        return EmbeddingNetwork(
            np.zeros((dimensions, 3)), np.zeros(3), np.zeros((3, classes)), np.zeros(classes)
        )

    with pytest.raises(ValueError, match="classes"):
        BlendedModel(ngrams, lambda _: [1], vectors, network(4, width - 1), 0.7, 0.5, 0.6)
    with pytest.raises(ValueError, match="size"):
        BlendedModel(ngrams, lambda _: [1], vectors, network(5, width), 0.7, 0.5, 0.6)
    with pytest.raises(ValueError, match="blend"):
        BlendedModel(ngrams, lambda _: [1], vectors, network(4, width), 0.0, 0.5, 0.6)


@pytest.mark.parametrize(("text", "category"), INDIRECT)
def test_learned_stage_catches_what_the_rules_miss(detector, text, category):
    assert CrisisDetector().scan(text) is None
    detection = detector.scan(text)
    assert detection is not None
    assert detection.category is category
    assert detection.rule == f"learned.{category.name.lower()}"


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_chat_stays_quiet(detector, text):
    assert detector.scan(text) is None


def test_detection_carries_no_text(detector):
    detection = detector.scan(INDIRECT[0][0])
    assert [field.name for field in dataclasses.fields(Detection)] == [
        "category",
        "severity",
        "rule",
    ]
    assert detection is not None and "multistorey" not in repr(detection)


def test_rules_still_decide_explicit_language(detector):
    detection = detector.scan("i want to kill myself")
    assert detection is not None and not detection.rule.startswith("learned.")


def test_allow_listed_phrase_silences_the_learned_stage_too():
    text = "killing myself at the gym, then standing on the roof tonight, sorry everyone"
    allowed = crisis_detector(GuildPhrases(allowed=("killing myself at the gym",)))
    plain = crisis_detector(GuildPhrases(allowed=()))
    assert allowed.scan(text) is None
    assert plain.scan(text) is not None


def test_silenced_rule_needs_the_higher_bar():
    model = ngram_model()
    text = "i would never kill myself, i'm just tired of work"
    score = model.score(text).crisis
    strict = LearnedModel(
        model.classes, model.bias, model.char_features, model.word_features, model.idf,
        model.weights, threshold=0.0, silenced_threshold=1.0,
    )  # fmt: skip
    lenient = LearnedModel(
        model.classes, model.bias, model.char_features, model.word_features, model.idf,
        model.weights, threshold=1.0, silenced_threshold=0.0,
    )  # fmt: skip
    assert CrisisDetector().scan(text) is None  # the negation silenced the rule
    assert CrisisDetector(learned=strict).scan(text) is None
    assert CrisisDetector(learned=lenient).scan(text) is not None
    assert 0.0 <= score <= 1.0


def test_features_and_weighting():
    chars, words = char_counts("I want to die"), word_counts("I want to die")
    assert words == {"i": 1, "want": 1, "to": 1, "die": 1, "i want": 1, "want to": 1, "to die": 1}
    assert chars[" d"] == 1 and chars["die "] == 1 and chars[" want"] == 1 and " want " not in chars
    index = {"a": 0, "b": 1}
    values = dict(weighted({"a": 3, "b": 1, "unknown": 5}, index, [1.0, 2.0]))
    assert set(values) == {0, 1}
    assert math.isclose(sum(v * v for v in values.values()), 1.0)
    assert weighted({"unknown": 1}, index, [1.0, 2.0]) == []


def test_model_refuses_mismatched_arrays():
    with pytest.raises(ValueError, match="disagree"):
        LearnedModel(["none", "suicidal"], [0.0, 0.0], {"a": 0}, {}, [1.0], [0.0], 0.5)
    with pytest.raises(ValueError, match="first class"):
        LearnedModel(["suicidal", "none"], [0.0, 0.0], {"a": 0}, {}, [1.0], [0.0, 0.0], 0.5)


async def test_scan_off_loop_gives_the_same_answer(detector):
    for text, _ in INDIRECT:
        assert await scan_off_loop(detector, text) == detector.scan(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "!!!",
        "hahaha hahaha ha",
        "I want to die. I want to die. i WANT to die",
        "the the the the bridge bridge",
        "standing on the ledge rn, sorry everyone 😢",
        "ordinary chat about coffee and the meeting at 7 " * 40,
    ],
)
def test_fast_score_equals_the_plain_definition(text):
    """The cached, per-word score is the features' dot product with the weights, as trained."""
    model = ngram_model()
    width = len(model.classes)
    logits = list(model.bias)
    for position, value in feature_vector(
        text, model.char_features, model.word_features, model.idf
    ):
        for k in range(width):
            logits[k] += value * model.weights[position * width + k]
    top = max(logits)
    exps = [math.exp(x - top) for x in logits]
    assert math.isclose(model.score(text).crisis, 1 - exps[0] / sum(exps), abs_tol=1e-9)


def test_a_blend_of_one_never_computes_the_embedding():
    ngrams = ngram_model()
    width = len(ngrams.classes)
    network = EmbeddingNetwork(np.zeros((4, 3)), np.zeros(3), np.zeros((3, width)), np.zeros(width))
    tokenized = []

    def tokenize(text: str) -> list[int]:
        tokenized.append(text)
        return [1]

    vectors = np.ones((10, 4), dtype=np.float16)
    alone = BlendedModel(ngrams, tokenize, vectors, network, 1.0, 0.5, 0.6)
    text = "took all my methadone at once and i can barely breathe"
    assert alone.score(text) == ngrams.score(text)
    assert tokenized == []
    shared = BlendedModel(ngrams, tokenize, vectors, network, 0.5, 0.5, 0.6)
    assert shared.score(text).crisis != ngrams.score(text).crisis
    assert tokenized == [text.lower()]
