"""A server's own crisis settings: phrases that flag (or never flag) and local support lines."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.crisis import Category, GuildPhrases, Severity


@dataclass(frozen=True)
class GuildPhrase:
    phrase: str
    kind: str  # "flag" or "allow"
    category: str | None
    severity: int | None


@dataclass(frozen=True)
class LocalLine:
    name: str
    contact: str
    notes: str | None


def guild_phrases(phrases: list[GuildPhrase]) -> GuildPhrases:
    extra = tuple(
        (p.phrase, Category(p.category), Severity(p.severity or 2))
        for p in phrases
        if p.kind == "flag" and p.category
    )
    allowed = tuple(p.phrase for p in phrases if p.kind == "allow")
    return GuildPhrases(extra=extra, allowed=allowed)
