"""Member input shared by several commands: parsing with kind errors, and autocomplete."""

from __future__ import annotations

from datetime import time

from discord import app_commands

from bot.domain.local_time import parse_hhmm
from bot.domain.timezones import canonical_timezone, search_timezones
from bot.ui.errors import UserFacingError


def require_hhmm(text: str) -> time:
    parsed = parse_hhmm(text)
    if parsed is None:
        raise UserFacingError(
            f"“{text}” isn't a time I understand. Use 24-hour HH:MM, like `08:00` or `20:30`. "
            "Nothing was changed."
        )
    return parsed


def require_timezone(text: str) -> str:
    zone = canonical_timezone(text)
    if zone is None:
        raise UserFacingError(
            f"“{text}” isn't a time zone I know. Use a name like `Europe/London` or "
            "`America/Chicago`; start typing and pick from the list. Nothing was changed."
        )
    return zone


def timezone_choices(current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=zone, value=zone) for zone in search_timezones(current)]
