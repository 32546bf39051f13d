"""Choosing a country: the autocomplete /helpline and /profile country share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

if TYPE_CHECKING:
    from bot.app import Hearth


def country_choices(bot: Hearth, current: str) -> list[app_commands.Choice[str]]:
    covered = set(bot.helplines.countries())
    found = bot.countries.search(current, limit=100)
    # Countries with their own lines first; the rest still get the international directory.
    found.sort(key=lambda pair: pair[0] not in covered)
    return [app_commands.Choice(name=f"{name} ({code})", value=code) for code, name in found][:25]
