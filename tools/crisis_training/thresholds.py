"""Picking the learned stage's two thresholds for the best recall within a false-positive rate."""

from __future__ import annotations


def _cumulative(scored: list[tuple[float, bool]]) -> list[tuple[float, int, int]]:
    """(bar, crisis messages at or above it, others at or above it), bars from high to low, with
    a first bar above every score."""
    out = [(2.0, 0, 0)]
    tp = fp = 0
    for score, crisis in sorted(scored, reverse=True):
        tp += crisis
        fp += not crisis
        if score == out[-1][0]:
            out[-1] = (score, tp, fp)
        else:
            out.append((score, tp, fp))
    return out


def pick_thresholds(
    scores: list[float], crisis: list[bool], routes: list[str], max_fpr: float
) -> dict[str, float]:
    """Both thresholds, for the best recall of the whole detector within `max_fpr` over the
    scored messages; among equals, the highest thresholds (fewest learned detections)."""
    positives = sum(crisis)
    negatives = len(crisis) - positives
    base_tp = sum(c for c, r in zip(crisis, routes, strict=True) if r == "rule")
    base_fp = sum(not c for c, r in zip(crisis, routes, strict=True) if r == "rule")
    by_route = {
        route: _cumulative(
            [(s, c) for s, c, r in zip(scores, crisis, routes, strict=True) if r == route]
        )
        for route in ("unmatched", "silenced")
    }
    # When the rules alone already exceed `max_fpr`, the learned stage never fires.
    best = {"threshold": 2.0, "silenced_threshold": 2.0, "recall": -1.0,
            "fpr": base_fp / negatives}  # fmt: skip
    for bar, tp_u, fp_u in by_route["unmatched"]:
        for silenced_bar, tp_s, fp_s in by_route["silenced"]:
            if silenced_bar < bar:
                break  # a silenced rule never lowers the bar
            fpr = (base_fp + fp_u + fp_s) / negatives
            recall = (base_tp + tp_u + tp_s) / positives
            if fpr <= max_fpr and recall > best["recall"]:
                best = {"threshold": bar, "silenced_threshold": silenced_bar, "recall": recall,
                        "fpr": fpr}  # fmt: skip
    if best["recall"] < 0:
        best["recall"] = base_tp / positives
    return best


def verdicts(scores: list[float], routes: list[str], picked: dict[str, float]) -> list[bool]:
    """Whether the whole detector fires on each message: a rule fired, or the learned score
    reaches the threshold of its route."""
    return [
        route == "rule"
        or score >= (picked["silenced_threshold"] if route == "silenced" else picked["threshold"])
        for score, route in zip(scores, routes, strict=True)
    ]


def across_writers(
    scores: list[float],
    crisis: list[bool],
    routes: list[str],
    writers: list[str],
    max_fpr: float,
) -> dict[str, dict[str, float]]:
    """For each writer (evaluation set), thresholds picked on the other writers' messages and
    the recall and false-positive rate they give on this writer's: how much a bar picked on some
    writers drifts on a writer it never saw (the scores themselves are out of fold, so a model
    still saw this writer's other messages; the drift is, if anything, understated)."""
    out = {}
    for held in sorted(set(writers)):
        pick = [k for k, w in enumerate(writers) if w != held]
        picked = pick_thresholds(
            [scores[k] for k in pick], [crisis[k] for k in pick], [routes[k] for k in pick], max_fpr
        )
        on = [k for k, w in enumerate(writers) if w == held]
        fired = verdicts([scores[k] for k in on], [routes[k] for k in on], picked)
        positives = sum(crisis[k] for k in on)
        out[held] = {
            "recall": sum(f and crisis[k] for f, k in zip(fired, on, strict=True)) / positives,
            "fpr": sum(f and not crisis[k] for f, k in zip(fired, on, strict=True))
            / (len(on) - positives),
            "picked_fpr": picked["fpr"],
        }
    return out


# Candidate bars below which the learned stage overrules a built-in rule that fired, highest first.
VETO_BARS = (0.1, 0.05, 0.02)


def pick_rule_veto(scores: list[float], crisis: list[bool], routes: list[str]) -> float:
    """The highest bar in VETO_BARS under which no crisis message a rule caught scores (0: no
    veto): the rules keep every crisis message they caught, and lose only false alarms the model
    is all but certain of."""
    lowest = min(
        (s for s, c, r in zip(scores, crisis, routes, strict=True) if c and r == "rule"),
        default=1.0,
    )
    return next((bar for bar in VETO_BARS if lowest >= bar), 0.0)


def with_veto(scores: list[float], routes: list[str], veto: float) -> list[str]:
    """The routes once the veto applies: a rule's detection scoring below it is "vetoed", which
    never fires."""
    return [
        "vetoed" if route == "rule" and score < veto else route
        for score, route in zip(scores, routes, strict=True)
    ]
