"""Cross-validated figures of the whole crisis detector (rules, then the learned stage) over the
training script's scored messages, and the list of its errors."""

from __future__ import annotations

from bot.domain.crisis import CrisisDetector
from bot.domain.crisis.learned import NONE_CLASS


def write_misses(path, data, scored, routes, ngram_oof, network_oof, blend, picked) -> None:
    """The training messages the cross-validated detector got wrong (training data only)."""
    lines = []
    for i, route in zip(scored, routes, strict=True):
        score = blend * ngram_oof[i] + (1 - blend) * network_oof[i]
        bar = picked["silenced_threshold"] if route == "silenced" else picked["threshold"]
        fired = route == "rule" or (score >= bar)
        if fired != (data[i].label != NONE_CLASS):
            kind = "missed" if data[i].label != NONE_CLASS else "false alarm"
            lines.append(
                f"{kind}\t{data[i].source}\t{route}\t{score:.3f}\t{data[i].label}\t{data[i].text}"
            )
    path.write_text("\n".join(sorted(lines)) + "\n", "utf-8")


def figures_on(source, data, scored, routes, blended, picked) -> dict:
    """Cross-validated figures of the whole detector over the scored messages from `source`:
    recall, false-positive rate and how many high-severity messages the rules graded low (the
    learned stage grades medium or high, never low)."""
    rules = CrisisDetector()
    caught = positives = alarms = negatives = high_low = 0
    for i, route, score in zip(scored, routes, blended, strict=True):
        example = data[i]
        if source is not None and example.source != source:
            continue
        bar = picked["silenced_threshold"] if route == "silenced" else picked["threshold"]
        fired = route == "rule" or score >= bar
        if example.label == NONE_CLASS:
            negatives += 1
            alarms += fired
            continue
        positives += 1
        caught += fired
        if route == "rule" and example.severity == "high":
            detection = rules.scan(example.text)
            high_low += detection is not None and detection.severity.name == "LOW"
    return {
        "messages": positives + negatives,
        "recall": round(caught / max(positives, 1), 4),
        "caught": caught,
        "positives": positives,
        "fpr": round(alarms / max(negatives, 1), 4),
        "false_alarms": alarms,
        "negatives": negatives,
        "high_graded_low": high_low,
    }
