"""Declared option limits are checked for every client, before any command runs."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.ui.errors import UserFacingError
from bot.ui.inputs import LARGEST_NUMBER, check_declared_limits


@app_commands.command(name="probe", description="A command with every kind of limit")
@app_commands.choices(mood=[app_commands.Choice(name="Okay", value=3)])
async def probe(
    interaction: discord.Interaction,
    mood: app_commands.Choice[int],
    craving: app_commands.Range[int, 0, 10] | None = None,
    note: app_commands.Range[str, 3, 20] | None = None,
    flag: app_commands.Range[int, 1, LARGEST_NUMBER] | None = None,
    free: str | None = None,
    count: int | None = None,
) -> None:
    """Never run: only its declaration is read."""


group = app_commands.Group(name="outer", description="A group")


@group.command(name="inner", description="A subcommand")
async def inner(interaction: discord.Interaction, note: app_commands.Range[str, 1, 5]) -> None:
    """Never run."""


def interaction_with(command: Any, options: list[dict[str, Any]]) -> Any:
    # Only what check_declared_limits reads from an interaction: its command and raw options.
    return SimpleNamespace(command=command, data={"options": options})


def refusal(command: Any, **values: Any) -> str | None:
    options = [{"name": name, "value": value, "type": 0} for name, value in values.items()]
    try:
        check_declared_limits(interaction_with(command, options))
    except UserFacingError as error:
        return str(error)
    return None


def test_values_within_the_declaration_pass() -> None:
    assert refusal(probe, mood=3, craving=0, note="abc", flag=LARGEST_NUMBER, free="x") is None
    assert refusal(probe, mood=3, count=-LARGEST_NUMBER) is None


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"mood": 9}, "from the choices"),
        ({"mood": 3, "craving": -1}, "between 0 and 10"),
        ({"mood": 3, "craving": 11}, "between 0 and 10"),
        ({"mood": 3, "note": "n" * 4000}, "too long: 20 characters"),
        ({"mood": 3, "note": "ab"}, "too short: at least 3"),
        ({"mood": 3, "flag": 2**63}, "too large"),
        ({"mood": 3, "flag": 0}, "too small"),
        ({"mood": 3, "free": "x" * 6001}, "too long: 6000 characters"),
        ({"mood": 3, "count": 2**64}, "too large"),
        ({"mood": 3, "count": -(2**64)}, "too small"),
        ({"mood": 3, "craving": float("nan")}, "needs to be a number"),
        ({"mood": 3, "note": 12345}, "needs to be text"),
    ],
)
def test_values_outside_the_declaration_are_refused_kindly(
    values: dict[str, Any], words: str
) -> None:
    message = refusal(probe, **values)
    assert message is not None and words in message
    assert message.endswith("Nothing was changed.")
    assert "2**63" not in message and str(2**63) not in message


def test_subcommand_options_are_checked_too() -> None:
    options = [{"name": "inner", "type": 1, "options": [{"name": "note", "value": "toolong"}]}]
    with pytest.raises(UserFacingError, match="too long"):
        check_declared_limits(interaction_with(inner, options))
