"""The crisis detector: the labelled evaluation set, normalisation, context rules, guild phrases.

`pytest -s tests/unit/test_crisis_detector.py` prints recall, false-positive rate and per-category
precision/recall for the development split (what the rules were tuned on) and the held-out split
(written after the rules, never tuned on). Two earlier held-out batches were folded into the
development split after their first run (their notes say so): batch 1 scored recall 0.42 and
batch 2 recall 0.25 before the rules were widened.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, fields
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.crisis import (
    Category,
    CrisisDetector,
    Detection,
    GuildPhrases,
    Severity,
    default_detector,
)
from bot.domain.crisis.normalise import normalise
from bot.domain.crisis.patterns import Automaton, TemplateError

EVAL_FILE = Path(__file__).resolve().parents[1] / "data" / "crisis_eval.jsonl"
RULE_ID = re.compile(r"[a-z_]+(\.[a-z_0-9]+)+")


@dataclass(frozen=True)
class Example:
    text: str
    label: Category | None
    severity: Severity | None
    note: str
    split: str


def _examples() -> list[Example]:
    rows = [json.loads(line) for line in EVAL_FILE.read_text("utf-8").splitlines() if line]
    return [
        Example(
            text=row["text"],
            label=Category(row["label"]) if row["label"] else None,
            severity=Severity(row["severity"]) if row["severity"] else None,
            note=row["note"],
            split=row["split"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Figures:
    recall: float
    category_correct: float
    false_positive_rate: float
    crisis: int
    negatives: int
    missed: list[str]
    false_alarms: list[str]
    table: list[str]


def _evaluate(examples: list[Example]) -> Figures:
    detector = default_detector()
    found = [(example, detector.scan(example.text)) for example in examples]
    crisis = [(e, d) for e, d in found if e.label is not None]
    negatives = [(e, d) for e, d in found if e.label is None]
    table = [f"{'category':<32}{'n':>4}{'recall':>8}{'right cat':>11}{'precision':>11}"]
    for category in Category:
        labelled = [(e, d) for e, d in crisis if e.label is category]
        predicted = [(e, d) for e, d in found if d is not None and d.category is category]
        recall = sum(d is not None for _, d in labelled) / len(labelled) if labelled else 0.0
        right = sum(d is not None and d.category is category for _, d in labelled)
        precision = sum(e.label is category for e, _ in predicted) / len(predicted or [0])
        table.append(
            f"{category.value:<32}{len(labelled):>4}{recall:>8.3f}"
            f"{right / max(1, len(labelled)):>11.3f}{precision:>11.3f}"
        )
    return Figures(
        recall=sum(d is not None for _, d in crisis) / max(1, len(crisis)),
        category_correct=sum(d is not None and d.category is e.label for e, d in crisis)
        / max(1, len(crisis)),
        false_positive_rate=sum(d is not None for _, d in negatives) / max(1, len(negatives)),
        crisis=len(crisis),
        negatives=len(negatives),
        missed=[e.text for e, d in crisis if d is None],
        false_alarms=[f"{e.text}  [{d.rule}]" for e, d in negatives if d is not None],
        table=table,
    )


def _report(name: str, figures: Figures) -> None:
    print(
        f"\n== {name}: {figures.crisis} crisis, {figures.negatives} negatives · "
        f"recall {figures.recall:.3f} · category correct {figures.category_correct:.3f} · "
        f"false-positive rate {figures.false_positive_rate:.3f}"
    )
    print("\n".join(figures.table))
    for text in figures.missed:
        print(f"  missed: {text}")
    for text in figures.false_alarms:
        print(f"  false alarm: {text}")


def test_evaluation_set_shape() -> None:
    examples = _examples()
    dev = [e for e in examples if e.split == "dev"]
    assert len(dev) >= 260
    counts = Counter(e.label for e in dev)
    assert all(counts[category] >= 25 for category in Category), counts
    assert counts[None] >= 120
    assert {e.split for e in examples} <= {"dev", "heldout"}
    assert all((e.label is None) == (e.severity is None) and e.note for e in examples)
    assert len({e.text for e in examples}) == len(examples), "duplicate messages"


def test_development_split_meets_the_targets() -> None:
    figures = _evaluate([e for e in _examples() if e.split == "dev"])
    _report("development split", figures)
    assert figures.recall >= 0.95
    assert figures.false_positive_rate <= 0.05


def test_held_out_split_is_reported() -> None:
    held_out = [e for e in _examples() if e.split == "heldout"]
    assert held_out, "the evaluation set must keep its held-out messages"
    figures = _evaluate(held_out)
    _report("held-out split (not tuned on)", figures)
    # Written after the rules were final and never tuned on. Phrase rules generalise much worse
    # than the development figures suggest (first run: recall 0.60, false-positive rate 0.14);
    # these floors sit just under that run, as a guard against regressions, not as a target.
    assert figures.recall >= 0.55
    assert figures.false_positive_rate <= 0.2


# --- the API ------------------------------------------------------------------------------------


def test_detections_carry_a_rule_id_and_never_the_text() -> None:
    detection = default_detector().scan("honestly I just want to die tonight")
    assert detection is not None
    assert [field.name for field in fields(Detection)] == ["category", "severity", "rule"]
    assert RULE_ID.fullmatch(detection.rule)
    assert "die" not in detection.rule


def test_default_detector_is_built_once() -> None:
    assert default_detector() is default_detector()


@pytest.mark.parametrize(
    ("text", "category", "severity"),
    [
        ("kms", Category.SUICIDAL, Severity.MEDIUM),
        ("ngl im gonna kms tonight", Category.SUICIDAL, Severity.HIGH),
        ("i want to die", Category.SUICIDAL, Severity.MEDIUM),
        ("I don't see the point anymore", Category.SUICIDAL, Severity.LOW),
        ("my sponsor isn't breathing", Category.OVERDOSE, Severity.HIGH),
        ("my friend took a whole bottle of pills", Category.OVERDOSE, Severity.HIGH),
        ("tomé todas las pastillas", Category.OVERDOSE, Severity.HIGH),
        ("me voy a matar", Category.SUICIDAL, Severity.HIGH),
        ("my friend says she wants to kill herself", Category.THIRD_PARTY, Severity.MEDIUM),
        ("want to die for real", Category.SUICIDAL, Severity.MEDIUM),
        ("my friend has taken rat poison and is vomiting", Category.OVERDOSE, Severity.HIGH),
        ("i drank bleach", Category.OVERDOSE, Severity.HIGH),
    ],
)
def test_category_and_severity(text: str, category: Category, severity: Severity) -> None:
    assert default_detector().scan(text) == Detection(category, severity, _rule_of(text))


def _rule_of(text: str) -> str:
    detection = default_detector().scan(text)
    assert detection is not None, text
    return detection.rule


def test_most_severe_detection_wins() -> None:
    detection = default_detector().scan("i want to die. actually i took all my pills an hour ago")
    assert detection is not None and detection.severity is Severity.HIGH
    assert detection.category is Category.OVERDOSE


@pytest.mark.parametrize(
    "text",
    [
        "I'm NOT going to k1ll mys3lf",
        "i w4nt t0 d1e",
        "I  WANNA   DIEEEEE!!!",
        "i want to d\u200bie",
        "I\u2019m going to kill myself",
        "𝓲 𝔀𝓪𝓷𝓽 𝓽𝓸 𝓭𝓲𝓮",
        "i want 2 die",
        "kіll myself",  # Cyrillic і
    ],
)
def test_obfuscated_spellings_are_normalised(text: str) -> None:
    expected = "I'm NOT" not in text
    assert (default_detector().scan(text) is not None) is expected, normalise(text)


def test_negation_is_scoped_to_its_clause() -> None:
    scan = default_detector().scan
    assert scan("I'm not going to kill myself") is None
    assert scan("i'm not ok. i want to die") is not None
    assert scan("not gonna lie i want to die") is not None
    assert scan("no me quiero morir") is None


def test_past_stories_silence_only_past_tense_phrases() -> None:
    scan = default_detector().scan
    assert scan("when I was using I overdosed twice") is None
    assert scan("two years ago I tried to end it, today I'm grateful") is None
    assert scan("two years ago I tried to end it and I want to die again") is not None


# --- guild phrases --------------------------------------------------------------------------------


def test_guild_extra_phrases_fire_with_their_own_rule_id() -> None:
    phrases = GuildPhrases(extra=(("going to the bridge", Category.SUICIDAL, Severity.HIGH),))
    detector = CrisisDetector(phrases)
    assert detector.scan("I'm GOING to the bridge!") == Detection(
        Category.SUICIDAL, Severity.HIGH, "guild.0"
    )
    assert detector.scan("i'm not going to the bridge") is None
    assert detector.scan("kms") is not None  # the shared phrases still apply
    assert default_detector().scan("I'm going to the bridge") is None


def test_guild_allowed_phrases_cover_their_span_only() -> None:
    detector = CrisisDetector(GuildPhrases(allowed=("wanna die lol",)))
    assert detector.scan("i wanna die lol") is None
    assert detector.scan("i wanna die lol. i took all my pills") is not None
    assert default_detector().scan("i wanna die lol") is not None


def test_guild_phrases_without_words_are_ignored() -> None:
    detector = CrisisDetector(
        GuildPhrases(extra=(("!!!", Category.SUICIDAL, Severity.LOW),), allowed=("...",))
    )
    assert detector.scan("!!!") is None
    assert detector.scan("kms") is not None


def test_builtin_titles_are_allowed() -> None:
    scan = default_detector().scan
    assert scan("i want to die hard with a vengeance") is None
    assert scan("13 Reasons Why made me cry") is None
    # The idiom needs no allow-listing: no rule reads "to die for" on its own.
    assert scan("that cake was to die for") is None
    assert scan("resentment is like drinking poison and expecting the other person to die") is None
    assert scan("i took bleach to the bathroom tiles") is None


# --- robustness -----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_scan_accepts_any_text(text: str) -> None:
    result = default_detector().scan(text)
    assert result is None or RULE_ID.fullmatch(result.rule)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["i", "want", "to", "die", "not", "kill", "myself", "|", "lol"])))
def test_scan_is_deterministic(words: list[str]) -> None:
    text = " ".join(words)
    assert default_detector().scan(text) == CrisisDetector().scan(text)


@pytest.mark.parametrize(
    "template", ["(unclosed", "closed)", "a | b", "overdos(e|ing)", "{NOT_A_MACRO}", "(a|)"]
)
def test_bad_templates_are_refused(template: str) -> None:
    from bot.domain.crisis.patterns import substitute
    from bot.domain.crisis.vocab import MACROS

    with pytest.raises(TemplateError):
        Automaton([(substitute(template, MACROS), "x")])
