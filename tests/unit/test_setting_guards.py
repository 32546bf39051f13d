"""Settings are checked for what they would do to a whole server."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.crisis import Category, CrisisDetector, GuildPhrases, Severity, phrase_has_words
from bot.domain.sobriety import DEFAULT_PLAN, parse_plan, plan_from_spec


@pytest.mark.parametrize("spec", ["999999999d", "10000y", "1201m", "5218w", "876624h", "36526d"])
def test_plans_past_a_hundred_years_are_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="longer than 100 years"):
        parse_plan(spec)


def test_a_hundred_years_is_the_longest_plan_and_still_works() -> None:
    plan = parse_plan("36525d,1200m,100y,yearly")
    assert sorted(m.key for m in plan.fixed) == ["100y", "1200m", "36525d"]
    assert plan.next_after(date(1926, 1, 1), date(2025, 6, 1)) is not None


def test_digits_from_other_scripts_are_not_read_as_numbers() -> None:
    with pytest.raises(ValueError, match="isn't a span"):
        parse_plan("²d")


def test_a_saved_plan_that_no_longer_passes_falls_back_to_the_default() -> None:
    assert plan_from_spec("999999999d") == DEFAULT_PLAN
    assert plan_from_spec("not a plan") == DEFAULT_PLAN
    assert plan_from_spec("30d").spec() == "30d"


@pytest.mark.parametrize("phrase", ["!!!", "...", "a!!", "13", "\u200b\u200b\u200b", "#|()"])
def test_phrases_without_two_letters_have_no_words(phrase: str) -> None:
    assert not phrase_has_words(phrase)


@pytest.mark.parametrize("phrase", ["ab", "no hope left", "13 reasons", "kms"])
def test_phrases_with_letters_have_words(phrase: str) -> None:
    assert phrase_has_words(phrase)


def test_a_saved_phrase_without_letters_flags_nothing() -> None:
    detector = CrisisDetector(
        GuildPhrases(extra=(("!!!", Category.SUICIDAL, Severity.HIGH),), allowed=("...",))
    )
    assert detector.scan("Great meeting tonight! See you all. Thanks!!!") is None
    assert detector.scan("i want to kill myself tonight") is not None
