"""Where the crisis model's training messages come from: the repository's hand-written and
composed messages, the retired evaluation sets, and the public RallyPoint posts (see README.md
next to this file for sources and licences)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from bot.domain.crisis.learned import NONE_CLASS
from tools.crisis_training.templates import composed
from tools.split_crisis_eval import DATA, RETIRED, split_paths

TRAINING = Path(__file__).resolve().parent
# The first round's messages, then the second's (indirect language and hard negatives), the
# third's (against v3's misses), the fourth's (against v4's) and the fifth's (vulnerable but safe
# shares, written blind: the kind of message the fourth round's model still flagged).
MESSAGE_FILES = tuple(
    TRAINING / name
    for name in ("messages.txt", "indirect.txt", "round3.txt", "round4.txt", "shares.txt")
)

# Development data: both v3 splits since issue 11's third round, both v4 and v5 splits since its
# fourth, both v6 and v7 splits since its sixth, both v8 splits since its seventh (each test split
# was evaluated once, in aggregate, before it joined).
# They are trained on and scored out of fold like the hand-written messages, each under its own
# source name so the training script can report on it (the next set, never seen here, evaluates).
DEVELOPMENT = {version: split_paths(version) for version in ("v3", "v4", "v5", "v6", "v7", "v8")}
# Sets written blind, each by its own writer who never saw the detector, its training data or
# any earlier set: w6 to w9 for issue 11's fourth round, w10 and w11 for its fifth, w12 to w14 for
# its seventh; training data and for picking the thresholds (see README.md next to this file).
# Same format as the evaluation sets.
BLIND_SETS = {
    name: (TRAINING / f"{name}.jsonl",)
    for name in ("w6", "w7", "w8", "w9", "w10", "w11", "w12", "w13", "w14")
}
# Every set written by an independent writer: the thresholds are picked on these (see README.md).
WRITER_SETS = ("v2", *DEVELOPMENT, *BLIND_SETS)
# Plain everyday chat, none of it a crisis: the share of it flagged is capped (see README.md).
EVERYDAY = TRAINING / "everyday.txt"
# The first blind plain-chat set measured the sixth round's detector once; it is plain chat to
# train on and cap since the seventh (tests/data/README.md).
PLAIN_CHAT_V1 = DATA / "plain_chat_v1.jsonl"


def training_messages() -> list[tuple[str, str]]:
    """The repository's own training messages: hand-written, composed and the blind sets (not the
    evaluation sets, not public)."""
    blind = [
        (item["category"] if item["label"] == "crisis" else NONE_CLASS, item["text"])
        for paths_ in BLIND_SETS.values()
        for path in paths_
        for item in map(json.loads, filter(None, path.read_text("utf-8").splitlines()))
    ]
    return hand_written() + composed() + blind + everyday()


def hand_written() -> list[tuple[str, str]]:
    return [message for path in MESSAGE_FILES for message in _lines(path)]


def everyday() -> list[tuple[str, str]]:
    plain = [
        (NONE_CLASS, json.loads(line)["text"])
        for line in PLAIN_CHAT_V1.read_text("utf-8").splitlines()
        if line.strip()
    ]
    return _lines(EVERYDAY) + plain


def _lines(path: Path) -> list[tuple[str, str]]:
    """A `label|text` file's messages (comment lines start with #)."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("|", 1)
            out.append((label, text))
    return out


def public_messages(root: Path, positives: bool) -> list[tuple[str, str]]:
    """The RallyPoint training split from the construct-tracker wheel (see the README next to
    the training data): forum posts that are not about the writer's suicidal thoughts as "none",
    and, with `positives`, those that are as "suicidal"."""
    csv.field_size_limit(1 << 30)
    path = (
        root / "construct_tracker" / "data" / "datasets" / "rally_point_reddit_mental_health"
        / "rallypoint_reddit_mentalhealth_train_3632.csv"
    )  # fmt: skip
    with path.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["source"].startswith("rallypoint")]
    out = [("none", row["doc"]) for row in rows if row["label"] == "0.0"]
    if positives:
        out += [("suicidal", row["doc"]) for row in rows if row["label"] == "1.0"]
    return out


@dataclass(frozen=True)
class Example:
    label: str
    text: str
    weight: float
    # Discord-style messages (hand-written and dev) are scored out of fold to pick thresholds;
    # composed and public ones only train.
    scored: bool
    source: str = "training"
    severity: str | None = None  # the evaluation sets' expected severity


def evaluation_examples(paths_: tuple[Path, ...], source: str, weight: float) -> list[Example]:
    return [
        Example(
            item["category"] if item["label"] == "crisis" else NONE_CLASS,
            item["text"],
            weight,
            True,
            source,
            item.get("severity"),
        )
        for path in paths_
        for item in (json.loads(line) for line in path.read_text("utf-8").splitlines() if line)
    ]


def examples(
    public: Path | None, public_positives: bool, public_weight: float, development_weight: float
) -> list[Example]:
    hand = [Example(label, text, 1.0, True) for label, text in hand_written()]
    hand += [Example(label, text, 1.0, True, "everyday") for label, text in everyday()]
    made = [Example(label, text, 1.0, False) for label, text in composed()]
    # Both splits of v2, v3 and v4 are training data now (the next set, never seen here, evaluates).
    out = hand + made + evaluation_examples(RETIRED, "v2", 1.0)
    for source, paths_ in {**DEVELOPMENT, **BLIND_SETS}.items():
        out += evaluation_examples(paths_, source, development_weight)
    if public:
        out += [
            Example(label, text, public_weight, False)
            for label, text in public_messages(public, public_positives)
        ]
    return out
