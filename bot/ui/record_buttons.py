"""Persistent buttons that act on one stored record: custom id `<prefix>:<record id>:<action>`.

A feature declares its prefix and its actions (label and style) once, and writes only what a
press does (`act`). Building the buttons, reading them back after a restart, the view that
holds them and the one error path for a failed press live here, so anonymous shares and partner
invitations (and whatever comes next) don't each repeat them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self

import discord

from bot.ui.errors import reports_errors

if TYPE_CHECKING:
    from bot.app import Hearth

# (label, style) for each action, in the order the buttons appear.
Actions = Mapping[str, tuple[str, discord.ButtonStyle]]


class RecordButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """Subclass with `prefix=` and `actions=` and write `act`; never registered itself (its own
    template matches nothing)."""

    prefix: ClassVar[str]
    actions: ClassVar[Actions]

    def __init_subclass__(cls, *, prefix: str, actions: Actions, **kwargs: Any) -> None:
        names = "|".join(re.escape(action) for action in actions)
        super().__init_subclass__(
            template=rf"{re.escape(prefix)}:(?P<id>[0-9]+):(?P<action>{names})", **kwargs
        )
        cls.prefix = prefix
        cls.actions = actions

    def __init__(self, record_id: int, action: str) -> None:
        label, style = self.actions[action]
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=f"{self.prefix}:{record_id}:{action}"
            )
        )
        self.record_id = record_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> Self:
        return cls(int(match["id"]), match["action"])

    @classmethod
    def view(cls, record_id: int) -> discord.ui.View:
        """All of the record's buttons, in one persistent view."""
        view = discord.ui.View(timeout=None)
        for action in cls.actions:
            view.add_item(cls(record_id, action))
        return view

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        bot: Hearth = interaction.client  # type: ignore[assignment]
        await self.act(interaction, bot)

    async def act(self, interaction: discord.Interaction, bot: Hearth) -> None:
        """What pressing `self.action` on record `self.record_id` does."""
        raise NotImplementedError
