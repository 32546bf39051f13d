"""Figures of the whole crisis detector (rules, then the learned stage) on labelled messages.

    python -m tools.evaluate_crisis                 # the measured set's dev split (v9 dev)
    python -m tools.evaluate_crisis --split test    # its test split (v9 test: never tuned on)
    python -m tools.evaluate_crisis --split test --version v10    # another set's test split
    python -m tools.evaluate_crisis --public construct_tracker/   # the public set, see below
    python -m tools.evaluate_crisis --split test --plain-chat     # and the unseen plain chat

Prints recall, false-positive rate, precision per category, and the severity confusion matrix
(expected rows, graded columns; a missed crisis message is graded "missed"). Never prints a
message's text unless --show-misses is given (and then only for the dev split).

Public set: the unzipped `construct-tracker` 1.0.16 wheel (tests/data/README.md says how to get
it): its RallyPoint test split (STB posts against other forum posts) and the Reddit Mental Health
Dataset sample (r/SuicideWatch posts against posts from ten subreddits with no mental-health
topic). Neither was trained on. Their labels have no category or severity; only recall and
false-positive rate are reported.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.crisis_model import crisis_detector
from bot.domain.crisis import Category, CrisisDetector
from tools.split_crisis_eval import DATA, DEFAULT_VERSION, VERSIONS, split_paths

SEVERITIES = ("low", "medium", "high")
# Ordinary recovery-server chat, none of it a crisis, each set written blind and never trained on:
# the share of it flagged is the false-alarm rate moderators would see on everyday messages.
PLAIN_CHAT_SETS = (DATA / "plain_chat_v2.jsonl", DATA / "plain_chat_v3.jsonl")
CONTROL_SUBREDDITS = (
    "UKPersonalFinance", "conspiracy", "divorce", "guns", "legaladvice", "personalfinance",
    "teaching", "ukpolitics", "unitedkingdom", "mindfulness",
)  # fmt: skip


@dataclass
class Figures:
    positives: int = 0
    negatives: int = 0
    caught: int = 0
    false_alarms: int = 0
    # category name -> [detections of that category, of which the message was that category]
    per_category: dict[str, list[int]] = field(default_factory=dict)
    severity: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_rule_kind: Counter[str] = field(default_factory=Counter)

    @property
    def recall(self) -> float:
        return self.caught / self.positives if self.positives else 0.0

    @property
    def false_positive_rate(self) -> float:
        return self.false_alarms / self.negatives if self.negatives else 0.0

    def high_graded_low(self) -> int:
        return self.severity[("high", "low")]


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def evaluate(detector: CrisisDetector, items: list[dict], misses: list | None = None) -> Figures:
    figures = Figures()
    for item in items:
        detection = detector.scan(item["text"])
        crisis = item["label"] == "crisis"
        if detection is not None:
            figures.by_rule_kind[
                "learned" if detection.rule.startswith("learned.") else "rules"
            ] += 1
            name = detection.category.name.lower()
            counts = figures.per_category.setdefault(name, [0, 0])
            counts[0] += 1
            counts[1] += crisis and item.get("category") == name
        if crisis:
            figures.positives += 1
            figures.caught += detection is not None
            if item.get("severity"):
                graded = detection.severity.name.lower() if detection else "missed"
                figures.severity[(item["severity"], graded)] += 1
            if detection is None and misses is not None:
                misses.append(item)
        else:
            figures.negatives += 1
            figures.false_alarms += detection is not None
            if detection is not None and misses is not None:
                misses.append(item)
    return figures


def report(name: str, figures: Figures) -> None:
    print(f"== {name}: {figures.positives} crisis, {figures.negatives} not")
    print(f"recall {figures.recall:.3f} ({figures.caught}/{figures.positives})")
    print(
        f"false-positive rate {figures.false_positive_rate:.3f} "
        f"({figures.false_alarms}/{figures.negatives})"
    )
    print(f"detections by stage: {dict(figures.by_rule_kind)}")
    if figures.severity:
        print("precision per category (detections of that category that were that category):")
        for category in Category:
            key = category.name.lower()
            detected, right = figures.per_category.get(key, [0, 0])
            share = f"{right / detected:.3f}" if detected else "  -  "
            print(f"  {key:<12} {share} ({right}/{detected})")
        graded = (*SEVERITIES, "missed")
        print("severity (rows expected, columns graded):")
        print("  " + " " * 8 + "".join(f"{g:>8}" for g in graded))
        for expected in SEVERITIES:
            cells = "".join(f"{figures.severity[(expected, g)]:>8}" for g in graded)
            print(f"  {expected:<8}{cells}")
        print(f"high graded low: {figures.high_graded_low()}")
    print()


def public_sets(root: Path) -> dict[str, list[dict]]:
    csv.field_size_limit(1 << 30)
    data = root / "construct_tracker" / "data" / "datasets"
    rally = (
        data / "rally_point_reddit_mental_health" / "rallypoint_reddit_mentalhealth_test_908.csv"
    )
    rmhd = data / "reddit_27_subreddits" / "rmhd_27subreddits_260posts_test.csv"
    sets: dict[str, list[dict]] = {}
    with rally.open(encoding="utf-8") as handle:
        sets["public: RallyPoint STB (test split)"] = [
            {"text": row["doc"], "label": "crisis" if row["label"] == "1.0" else "none"}
            for row in csv.DictReader(handle)
            if row["source"].startswith("rallypoint")
        ]
    with rmhd.open(encoding="utf-8") as handle:
        sets["public: RMHD r/SuicideWatch vs 10 control subreddits"] = [
            {
                "text": row["post"],
                "label": "crisis" if row["subreddit"] == "suicidewatch" else "none",
            }
            for row in csv.DictReader(handle)
            if row["subreddit"] in ("suicidewatch", *CONTROL_SUBREDDITS)
        ]
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--version", choices=VERSIONS, default=DEFAULT_VERSION)
    parser.add_argument("--public", type=Path, help="the unzipped construct-tracker wheel")
    parser.add_argument("--plain-chat", action="store_true", help="also the unseen plain chat")
    parser.add_argument("--rules-only", action="store_true", help="without the learned stage")
    parser.add_argument("--show-misses", action="store_true", help="dev only: list the errors")
    args = parser.parse_args()
    detector = CrisisDetector() if args.rules_only else crisis_detector()
    misses: list[dict] | None = [] if args.show_misses and args.split == "dev" else None
    dev, test = split_paths(args.version)
    items = load(dev if args.split == "dev" else test)
    report(f"{args.version} {args.split} split", evaluate(detector, items, misses))
    for item in misses or ():
        kind = item.get("category") or "FALSE ALARM"
        print(f"  {kind:<12} {item.get('severity') or '':<7} {item['note']:<14} {item['text']}")
    if args.plain_chat:
        for path in PLAIN_CHAT_SETS:
            report(f"{path.name} (none of it a crisis)", evaluate(detector, load(path)))
    if args.public:
        for name, public_items in public_sets(args.public).items():
            report(name, evaluate(detector, public_items))


if __name__ == "__main__":
    main()
