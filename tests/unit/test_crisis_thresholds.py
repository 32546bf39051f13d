"""Picking the learned stage's thresholds (tools/crisis_training/thresholds.py): the best recall
of the whole detector within a false-positive rate, and how a bar picked on some writers fares
on another."""

from __future__ import annotations

from tools.crisis_training.thresholds import (
    AlarmCap,
    across_writers,
    pick_rule_veto,
    pick_thresholds,
    verdicts,
    with_veto,
)

CRISIS_SCORES = [0.9, 0.8, 0.6]
OTHER_SCORES = [0.7, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.04, 0.03, 0.02]


def _pool(crisis_scores, other_scores, route="unmatched"):
    scores = crisis_scores + other_scores
    crisis = [True] * len(crisis_scores) + [False] * len(other_scores)
    return scores, crisis, [route] * len(scores)


def test_the_bar_goes_as_low_as_the_false_positive_rate_allows():
    scores, crisis, routes = _pool(CRISIS_SCORES, OTHER_SCORES)
    one_false_alarm = pick_thresholds(scores, crisis, routes, max_fpr=0.1)
    assert one_false_alarm["threshold"] == 0.6
    assert one_false_alarm["recall"] == 1.0
    assert one_false_alarm["fpr"] == 0.1
    none_allowed = pick_thresholds(scores, crisis, routes, max_fpr=0.05)
    assert none_allowed["threshold"] == 0.8
    assert none_allowed["recall"] == 2 / 3
    assert none_allowed["fpr"] == 0.0


def test_a_rule_that_fired_counts_whatever_the_score():
    scores, crisis, routes = _pool(CRISIS_SCORES, OTHER_SCORES)
    routes[2] = "rule"  # the crisis message scoring 0.6
    picked = pick_thresholds(scores, crisis, routes, max_fpr=0.05)
    assert picked["recall"] == 1.0
    assert verdicts([0.0, 0.99], ["rule", "unmatched"], picked) == [True, True]
    assert verdicts([0.0], ["unmatched"], picked) == [False]


def test_a_bar_picked_on_other_writers_is_measured_on_the_writer_left_out():
    careful, careful_crisis, careful_routes = _pool(CRISIS_SCORES, OTHER_SCORES)
    # A second writer whose ordinary messages score higher than the first's.
    loud, loud_crisis, loud_routes = _pool([0.95, 0.85, 0.65], [0.75, 0.7, 0.66] + [0.1] * 7)
    result = across_writers(
        careful + loud,
        careful_crisis + loud_crisis,
        careful_routes + loud_routes,
        ["careful"] * len(careful) + ["loud"] * len(loud),
        max_fpr=0.1,
    )
    # Picked on "careful" (bar 0.6): all of "loud" is caught, but so are 3 of its 10 others.
    assert result["loud"] == {"recall": 1.0, "fpr": 0.3, "picked_fpr": 0.1}
    # Picked on "loud": one false alarm allowed, so 0.65 is out of reach and the highest bar
    # keeping 0.95 and 0.85 is 0.85, which on "careful" leaves only its 0.9.
    assert result["careful"]["recall"] == 1 / 3
    assert result["careful"]["fpr"] == 0.0


def test_the_veto_is_the_highest_bar_losing_no_crisis_message_a_rule_caught():
    routes = ["rule", "rule", "rule", "unmatched"]
    crisis = [True, True, False, True]
    assert pick_rule_veto([0.9, 0.12, 0.01, 0.0], crisis, routes) == 0.1
    assert pick_rule_veto([0.9, 0.07, 0.01, 0.0], crisis, routes) == 0.05
    assert pick_rule_veto([0.9, 0.03, 0.01, 0.0], crisis, routes) == 0.02
    assert pick_rule_veto([0.9, 0.001, 0.01, 0.0], crisis, routes) == 0.0
    # A crisis message no rule caught says nothing about the veto.
    assert pick_rule_veto([0.9, 0.5, 0.01, 0.0], crisis, routes) == 0.1


def test_a_vetoed_rule_never_fires_and_frees_the_false_positive_budget():
    scores = [0.9, 0.8, 0.6, 0.01, 0.7, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.04, 0.03]
    crisis = [True, True, True, False] + [False] * 9
    routes = ["unmatched"] * 3 + ["rule"] + ["unmatched"] * 9
    # The rule's false alarm uses up the one false alarm allowed: 0.6 is out of reach.
    assert pick_thresholds(scores, crisis, routes, max_fpr=0.1)["recall"] == 2 / 3
    vetoed = with_veto(scores, routes, 0.05)
    assert vetoed[3] == "vetoed"
    assert verdicts([scores[3]], [vetoed[3]], {"threshold": 0.6, "silenced_threshold": 0.6}) == [
        False
    ]
    assert pick_thresholds(scores, crisis, vetoed, max_fpr=0.1)["recall"] == 1.0


def test_plain_chat_keeps_the_bar_up_whatever_the_hard_negatives_allow():
    scores, crisis, routes = _pool(CRISIS_SCORES, OTHER_SCORES)
    # Ordinary messages: one scores 0.65, so a bar of 0.6 would flag 1 in 4 of them.
    plain = AlarmCap([0.65, 0.1, 0.05, 0.0], ["unmatched"] * 4, share=0.0)
    assert plain.rate(0.6, 0.6) == 0.25
    assert plain.rate(0.7, 0.7) == 0.0
    free = pick_thresholds(scores, crisis, routes, max_fpr=0.1)
    capped = pick_thresholds(scores, crisis, routes, max_fpr=0.1, cap=plain)
    assert free["threshold"] == 0.6
    assert capped["threshold"] == 0.8  # 0.7 would be a false alarm among the hard negatives
    assert capped["recall"] == 2 / 3
    assert AlarmCap([0.65], ["rule"], share=0.5).rate(2.0, 2.0) == 1.0, "a rule fires anyway"
    assert AlarmCap([0.65], ["vetoed"], share=0.5).rate(0.0, 0.0) == 0.0, "a veto never fires"
