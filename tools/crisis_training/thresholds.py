"""Picking the learned stage's two thresholds for the best recall within a false-positive rate."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class AlarmCap:
    """Ordinary messages (none of them a crisis) of which the detector may flag at most `share`:
    plain chat must stay quiet whatever the hard negatives allow."""

    scores: list[float]
    routes: list[str]
    share: float
    _sorted: dict[str, list[float]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_route = {
            route: sorted(s for s, r in zip(self.scores, self.routes, strict=True) if r == route)
            for route in ("rule", "unmatched", "silenced")
        }
        object.__setattr__(self, "_sorted", by_route)

    def rate(self, bar: float, silenced_bar: float) -> float:
        """The share of the ordinary messages the detector flags with these thresholds."""
        alarms = len(self._sorted["rule"])
        for route, threshold in (("unmatched", bar), ("silenced", silenced_bar)):
            ordered = self._sorted[route]
            alarms += len(ordered) - bisect_left(ordered, threshold)
        return alarms / max(len(self.scores), 1)

    def allows(self, bar: float, silenced_bar: float) -> bool:
        return self.rate(bar, silenced_bar) <= self.share


def pick_thresholds(
    scores: list[float],
    crisis: list[bool],
    routes: list[str],
    max_fpr: float,
    cap: AlarmCap | None = None,
) -> dict[str, float]:
    """Both thresholds, for the best recall of the whole detector within `max_fpr` over the
    scored messages (and within `cap` over ordinary chat); among equals, the highest thresholds
    (fewest learned detections)."""
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
            if fpr > max_fpr or recall <= best["recall"]:
                continue
            if cap is None or cap.allows(bar, silenced_bar):
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
    cap: AlarmCap | None = None,
) -> dict[str, dict[str, float]]:
    """For each writer (evaluation set), thresholds picked on the other writers' messages and
    the recall and false-positive rate they give on this writer's: how much a bar picked on some
    writers drifts on a writer it never saw (the scores themselves are out of fold, so a model
    still saw this writer's other messages; the drift is, if anything, understated)."""
    out = {}
    for held in sorted(set(writers)):
        pick = [k for k, w in enumerate(writers) if w != held]
        picked = pick_thresholds(
            [scores[k] for k in pick], [crisis[k] for k in pick], [routes[k] for k in pick],
            max_fpr, cap,
        )  # fmt: skip
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
