"""Train the crisis detector's learned stage and write `bot/crisis_model/model.json.gz`.

    pip install -e '.[train]'
    pip download --no-deps construct-tracker==1.0.16 && unzip -q construct_tracker-*.whl -d ct
    python -m tools.train_crisis_model --public ct      # the shipped model (takes ~30 s)

Training data: `tools/crisis_training/messages.txt` (hand-written Discord-style messages),
`tools/crisis_training/templates.py` (composed ones) and, with --public, the RallyPoint training
split shipped in the construct-tracker wheel at a tenth of the weight (long forum posts: they
teach the model what ordinary long messages look like); see tools/crisis_training/README.md.
The evaluation set's test split is never read here. The two thresholds are picked on the dev
split with the phrase rules in place: the best recall of the whole detector whose false-positive
rate on dev stays within --max-fpr, and among equals the highest thresholds.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import json
import math
from collections import Counter
from pathlib import Path

from bot.domain.crisis import CrisisDetector
from bot.domain.crisis.learned import (
    NONE_CLASS,
    LearnedModel,
    char_counts,
    feature_vector,
    word_counts,
)
from tools.crisis_training.templates import composed
from tools.split_crisis_eval import DEV

REPO = Path(__file__).resolve().parent.parent
MESSAGES = REPO / "tools" / "crisis_training" / "messages.txt"
OUTPUT = REPO / "bot" / "crisis_model" / "model.json.gz"
CLASSES = (NONE_CLASS, "suicidal", "self_harm", "overdose", "harm_others", "third_party")


def training_messages() -> list[tuple[str, str]]:
    hand = []
    for line in MESSAGES.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("|", 1)
            hand.append((label, text))
    return hand + composed()


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


def fit_idf(docs: list[dict[str, int]], min_df: int) -> dict[str, float]:
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.keys())
    n = len(docs)
    return {f: math.log((1 + n) / (1 + d)) + 1 for f, d in df.items() if d >= min_df}


def train(
    messages: list[tuple[str, str]], c: float, sample_weight: list[float], min_df: int
) -> LearnedModel:
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    texts = [text for _, text in messages]
    char_docs = [char_counts(text) for text in texts]
    word_docs = [word_counts(text) for text in texts]
    char_idf = fit_idf(char_docs, min_df=min_df + 1)
    word_idf = fit_idf(word_docs, min_df=min_df)
    char_features = {f: i for i, f in enumerate(sorted(char_idf))}
    word_features = {f: i + len(char_features) for i, f in enumerate(sorted(word_idf))}
    idf = [round(char_idf[f], 4) for f in char_features]
    idf += [round(word_idf[f], 4) for f in word_features]
    rows, cols, values = [], [], []
    for row, text in enumerate(texts):
        for position, value in feature_vector(text, char_features, word_features, idf):
            rows.append(row)
            cols.append(position)
            values.append(value)
    x = csr_matrix((values, (rows, cols)), shape=(len(messages), len(idf)))
    y = np.array([CLASSES.index(label) for label, _ in messages])
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    clf.fit(x, y, sample_weight=np.array(sample_weight))
    return LearnedModel(
        CLASSES,
        [round(float(b), 4) for b in clf.intercept_],
        char_features,
        word_features,
        idf,
        [round(float(w), 4) for w in clf.coef_.T.ravel()],
        threshold=1.0,
    )


def _learned_scores(model: LearnedModel, dev: list[dict], silenced: bool) -> list[tuple]:
    """(score, is crisis) of the dev messages that reach the learned stage in one way: no rule
    matched at all, or a rule matched and context silenced it."""
    model.threshold, model.silenced_threshold = (2.0, 0.0) if silenced else (0.0, 2.0)
    detector = CrisisDetector(learned=model)
    out = []
    for item in dev:
        detection = detector.scan(item["text"])
        if detection is not None and detection.rule.startswith("learned."):
            out.append((model.score(item["text"]).crisis, item["label"] == "crisis"))
    return out


def pick_thresholds(model: LearnedModel, max_fpr: float) -> dict[str, float]:
    """Both thresholds, for the best dev recall of the whole detector within `max_fpr`; among
    equals, the highest thresholds (fewest learned detections)."""
    dev = [json.loads(line) for line in DEV.read_text("utf-8").splitlines() if line]
    positives = sum(item["label"] == "crisis" for item in dev)
    negatives = len(dev) - positives
    rules = CrisisDetector()
    fired = [(rules.scan(item["text"]) is not None, item["label"] == "crisis") for item in dev]
    base_tp = sum(hit and crisis for hit, crisis in fired)
    base_fp = sum(hit and not crisis for hit, crisis in fired)
    unmatched = _learned_scores(model, dev, silenced=False)
    silenced = _learned_scores(model, dev, silenced=True)

    def counts(scores: list[tuple], bar: float) -> tuple[int, int]:
        tp = sum(crisis for score, crisis in scores if score >= bar)
        fp = sum(not crisis for score, crisis in scores if score >= bar)
        return tp, fp

    bars = [1.0, *sorted({score for score, _ in unmatched + silenced}, reverse=True)]
    best = {"recall": -1.0}
    for bar in bars:
        for silenced_bar in bars:
            if silenced_bar < bar:
                continue  # a silenced rule never lowers the bar
            tp_u, fp_u = counts(unmatched, bar)
            tp_s, fp_s = counts(silenced, silenced_bar)
            fpr = (base_fp + fp_u + fp_s) / negatives
            recall = (base_tp + tp_u + tp_s) / positives
            if fpr <= max_fpr and recall > best["recall"]:
                best = {"threshold": bar, "silenced_threshold": silenced_bar, "recall": recall,
                        "fpr": fpr}  # fmt: skip
    return best


def save(model: LearnedModel, meta: dict, path: Path) -> None:
    payload = {
        "classes": list(model.classes),
        "bias": list(model.bias),
        # Rounded down: a message scoring exactly the threshold on dev must still fire.
        "threshold": math.floor(model.threshold * 1e6) / 1e6,
        "silenced_threshold": math.floor(model.silenced_threshold * 1e6) / 1e6,
        "char_features": sorted(model.char_features, key=model.char_features.__getitem__),
        "word_features": sorted(model.word_features, key=model.word_features.__getitem__),
        "idf": list(model.idf),
        "weights": list(model.weights),
        "meta": meta,
    }
    raw = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    path.write_bytes(gzip.compress(raw, mtime=0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=30.0, help="inverse regularisation strength")
    parser.add_argument("--max-fpr", type=float, default=0.05)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--public", type=Path, help="the unzipped construct-tracker wheel")
    parser.add_argument("--no-public-positives", action="store_true", help="public negatives only")
    parser.add_argument("--public-weight", type=float, default=0.1)
    parser.add_argument("--min-df", type=int, default=5, help="documents a word feature needs")
    args = parser.parse_args()
    messages = training_messages()
    sample_weight = [1.0] * len(messages)
    if args.public:
        public = public_messages(args.public, not args.no_public_positives)
        messages += public
        sample_weight += [args.public_weight] * len(public)
    model = train(messages, args.c, sample_weight, args.min_df)
    picked = pick_thresholds(model, args.max_fpr)
    model.threshold = picked["threshold"]
    model.silenced_threshold = picked["silenced_threshold"]
    recall, fpr = picked["recall"], picked["fpr"]
    meta = {
        "trained": dt.date.today().isoformat(),
        "public": bool(args.public),
        "public_weight": args.public_weight if args.public else None,
        "min_df": args.min_df,
        "messages": len(messages),
        "per_class": dict(Counter(label for label, _ in messages)),
        "c": args.c,
        "dev_recall": round(recall, 4),
        "dev_fpr": round(fpr, 4),
    }
    save(model, meta, args.output)
    size = args.output.stat().st_size
    print(
        f"{len(messages)} messages, {len(model.idf)} features, thresholds "
        f"{model.threshold:.4f} (no rule matched), {model.silenced_threshold:.4f} (rule silenced)"
    )
    print(f"dev (rules + learned): recall {recall:.3f}, false-positive rate {fpr:.3f}")
    print(f"wrote {args.output} ({size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
