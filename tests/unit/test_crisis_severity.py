"""Severity follows the rule (issue 11): a time, a plan, means at hand, a goodbye or an overdose
in progress makes a detection HIGH whatever the verb; without them the rule's own grade stands."""

from __future__ import annotations

import pytest

from bot.crisis_model import crisis_detector
from bot.domain.crisis import Category, CrisisDetector, Severity
from bot.domain.crisis.normalise import normalise_words
from bot.domain.crisis.severity import Cue, cues, graded


@pytest.fixture(scope="module")
def detectors() -> tuple[CrisisDetector, CrisisDetector]:
    return CrisisDetector(), crisis_detector()


@pytest.mark.parametrize(
    "text",
    [
        "i want to kill myself tonight",
        "i want to kill myself, i have a rope",
        "i have the pills ready and i want to die",
        "i want to die right now",
        "i want to kill myself on friday",
        "i want to end my life, i've planned it all out",
        "i want to die. i wrote my note",
        "i want to kill myself, the gun is in my hand",
        "i want to die. goodbye everyone, i love you all",
        "i want to kill myself, i'm on the bridge",
        "i really want to cut myself tonight",
        "ya no quiero vivir, estoy en la azotea",
        "quiero morirme, ya me voy, gracias por todo",
    ],
)
def test_time_plan_means_or_goodbye_make_a_detection_high(detectors, text):
    for detector in detectors:
        detection = detector.scan(text)
        assert detection is not None, text
        assert detection.severity is Severity.HIGH, (text, detection)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("i want to die", Category.SUICIDAL),
        ("i want to kill myself", Category.SUICIDAL),
        ("i keep thinking about suicide", Category.SUICIDAL),
    ],
)
def test_without_a_cue_the_rules_grade_stands(detectors, text, category):
    for detector in detectors:
        detection = detector.scan(text)
        assert detection is not None and detection.category is category
        assert detection.severity is Severity.MEDIUM, detection


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i'll do it tonight", {Cue.TIME}),
        ("sunday when everyone is asleep", {Cue.TIME}),
        ("i have a plan", {Cue.PLAN}),
        ("i've been stockpiling them", {Cue.PLAN}),
        ("a whole bottle of seroquel", {Cue.MEANS}),
        ("standing on the ledge", {Cue.MEANS}),
        ("goodbye everyone", {Cue.GOODBYE}),
        ("please look after my cat", {Cue.GOODBYE}),
        ("i cant breathe properly", {Cue.IN_PROGRESS}),
        ("her lips are blue", {Cue.IN_PROGRESS}),
        ("it wont stop bleeding", {Cue.IN_PROGRESS}),
        ("the blood has soaked through the bandage", {Cue.IN_PROGRESS}),
        ("pulse is 190 bpm and i cannot calm down", {Cue.IN_PROGRESS}),
        ("signed my will yesterday", {Cue.GOODBYE}),
        ("there is nothing left to sort out", {Cue.GOODBYE}),
        ("after my shift", {Cue.TIME}),
        ("i know where he lives", {Cue.PLAN}),
        ("estoy en el puente", {Cue.MEANS}),
        ("me despido de todos", {Cue.GOODBYE}),
        ("esta noche lo hago", {Cue.TIME}),
        ("no para de sangrar", {Cue.IN_PROGRESS}),
        ("hoy fue un dia duro", set()),
        ("i feel sad", set()),
        ("i cut myself last night", set()),
    ],
)
def test_cues(text, expected):
    assert set(cues(normalise_words(text))) == expected


def test_graded_raises_only_with_a_cue():
    assert graded(Severity.LOW, frozenset()) is Severity.LOW
    assert graded(Severity.MEDIUM, frozenset()) is Severity.MEDIUM
    assert graded(Severity.LOW, frozenset({Cue.TIME})) is Severity.HIGH
    assert graded(Severity.MEDIUM, frozenset({Cue.MEANS})) is Severity.HIGH


def test_learned_detection_is_graded_by_the_same_rule(detectors):
    rules, full = detectors
    text = "standing on the roof of the hospital car park right now and i'm not coming down"
    assert rules.scan(text) is None
    detection = full.scan(text)
    assert detection is not None and detection.rule == "learned.suicidal"
    assert detection.severity is Severity.HIGH
