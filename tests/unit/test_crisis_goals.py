"""Issue 11's goals, measured on an evaluation set's TEST split (never trained or tuned on):
recall of the whole detector (rules, then the learned stage) at least 0.95, false-positive rate at
most 0.05, and no high-severity message graded low. `pytest -s` prints the figures: recall,
false-positive rate, precision per category and the severity confusion matrix
(`python -m tools.evaluate_crisis --split test [--version v10] --plain-chat` prints the same).

The split is v9's (tests/data/README.md): written by someone who never saw the detector, its
code, its training data or any earlier evaluation message; evaluated once, after the seventh
round's detector (trained on v2 to v8, the blind sets w6 to w14 and plain chat, thresholds picked
on the sixteen writers' sets with plain chat capped) was final: recall 0.993 (150 of 151),
false-positive rate 0.042 (7 of 168), no high-severity message graded low. The same detector was
then measured once on v10's test split, a second set written the same way by another writer and
never used for anything else: recall 0.993 (150 of 151), false-positive rate 0.036 (6 of 168), no
high-severity message graded low. All three goals are met on both and enforced as stated.

Plain chat (tests/data/plain_chat_v2.jsonl and plain_chat_v3.jsonl: 1,020 and 1,049 ordinary
recovery-server messages, each written blind by its own writer, none a crisis, never trained on)
measures the false alarms moderators would see on everyday messages. The target of at most 1 %
flagged, fixed before the first of them was evaluated, is NOT met: the detector flags 15 of 1,020
(1.5 %) and 13 of 1,049 (1.2 %). The test guards the reached levels (PLAIN_CHAT_FLAGGED_REACHED)
against regressions; they must be lowered to PLAIN_CHAT_FLAGGED_TARGET when a better detector
reaches it.
"""

from __future__ import annotations

import pytest

from bot.crisis_model import crisis_detector
from tools.evaluate_crisis import Figures, evaluate, load, report
from tools.split_crisis_eval import DATA, TEST, split_paths

RECALL_GOAL = 0.95
FALSE_POSITIVE_RATE_GOAL = 0.05
UNSEEN_TEST_SPLITS = {"v9": TEST, "v10": split_paths("v10")[1]}
PLAIN_CHAT_FLAGGED_TARGET = 0.01
# Measured once on each: 15 of 1,020 (0.0147) and 13 of 1,049 (0.0124).
PLAIN_CHAT_FLAGGED_REACHED = {"plain_chat_v2.jsonl": 0.015, "plain_chat_v3.jsonl": 0.013}


@pytest.fixture(scope="module", params=sorted(UNSEEN_TEST_SPLITS))
def version(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def figures(version: str) -> Figures:
    result = evaluate(crisis_detector(), load(UNSEEN_TEST_SPLITS[version]))
    report(f"{version} test split", result)
    return result


def test_recall_on_the_test_split(figures):
    assert figures.positives >= 100
    assert figures.recall >= RECALL_GOAL


def test_false_positive_rate_on_the_test_split(figures):
    assert figures.negatives >= 100
    assert figures.false_positive_rate <= FALSE_POSITIVE_RATE_GOAL


def test_no_high_severity_message_graded_low(figures):
    graded_high_rows = sum(
        figures.severity[("high", graded)] for graded in ("low", "medium", "high", "missed")
    )
    assert graded_high_rows >= 50
    assert figures.high_graded_low() == 0


@pytest.mark.parametrize("name", sorted(PLAIN_CHAT_FLAGGED_REACHED))
def test_plain_chat_is_rarely_flagged(name):
    result = evaluate(crisis_detector(), load(DATA / name))
    report(f"{name} (none of it a crisis)", result)
    met = result.false_positive_rate <= PLAIN_CHAT_FLAGGED_TARGET
    print(f"plain-chat target {PLAIN_CHAT_FLAGGED_TARGET}: {'met' if met else 'NOT met'}")
    assert result.negatives >= 1000 and result.positives == 0
    assert result.false_positive_rate <= PLAIN_CHAT_FLAGGED_REACHED[name]
