"""The v2 evaluation set stays as it was split: well formed, every item in the split its hash
gives it, and no item in both splits."""

from __future__ import annotations

import json
import re
from collections import Counter

from tools.split_crisis_eval import DEV, TEST, assign_splits
from tools.train_crisis_model import training_messages

CATEGORIES = {"suicidal", "self_harm", "overdose", "harm_others", "third_party"}


def _load(path):
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def test_items_are_well_formed():
    for item in _load(DEV) + _load(TEST):
        assert item["text"].strip()
        assert item["note"]
        if item["label"] == "crisis":
            assert item["category"] in CATEGORIES
            assert item["severity"] in {"low", "medium", "high"}
        else:
            assert item["label"] == "none"
            assert item["category"] is None and item["severity"] is None


def test_split_follows_the_hash_rule_and_never_overlaps():
    dev, test = _load(DEV), _load(TEST)
    assert {item["split"] for item in dev} == {"dev"}
    assert {item["split"] for item in test} == {"test"}
    assert not {item["text"] for item in dev} & {item["text"] for item in test}
    expected = {item["text"]: item["split"] for item in assign_splits(dev + test)}
    assert all(expected[item["text"]] == item["split"] for item in dev + test)


def test_set_is_large_and_covers_every_category_and_severity():
    items = _load(DEV) + _load(TEST)
    assert len(items) >= 400
    for split in (_load(DEV), _load(TEST)):
        kinds = Counter((item["category"], item["severity"]) for item in split)
        for category in CATEGORIES:
            for severity in ("medium", "high"):
                assert kinds[(category, severity)] >= 1, (category, severity)
        assert sum(1 for item in split if item["label"] == "none") >= 100


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


def test_training_messages_are_not_evaluation_messages():
    """No evaluation message, nor a near copy of one (70 % of its words shared), is trained on."""
    evaluation = [_words(item["text"]) for item in _load(DEV) + _load(TEST)]
    for _, text in training_messages():
        words = _words(text)
        for other in evaluation:
            overlap = len(words & other) / len(words | other)
            assert overlap < 0.7, text
