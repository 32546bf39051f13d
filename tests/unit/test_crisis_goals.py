"""Issue 11's goals, measured on the evaluation set's TEST split (never tuned on): recall of the
whole detector (rules, then the learned stage) at least 0.95, false-positive rate at most 0.05,
and no high-severity message graded low. `pytest -s` prints the figures: recall, false-positive
rate, precision per category and the severity confusion matrix (`python -m tools.evaluate_crisis
--split test` prints the same)."""

from __future__ import annotations

import pytest

from bot.crisis_model import crisis_detector
from tools.evaluate_crisis import Figures, evaluate, load, report
from tools.split_crisis_eval import TEST


@pytest.fixture(scope="module")
def figures() -> Figures:
    result = evaluate(crisis_detector(), load(TEST))
    report("test split", result)
    return result


def test_recall_on_the_test_split(figures):
    assert figures.positives >= 100
    assert figures.recall >= 0.95


def test_false_positive_rate_on_the_test_split(figures):
    assert figures.negatives >= 100
    assert figures.false_positive_rate <= 0.05


def test_no_high_severity_message_graded_low(figures):
    assert sum(figures.severity[("high", graded)] for graded in ("low", "medium", "high",
               "missed")) >= 50  # fmt: skip
    assert figures.high_graded_low() == 0
