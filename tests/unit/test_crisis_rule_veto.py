"""The learned stage overrules a built-in rule only when it is all but certain the message is not
a crisis (its `rule_veto`), and never a guild's own phrase."""

from __future__ import annotations

from dataclasses import dataclass

from bot.crisis_model import crisis_detector, learned_model
from bot.domain.crisis import Category, CrisisDetector, GuildPhrases, Severity
from bot.domain.crisis.learned import LearnedScore

# A joke the phrase rules catch ("kms") that a model can be sure is not a crisis.
JOKE = "if i have to sit through one more group project i'll kms lol"


@dataclass
class FixedScore:
    """A learned stage that gives every message the same score (the detector's side only)."""

    crisis: float
    rule_veto: float
    threshold: float = 0.9
    silenced_threshold: float = 0.95

    def score(self, text: str) -> LearnedScore:
        return LearnedScore(crisis=self.crisis, category=Category.SUICIDAL)

    def detect(self, text: str, bar: float) -> LearnedScore | None:
        return self.score(text) if self.crisis >= bar else None


def test_the_rules_catch_the_joke_on_their_own():
    detection = CrisisDetector().scan(JOKE)
    assert detection is not None and not detection.rule.startswith("learned.")


def test_a_rule_is_overruled_only_below_the_veto():
    assert CrisisDetector(learned=FixedScore(crisis=0.01, rule_veto=0.05)).scan(JOKE) is None
    kept = CrisisDetector(learned=FixedScore(crisis=0.06, rule_veto=0.05)).scan(JOKE)
    assert kept is not None and not kept.rule.startswith("learned.")


def test_no_veto_keeps_every_rule():
    detection = CrisisDetector(learned=FixedScore(crisis=0.0, rule_veto=0.0)).scan(JOKE)
    assert detection is not None and not detection.rule.startswith("learned.")


def test_a_guilds_own_phrase_is_never_overruled():
    phrases = GuildPhrases(extra=(("walk into the sea", Category.SUICIDAL, Severity.HIGH),))
    sure_it_is_nothing = FixedScore(crisis=0.0, rule_veto=0.1)
    detection = CrisisDetector(phrases, learned=sure_it_is_nothing).scan(
        "thinking i might walk into the sea tonight"
    )
    assert detection is not None and detection.rule.startswith("guild.")


def test_the_shipped_veto_keeps_explicit_crisis_language():
    model = learned_model()
    assert 0.0 <= model.rule_veto < model.threshold
    detector = crisis_detector()
    for text in (
        "i want to kill myself tonight",
        "i'm going to kms, i have the pills right here",
        "took all my tablets with a bottle of vodka",
        "cut myself again and it won't stop bleeding",
    ):
        detection = detector.scan(text)
        assert detection is not None, text
        assert detection.severity is Severity.HIGH, text
