"""Issue 11's goals, measured on an evaluation set's TEST split (never trained or tuned on):
recall of the whole detector (rules, then the learned stage) at least 0.95, false-positive rate at
most 0.05, and no high-severity message graded low. `pytest -s` prints the figures: recall,
false-positive rate, precision per category and the severity confusion matrix
(`python -m tools.evaluate_crisis --split test --plain-chat` prints the same).

The split is v9's (tests/data/README.md): written by someone who never saw the detector, its
code, its training data or any earlier evaluation message; evaluated once, after the seventh
round's detector (trained on v2 to v8, the blind sets w6 to w14 and plain chat, thresholds picked
on the sixteen writers' sets with plain chat capped) was final: recall 0.993 (150 of 151),
false-positive rate 0.042 (7 of 168), no high-severity message graded low. All three goals are met
there and enforced as stated.

Plain chat (tests/data/plain_chat_v2.jsonl: 1,020 ordinary recovery-server messages written
blind, none a crisis, never trained on) measures the false alarms moderators would see on
everyday messages. The target of at most 1 % flagged, fixed before the set was first evaluated,
is NOT met: the detector flags 15 of 1,020 (1.5 %), all through the learned stage. The test guards
the reached level (PLAIN_CHAT_FLAGGED_REACHED) against regressions and must be lowered to
PLAIN_CHAT_FLAGGED_TARGET when a better detector reaches it.
"""

from __future__ import annotations

import pytest

from bot.crisis_model import crisis_detector
from tools.evaluate_crisis import PLAIN_CHAT, Figures, evaluate, load, report
from tools.split_crisis_eval import TEST

RECALL_GOAL = 0.95
FALSE_POSITIVE_RATE_GOAL = 0.05
UNSEEN_TEST_SPLITS = {"v9": TEST}
PLAIN_CHAT_FLAGGED_TARGET = 0.01
# Measured once on plain_chat_v2: 15 of 1,020 (0.0147).
PLAIN_CHAT_FLAGGED_REACHED = 0.015


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


def test_plain_chat_is_rarely_flagged():
    result = evaluate(crisis_detector(), load(PLAIN_CHAT))
    report("plain chat (none of it a crisis)", result)
    met = result.false_positive_rate <= PLAIN_CHAT_FLAGGED_TARGET
    print(f"plain-chat target {PLAIN_CHAT_FLAGGED_TARGET}: {'met' if met else 'NOT met'}")
    assert result.negatives >= 1000 and result.positives == 0
    assert result.false_positive_rate <= PLAIN_CHAT_FLAGGED_REACHED
