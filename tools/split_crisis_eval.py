"""Split a crisis evaluation set into dev and test, once, by a rule anyone can re-check.

Within each stratum (label, category, severity) the messages are ordered by the SHA-256 of their
text and dealt alternately to dev and test, dev first. The split depends only on the texts, so
`tests/unit/test_crisis_eval_data.py` can verify the files still follow it.

    python -m tools.split_crisis_eval all_items.jsonl               # writes the v6 files
    python -m tools.split_crisis_eval all_items.jsonl --version v2  # how v2 was written
    python -m tools.split_crisis_eval all_items.jsonl --version v4  # how v4 was written
    python -m tools.split_crisis_eval all_items.jsonl --version v5  # how v5 was written
    python -m tools.split_crisis_eval all_items.jsonl --version v7  # how v7 was written

Existing split files are never overwritten unless `--overwrite` is given: a set is split once.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
VERSIONS = ("v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10")
DEFAULT_VERSION = "v9"


def split_paths(version: str) -> tuple[Path, Path]:
    """The dev and test files of one version of the evaluation set."""
    if version not in VERSIONS:
        raise ValueError(f"unknown evaluation set version {version!r}")
    return DATA / f"crisis_eval_{version}_dev.jsonl", DATA / f"crisis_eval_{version}_test.jsonl"


# The evaluation set the goals are measured on: v9, written apart from the detector. v2 to v8 were
# looked at while building and are training data now (tools/crisis_training/sources.py).
DEV, TEST = split_paths("v9")
RETIRED = split_paths("v2")


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
    parser.add_argument("--version", choices=VERSIONS, default=DEFAULT_VERSION)
    parser.add_argument("--dev", type=Path, help="dev file (default: the version's)")
    parser.add_argument("--test", type=Path, help="test file (default: the version's)")
    parser.add_argument("--overwrite", action="store_true", help="replace existing split files")
    args = parser.parse_args()
    default_dev, default_test = split_paths(args.version)
    outputs = ((args.dev or default_dev, "dev"), (args.test or default_test, "test"))
    existing = [str(path) for path, _ in outputs if path.exists()]
    if existing and not args.overwrite:
        raise SystemExit(f"already split, not overwriting: {', '.join(existing)}")
    items = [json.loads(line) for line in args.source.read_text("utf-8").splitlines() if line]
    texts = [item["text"] for item in items]
    if len(set(texts)) != len(texts):
        raise SystemExit("duplicate texts in the source")
    assigned = assign_splits(items)
    for path, split in outputs:
        chosen = [item for item in assigned if item["split"] == split]
        with path.open("w", encoding="utf-8") as out:
            for item in chosen:
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
        print(f"{path.name}: {len(chosen)} items")


if __name__ == "__main__":
    main()
