"""Train the crisis detector's learned stage and write `bot/crisis_model/model.json.gz`.

    pip install -e '.[train]'
    python -m tools.train_crisis_model

Training data: `tools/crisis_training/messages.txt` (hand-written Discord-style messages) and
`tools/crisis_training/templates.py` (composed ones); see tools/crisis_training/README.md. The
evaluation set's test split is never read here. The threshold is picked on the dev split, with
the phrase rules in place: the lowest score at which the whole detector (rules, then the learned
stage) keeps its false-positive rate on dev within --max-fpr, the highest such threshold among
those giving the same recall.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import math
from collections import Counter
from pathlib import Path

from bot.domain.crisis import CrisisDetector
from bot.domain.crisis.learned import NONE_CLASS, LearnedModel, feature_counts, weighted
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


def fit_idf(docs: list[dict[str, int]], min_df: int) -> dict[str, float]:
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.keys())
    n = len(docs)
    return {f: math.log((1 + n) / (1 + d)) + 1 for f, d in df.items() if d >= min_df}


def train(messages: list[tuple[str, str]], c: float) -> LearnedModel:
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts = [feature_counts(text) for _, text in messages]
    char_idf = fit_idf([chars for chars, _ in counts], min_df=2)
    word_idf = fit_idf([words for _, words in counts], min_df=1)
    index: dict[str, int] = {}
    rows, cols, values = [], [], []
    for row, (chars, words) in enumerate(counts):
        for prefix, doc, idf in (("c:", chars, char_idf), ("w:", words, word_idf)):
            for feature, value in weighted(doc, idf).items():
                rows.append(row)
                cols.append(index.setdefault(prefix + feature, len(index)))
                values.append(value)
    x = csr_matrix((values, (rows, cols)), shape=(len(messages), len(index)))
    y = np.array([CLASSES.index(label) for label, _ in messages])
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(x, y)
    names = sorted(index, key=index.__getitem__)
    weights = {
        name: [round(float(w), 4) for w in clf.coef_[:, column]]
        for column, name in enumerate(names)
        if np.abs(clf.coef_[:, column]).max() >= 1e-3
    }
    return LearnedModel(
        CLASSES,
        [round(float(b), 4) for b in clf.intercept_],
        {f: round(v, 4) for f, v in char_idf.items()},
        {f: round(v, 4) for f, v in word_idf.items()},
        weights,
        threshold=1.0,
    )


def pick_threshold(model: LearnedModel, max_fpr: float) -> tuple[float, float, float]:
    dev = [json.loads(line) for line in DEV.read_text("utf-8").splitlines() if line]
    detector = CrisisDetector(learned=model)
    model.threshold = 0.0  # every message the rules leave to the model comes back with its score
    candidates = []  # (score, is crisis) of messages no phrase rule matched
    fired = false_alarms = 0
    for item in dev:
        crisis = item["label"] == "crisis"
        detection = detector.scan(item["text"])
        if detection is None:
            continue  # a rule matched and context silenced it
        if detection.rule.startswith("learned."):
            candidates.append((model.score(item["text"]).crisis, crisis))
        else:
            fired += crisis
            false_alarms += not crisis
    positives = sum(item["label"] == "crisis" for item in dev)
    negatives = len(dev) - positives
    best = (1.0, fired / positives, false_alarms / negatives)
    for threshold in sorted({score for score, _ in candidates}, reverse=True):
        tp = fired + sum(crisis for score, crisis in candidates if score >= threshold)
        fp = false_alarms + sum(not crisis for score, crisis in candidates if score >= threshold)
        if fp / negatives > max_fpr:
            break
        if tp / positives > best[1]:
            best = (threshold, tp / positives, fp / negatives)
    return best


def save(model: LearnedModel, meta: dict, path: Path) -> None:
    payload = {
        "classes": list(model.classes),
        "bias": list(model._bias),
        "threshold": round(model.threshold, 6),
        "char_idf": dict(model._char_idf),
        "word_idf": dict(model._word_idf),
        "weights": {name: list(row) for name, row in model._weights.items()},
        "meta": meta,
    }
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
    path.write_bytes(gzip.compress(raw, mtime=0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=10.0, help="inverse regularisation strength")
    parser.add_argument("--max-fpr", type=float, default=0.05)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    messages = training_messages()
    model = train(messages, args.c)
    threshold, recall, fpr = pick_threshold(model, args.max_fpr)
    model.threshold = threshold
    meta = {
        "trained": dt.date.today().isoformat(),
        "messages": len(messages),
        "per_class": dict(Counter(label for label, _ in messages)),
        "c": args.c,
        "dev_recall": round(recall, 4),
        "dev_fpr": round(fpr, 4),
    }
    save(model, meta, args.output)
    size = args.output.stat().st_size
    print(f"{len(messages)} messages, {len(model._weights)} features, threshold {threshold:.4f}")
    print(f"dev (rules + learned): recall {recall:.3f}, false-positive rate {fpr:.3f}")
    print(f"wrote {args.output.relative_to(REPO)} ({size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
