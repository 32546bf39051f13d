"""Issue 11's goals, measured on the evaluation set's TEST split (never trained or tuned on):
recall of the whole detector (rules, then the learned stage) at least 0.95, false-positive rate at
most 0.05, and no high-severity message graded low. `pytest -s` prints the figures: recall,
false-positive rate, precision per category and the severity confusion matrix
(`python -m tools.evaluate_crisis --split test` prints the same).

The split is v5's (tests/data/README.md): written by someone who never saw the detector, its
code, its training data or any earlier evaluation message; evaluated once, after the fourth
round's detector (trained on v2, v3, v4 and the blind sets w6 and w7, thresholds picked on those
five writers' sets) was final.

NOT MET YET, either of the first two. The shipped detector reaches recall 0.939 on the v5 test
split (153 of 163; the third round's detector had 0.804 on v4's) at a false-positive rate of
0.056 (10 of 177, two more than the goal allows; it was 0.035 on v4), with no high-severity
message graded low. The thresholds were picked for at most 0.04 on the five writers' sets
(cross-validated there: recall 0.941 at 0.038) before v5's test split was evaluated; moving them
now would tune on it. Until a better detector meets the goals, the tests below guard the reached
levels against regressions (RECALL_REACHED, FALSE_POSITIVE_RATE_REACHED) and must be tightened to
the goals when it does; the severity goal is enforced as stated.
"""

from __future__ import annotations

import pytest

from bot.crisis_model import crisis_detector
from tools.evaluate_crisis import Figures, evaluate, load, report
from tools.split_crisis_eval import TEST

RECALL_GOAL = 0.95
RECALL_REACHED = 0.93  # the floor until the goal is met (0.939 measured on v5, 153 of 163)
FALSE_POSITIVE_RATE_GOAL = 0.05
# The ceiling until the goal is met (0.056 measured on v5, 10 of 177).
FALSE_POSITIVE_RATE_REACHED = 0.06


@pytest.fixture(scope="module")
def figures() -> Figures:
    result = evaluate(crisis_detector(), load(TEST))
    report("test split", result)
    print(f"recall goal {RECALL_GOAL}: {'met' if result.recall >= RECALL_GOAL else 'NOT met'}")
    met = result.false_positive_rate <= FALSE_POSITIVE_RATE_GOAL
    print(f"false-positive rate goal {FALSE_POSITIVE_RATE_GOAL}: {'met' if met else 'NOT met'}")
    return result


def test_recall_on_the_test_split_does_not_regress(figures):
    assert figures.positives >= 100
    assert figures.recall >= RECALL_REACHED


def test_false_positive_rate_on_the_test_split_does_not_regress(figures):
    assert figures.negatives >= 100
    assert figures.false_positive_rate <= FALSE_POSITIVE_RATE_REACHED


def test_no_high_severity_message_graded_low(figures):
    graded_high_rows = sum(
        figures.severity[("high", graded)] for graded in ("low", "medium", "high", "missed")
    )
    assert graded_high_rows >= 50
    assert figures.high_graded_low() == 0
