"""The evaluation sets stay as they were split: well formed, every item in the split its hash
gives it, no text twice, no item in both splits, and none of them trained on."""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from functools import cache

import pytest

from tools.crisis_training.sources import training_messages
from tools.split_crisis_eval import DATA, assign_splits, split_paths, stratum

CATEGORIES = {"suicidal", "self_harm", "overdose", "harm_others", "third_party"}
SEVERITIES = ("low", "medium", "high")
VERSIONS = ("v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10")
# Share of words (Jaccard) from which a message counts as a near copy; v3 to v9 were written
# to a stricter bar than v2.
NEAR_COPY = {"v2": 0.7, **{version: 0.6 for version in VERSIONS[1:]}}

# How many messages v3 holds per stratum (dev + test), as tests/data/README.md states them.
V3_STRATA = {
    ("crisis", "suicidal", "low"): 21,
    ("crisis", "suicidal", "medium"): 25,
    ("crisis", "suicidal", "high"): 34,
    ("crisis", "self_harm", "low"): 17,
    ("crisis", "self_harm", "medium"): 21,
    ("crisis", "self_harm", "high"): 25,
    ("crisis", "overdose", "low"): 16,
    ("crisis", "overdose", "medium"): 20,
    ("crisis", "overdose", "high"): 28,
    ("crisis", "harm_others", "low"): 16,
    ("crisis", "harm_others", "medium"): 19,
    ("crisis", "harm_others", "high"): 20,
    ("crisis", "third_party", "low"): 14,
    ("crisis", "third_party", "medium"): 17,
    ("crisis", "third_party", "high"): 23,
    ("none", "", ""): 382,
}

# How many messages v4 holds per stratum (dev + test), as tests/data/README.md states them.
V4_STRATA = {
    ("crisis", "suicidal", "low"): 20,
    ("crisis", "suicidal", "medium"): 22,
    ("crisis", "suicidal", "high"): 26,
    ("crisis", "self_harm", "low"): 20,
    ("crisis", "self_harm", "medium"): 21,
    ("crisis", "self_harm", "high"): 23,
    ("crisis", "overdose", "low"): 20,
    ("crisis", "overdose", "medium"): 21,
    ("crisis", "overdose", "high"): 23,
    ("crisis", "harm_others", "low"): 20,
    ("crisis", "harm_others", "medium"): 21,
    ("crisis", "harm_others", "high"): 22,
    ("crisis", "third_party", "low"): 20,
    ("crisis", "third_party", "medium"): 20,
    ("crisis", "third_party", "high"): 23,
    ("none", "", ""): 401,
}

# How many messages v5 holds per stratum (dev + test), as tests/data/README.md states them.
V5_STRATA = {
    ("crisis", "suicidal", "low"): 22,
    ("crisis", "suicidal", "medium"): 23,
    ("crisis", "suicidal", "high"): 23,
    ("crisis", "self_harm", "low"): 22,
    ("crisis", "self_harm", "medium"): 22,
    ("crisis", "self_harm", "high"): 22,
    ("crisis", "overdose", "low"): 21,
    ("crisis", "overdose", "medium"): 22,
    ("crisis", "overdose", "high"): 22,
    ("crisis", "harm_others", "low"): 22,
    ("crisis", "harm_others", "medium"): 22,
    ("crisis", "harm_others", "high"): 22,
    ("crisis", "third_party", "low"): 21,
    ("crisis", "third_party", "medium"): 22,
    ("crisis", "third_party", "high"): 23,
    ("none", "", ""): 354,
}

# How many messages v6 holds per stratum (dev + test), as tests/data/README.md states them.
V6_STRATA = {
    ("crisis", "suicidal", "low"): 22,
    ("crisis", "suicidal", "medium"): 21,
    ("crisis", "suicidal", "high"): 22,
    ("crisis", "self_harm", "low"): 21,
    ("crisis", "self_harm", "medium"): 21,
    ("crisis", "self_harm", "high"): 21,
    ("crisis", "overdose", "low"): 21,
    ("crisis", "overdose", "medium"): 21,
    ("crisis", "overdose", "high"): 21,
    ("crisis", "harm_others", "low"): 21,
    ("crisis", "harm_others", "medium"): 21,
    ("crisis", "harm_others", "high"): 21,
    ("crisis", "third_party", "low"): 21,
    ("crisis", "third_party", "medium"): 21,
    ("crisis", "third_party", "high"): 22,
    ("none", "", ""): 336,
}

# How many messages v7 holds per stratum (dev + test), as tests/data/README.md states them.
V7_STRATA = {
    ("crisis", "suicidal", "low"): 21,
    ("crisis", "suicidal", "medium"): 21,
    ("crisis", "suicidal", "high"): 21,
    ("crisis", "self_harm", "low"): 21,
    ("crisis", "self_harm", "medium"): 21,
    ("crisis", "self_harm", "high"): 21,
    ("crisis", "overdose", "low"): 21,
    ("crisis", "overdose", "medium"): 21,
    ("crisis", "overdose", "high"): 21,
    ("crisis", "harm_others", "low"): 21,
    ("crisis", "harm_others", "medium"): 21,
    ("crisis", "harm_others", "high"): 21,
    ("crisis", "third_party", "low"): 21,
    ("crisis", "third_party", "medium"): 21,
    ("crisis", "third_party", "high"): 22,
    ("none", "", ""): 336,
}

# v8 to v10 hold the same counts per stratum as v7 (tests/data/README.md).
V8_STRATA = V9_STRATA = V10_STRATA = V7_STRATA

DOCUMENTED_STRATA = {
    "v3": V3_STRATA,
    "v4": V4_STRATA,
    "v5": V5_STRATA,
    "v6": V6_STRATA,
    "v7": V7_STRATA,
    "v8": V8_STRATA,
    "v9": V9_STRATA,
    "v10": V10_STRATA,
}
# The evaluation sets written before each unseen set: v1 (crisis_eval.jsonl) and these versions.
EARLIER_VERSIONS = {
    "v3": ("v2",),
    "v4": ("v2", "v3"),
    "v5": ("v2", "v3", "v4"),
    "v6": ("v2", "v3", "v4", "v5"),
    "v7": ("v2", "v3", "v4", "v5", "v6"),
    "v8": ("v2", "v3", "v4", "v5", "v6", "v7"),
    "v9": ("v2", "v3", "v4", "v5", "v6", "v7", "v8"),
    "v10": ("v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"),
}


def _load(path):
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def _splits(version):
    dev, test = split_paths(version)
    return _load(dev), _load(test)


@pytest.mark.parametrize("version", VERSIONS)
def test_items_are_well_formed(version):
    dev, test = _splits(version)
    for item in dev + test:
        assert item["text"].strip()
        assert item["note"]
        if item["label"] == "crisis":
            assert item["category"] in CATEGORIES
            assert item["severity"] in SEVERITIES
        else:
            assert item["label"] == "none"
            assert item["category"] is None and item["severity"] is None


@pytest.mark.parametrize("version", VERSIONS)
def test_split_follows_the_hash_rule_and_never_overlaps(version):
    dev, test = _splits(version)
    assert {item["split"] for item in dev} == {"dev"}
    assert {item["split"] for item in test} == {"test"}
    assert not {item["text"] for item in dev} & {item["text"] for item in test}
    expected = {item["text"]: item["split"] for item in assign_splits(dev + test)}
    assert all(expected[item["text"]] == item["split"] for item in dev + test)


@pytest.mark.parametrize("version", VERSIONS)
def test_no_text_appears_twice(version):
    dev, test = _splits(version)
    texts = Counter(item["text"] for item in dev + test)
    assert [text for text, count in texts.items() if count > 1] == []


@pytest.mark.parametrize("version", VERSIONS)
def test_every_stratum_is_dealt_evenly_dev_first(version):
    dev, test = _splits(version)
    in_dev, in_test = Counter(map(stratum, dev)), Counter(map(stratum, test))
    for key in in_dev | in_test:
        assert in_dev[key] - in_test[key] in (0, 1), key


@pytest.mark.parametrize("version", VERSIONS)
def test_set_is_large_and_covers_every_category_and_severity(version):
    dev, test = _splits(version)
    assert len(dev + test) >= 400
    for split in (dev, test):
        kinds = Counter((item["category"], item["severity"]) for item in split)
        for category in CATEGORIES:
            for severity in ("medium", "high"):
                assert kinds[(category, severity)] >= 1, (category, severity)
        assert sum(1 for item in split if item["label"] == "none") >= 100


@pytest.mark.parametrize("version", sorted(DOCUMENTED_STRATA))
def test_unseen_set_holds_the_documented_count_in_every_stratum(version):
    dev, test = _splits(version)
    assert Counter(map(stratum, dev + test)) == DOCUMENTED_STRATA[version]
    assert len(dev + test) >= 600
    for split in (dev, test):
        kinds = Counter((item["category"], item["severity"]) for item in split)
        for category in CATEGORIES:
            for severity in SEVERITIES:
                assert kinds[(category, severity)] >= 7, (category, severity)
        crisis_share = sum(item["label"] == "crisis" for item in split) / len(split)
        assert 0.4 <= crisis_share <= 0.5


@cache
def _training_texts() -> list[str]:
    return [text for _, text in training_messages()]


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


def _near_copies(texts, others, limit):
    """The texts that share `limit` of their words with one of `others` (Jaccard).

    Exact but quick (prefix filtering): two word sets whose Jaccard reaches `limit` share one of
    the rarest len - ceil(limit * len) + 1 words of each, so only the others that share such a
    word with a text are compared with it."""
    other_words = [_words(other) for other in others]
    text_words = [_words(text) for text in texts]
    frequency = Counter(word for words in (*other_words, *text_words) for word in words)

    def prefix(words: frozenset[str]) -> list[str]:
        rarest_first = sorted(words, key=lambda word: (frequency[word], word))
        return rarest_first[: len(words) - math.ceil(limit * len(words)) + 1]

    by_word: dict[str, list[int]] = defaultdict(list)
    for index, words in enumerate(other_words):
        for word in prefix(words):
            by_word[word].append(index)
    found = []
    for text, words in zip(texts, text_words, strict=True):
        candidates = {index for word in prefix(words) for index in by_word.get(word, ())}
        if any(_jaccard(words, other_words[index]) >= limit for index in candidates):
            found.append(text)
    return found


def _jaccard(words: frozenset[str], other: frozenset[str]) -> float:
    return len(words & other) / len(words | other)


@pytest.mark.parametrize("version", VERSIONS)
def test_training_messages_are_not_evaluation_messages(version):
    """No evaluation message, nor a near copy of one (NEAR_COPY of its words shared), is trained on.

    Only the evaluation side is named on failure, so the message never shows training data."""
    dev, test = _splits(version)
    evaluation = [item["text"] for item in dev + test]
    training = _training_texts()
    copies = _near_copies(evaluation, training, NEAR_COPY[version])
    assert copies == []


@pytest.mark.parametrize("version", sorted(EARLIER_VERSIONS))
def test_unseen_set_repeats_no_earlier_evaluation_message(version):
    """Each of v3 to v10 was meant to be unseen when written: none nearly copies a message of v1
    or of any version before it (each earlier version had been tuned or measured on)."""
    dev, test = _splits(version)
    earlier = _load(DATA / "crisis_eval.jsonl") + [
        item for older in EARLIER_VERSIONS[version] for split in _splits(older) for item in split
    ]
    texts = [item["text"] for item in dev + test]
    copies = _near_copies(texts, [item["text"] for item in earlier], NEAR_COPY[version])
    assert copies == []


# The unseen plain-chat sets and how many messages each holds (tests/data/README.md).
PLAIN_CHAT_SIZES = {"plain_chat_v2.jsonl": 1020, "plain_chat_v3.jsonl": 1049}
PLAIN_CHAT_KINDS = {
    "check-in", "milestone", "meeting", "feelings", "vulnerable share", "support", "moderator",
    "daily life", "humour", "question", "off-topic",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(PLAIN_CHAT_SIZES))
def test_plain_chat_is_well_formed_and_holds_what_the_readme_states(name):
    items = _load(DATA / name)
    assert len(items) == PLAIN_CHAT_SIZES[name]
    assert len({item["text"] for item in items}) == len(items)
    for item in items:
        assert item["text"].strip()
        assert item["label"] == "none"
        assert item["note"] in PLAIN_CHAT_KINDS
    kinds = Counter(item["note"] for item in items)
    # The hardest kinds for a detector, real pain that is not a crisis, are at least a third.
    assert kinds["vulnerable share"] + kinds["feelings"] >= len(items) / 3


@pytest.mark.parametrize("name", sorted(PLAIN_CHAT_SIZES))
def test_plain_chat_is_not_trained_on_nor_copies_an_evaluation_message(name):
    """Only the plain-chat side is named on failure, so the message never shows training data.
    (plain_chat_v1.jsonl, measured once, is training data now: tools/crisis_training/sources.py.)"""
    texts = [item["text"] for item in _load(DATA / name)]
    others = _training_texts() + [
        item["text"] for version in VERSIONS for split in _splits(version) for item in split
    ]
    assert _near_copies(texts, others, 0.6) == []
