"""Issue 11's goals, measured on the evaluation set's TEST split (never trained or tuned on):
recall of the whole detector (rules, then the learned stage) at least 0.95, false-positive rate at
most 0.05, and no high-severity message graded low. `pytest -s` prints the figures: recall,
false-positive rate, precision per category and the severity confusion matrix
(`python -m tools.evaluate_crisis --split test` prints the same).

The split is v4's (tests/data/README.md): written by someone who never saw the detector, its
code, its training data or any earlier evaluation message; evaluated after the detector trained
on v2 and v3 was final, and once more after 2 training lines found to nearly copy v4 messages
were dropped and the model retrained.

NOT MET YET: recall. The shipped detector reaches 0.804 on the v4 test split (127 of 158; its
cross-validated estimate on v3, which it was trained on, was 0.810), at a false-positive rate of
0.035 (7 of 200), with no high-severity message graded low. The recall test below guards that
level against regressions and must be raised to RECALL_GOAL when a better detector reaches it.
The other two goals are enforced as stated.
"""

from __future__ import annotations

import pytest

from bot.crisis_model import crisis_detector
from tools.evaluate_crisis import Figures, evaluate, load, report
from tools.split_crisis_eval import TEST

RECALL_GOAL = 0.95
RECALL_REACHED = 0.80  # the floor until the goal is met (0.804 measured on v4, 127 of 158)
FALSE_POSITIVE_RATE_GOAL = 0.05


@pytest.fixture(scope="module")
def figures() -> Figures:
    result = evaluate(crisis_detector(), load(TEST))
    report("test split", result)
    print(f"recall goal {RECALL_GOAL}: {'met' if result.recall >= RECALL_GOAL else 'NOT met'}")
    return result


def test_recall_on_the_test_split_does_not_regress(figures):
    assert figures.positives >= 100
    assert figures.recall >= RECALL_REACHED


def test_false_positive_rate_on_the_test_split(figures):
    assert figures.negatives >= 100
    assert figures.false_positive_rate <= FALSE_POSITIVE_RATE_GOAL


def test_no_high_severity_message_graded_low(figures):
    graded_high_rows = sum(
        figures.severity[("high", graded)] for graded in ("low", "medium", "high", "missed")
    )
    assert graded_high_rows >= 50
    assert figures.high_graded_low() == 0
