"""A two-button confirmation for irreversible actions, answered only by whoever asked."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.ui.errors import report_interaction_error


class ConfirmView(discord.ui.View):
    """Confirm runs `on_confirm` and shows what it returns; Keep, or two minutes of silence,
    changes nothing and says so."""

    def __init__(
        self,
        *,
        owner_id: int,
        confirm_label: str,
        on_confirm: Callable[[], Awaitable[str]],
        kept_text: str = "Kept. Nothing was deleted.",
    ) -> None:
        super().__init__(timeout=120)
        self.owner_id = owner_id
        self.on_confirm = on_confirm
        self.kept_text = kept_text
        self.asked: discord.Interaction | None = None  # set by the caller after sending
        self.confirm.label = confirm_label

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message("This isn't yours to confirm.", ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Delete", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        self.stop()
        await interaction.response.defer()
        done = await self.on_confirm()
        await interaction.edit_original_response(content=done, view=None)

    @discord.ui.button(label="Keep it", style=discord.ButtonStyle.secondary)
    async def keep(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(content=self.kept_text, view=None)

    async def on_timeout(self) -> None:
        if self.asked is not None:
            # If the question expired with its interaction there is nothing left to update;
            # nothing was changed either way.
            with contextlib.suppress(discord.HTTPException):
                await self.asked.edit_original_response(content=self.kept_text, view=None)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_interaction_error(interaction, error)
