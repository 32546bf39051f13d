"""Crisis-language detection: pure functions of the message text (see detector.py)."""

from bot.domain.crisis.detector import (
    Category,
    CrisisDetector,
    Detection,
    GuildPhrases,
    Severity,
    default_detector,
    phrase_has_words,
)

__all__ = [
    "Category",
    "CrisisDetector",
    "Detection",
    "GuildPhrases",
    "Severity",
    "default_detector",
    "phrase_has_words",
]
