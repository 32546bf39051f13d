"""Member input shared by several commands: parsing with kind errors, limits, and autocomplete."""

from __future__ import annotations

import math
from datetime import time
from typing import Any

import discord
from discord import app_commands

from bot.domain.excerpts import quoted
from bot.domain.local_time import parse_hhmm
from bot.domain.timezones import canonical_timezone, search_timezones
from bot.ui.errors import UserFacingError

# Discord's largest integer option value: numbers members type (a flag's, an announcement's)
# are declared up to this, so Discord's apps refuse anything bigger before sending it.
LARGEST_NUMBER = 2**53
# The largest value SQLite's INTEGER and PostgreSQL's bigint hold: no stored id is bigger.
LARGEST_ID = 2**63 - 1
# Discord's longest string option value.
LONGEST_TEXT = 6000
_NUMBERS = (discord.AppCommandOptionType.integer, discord.AppCommandOptionType.number)
_SUBCOMMANDS = (1, 2)  # option types of a subcommand and a subcommand group


def require_hhmm(text: str) -> time:
    parsed = parse_hhmm(text)
    if parsed is None:
        raise UserFacingError(
            f"{quoted(text)} isn't a time I understand. Use 24-hour HH:MM, like `08:00` or "
            "`20:30`. Nothing was changed."
        )
    return parsed


def require_timezone(text: str) -> str:
    zone = canonical_timezone(text)
    if zone is None:
        raise UserFacingError(
            f"{quoted(text)} isn't a time zone I know. Use a name like `Europe/London` or "
            "`America/Chicago`; start typing and pick from the list. Nothing was changed."
        )
    return zone


def timezone_choices(current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=zone, value=zone) for zone in search_timezones(current)]


def check_declared_limits(interaction: discord.Interaction) -> None:
    """Refuse option values outside what the command declares: numbers past min/max, text past
    its lengths, anything not among its choices.

    Discord's apps enforce these before sending; other clients need not, so Hearth checks them
    before any command runs and no handler ever sees a value its declaration rules out.
    """
    command = interaction.command
    if not isinstance(command, app_commands.Command):
        return
    given = _leaf_values((interaction.data or {}).get("options", []))  # type: ignore[arg-type]
    for parameter in command.parameters:
        if parameter.display_name in given:
            problem = _outside_limits(parameter, given[parameter.display_name])
            if problem is not None:
                raise UserFacingError(f"{problem} Nothing was changed.")


def _leaf_values(options: list[dict[str, Any]]) -> dict[str, Any]:
    for option in options:
        if option.get("type") in _SUBCOMMANDS:
            return _leaf_values(option.get("options", []))
    return {option["name"]: option.get("value") for option in options if "name" in option}


def _outside_limits(parameter: app_commands.Parameter, value: Any) -> str | None:
    """Why `value` can't be used for `parameter`, or None if it fits the declaration."""
    name = f"`{parameter.display_name}`"
    if parameter.choices and value not in [choice.value for choice in parameter.choices]:
        return f"Please pick {name} from the choices offered."
    low, high = parameter.min_value, parameter.max_value
    if parameter.type is discord.AppCommandOptionType.string:
        if not isinstance(value, str):
            return f"{name} needs to be text."
        if len(value) > (high if high is not None else LONGEST_TEXT):
            return f"That {name} is too long: {high or LONGEST_TEXT} characters at most, please."
        if low is not None and len(value) < low:
            return f"That {name} is too short: at least {low} characters, please."
        return None
    if parameter.type not in _NUMBERS:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return f"{name} needs to be a number."
    bottom = low if low is not None else -LARGEST_NUMBER
    top = high if high is not None else LARGEST_NUMBER
    if bottom <= value <= top:
        return None
    if low is not None and high is not None and high < 10**6:
        return f"{name} needs to be between {low:g} and {high:g}."
    if value > top:
        return f"That {name} is too large: no such number is in use here."
    return f"That {name} is too small: no such number is in use here."
