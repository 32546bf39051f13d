"""Split the crisis evaluation set into dev and test, once, by a rule anyone can re-check.

Within each stratum (label, category, severity) the messages are ordered by the SHA-256 of their
text and dealt alternately to dev and test, dev first. The split depends only on the texts, so
`tests/unit/test_crisis_eval_data.py` can verify the files still follow it.

    python -m tools.split_crisis_eval all_items.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DEV = DATA / "crisis_eval_v2_dev.jsonl"
TEST = DATA / "crisis_eval_v2_test.jsonl"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stratum(item: dict) -> tuple[str, str, str]:
    return (item["label"], item.get("category") or "", item.get("severity") or "")


def assign_splits(items: list[dict]) -> list[dict]:
    by_stratum: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for item in items:
        by_stratum[stratum(item)].append(item)
    out = []
    for key in sorted(by_stratum):
        ordered = sorted(by_stratum[key], key=lambda item: text_hash(item["text"]))
        for position, item in enumerate(ordered):
            out.append({**item, "split": "dev" if position % 2 == 0 else "test"})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", type=Path)
    args = parser.parse_args()
    items = [json.loads(line) for line in args.source.read_text("utf-8").splitlines() if line]
    texts = [item["text"] for item in items]
    if len(set(texts)) != len(texts):
        raise SystemExit("duplicate texts in the source")
    for path, split in ((DEV, "dev"), (TEST, "test")):
        chosen = [item for item in assign_splits(items) if item["split"] == split]
        with path.open("w", encoding="utf-8") as out:
            for item in chosen:
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
        print(f"{path.name}: {len(chosen)} items")


if __name__ == "__main__":
    main()
