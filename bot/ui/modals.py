"""Reading modal submissions straight from the interaction payload.

Hearth detaches its modals from discord.py's in-memory store once shown and handles their
submissions by custom_id prefix, so a form opened before a restart still works and two members'
forms never replace each other (discord.py keys open modals by custom_id alone).
"""

from __future__ import annotations

from typing import Any

import discord


def submitted_values(interaction: discord.Interaction) -> dict[str, str | list[str]]:
    """custom_id → value (text inputs) or values (selects), from rows or labels alike."""
    found: dict[str, str | list[str]] = {}

    def visit(component: dict[str, Any]) -> None:
        if "components" in component:
            for child in component["components"]:
                visit(child)
        if "component" in component:
            visit(component["component"])
        custom_id = component.get("custom_id")
        if custom_id is None:
            return
        if "values" in component:
            found[custom_id] = [str(v) for v in component["values"]]
        elif "value" in component:
            found[custom_id] = str(component["value"])

    for top in (interaction.data or {}).get("components", []):
        visit(top)  # type: ignore[arg-type]
    return found


def modal_custom_id(interaction: discord.Interaction) -> str | None:
    if interaction.type is not discord.InteractionType.modal_submit:
        return None
    return (interaction.data or {}).get("custom_id")  # type: ignore[return-value]
