"""The confirmation step before a counter and its history are deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.domain.counters import Counter
from bot.ui.errors import report_interaction_error
from cogs.sobriety.roles import MilestoneRoles

if TYPE_CHECKING:
    from bot.app import Hearth


class ConfirmRemoval(discord.ui.View):
    def __init__(self, bot: Hearth, roles: MilestoneRoles, counter: Counter, owner_id: int) -> None:
        super().__init__(timeout=120)
        self.bot = bot
        self.roles = roles
        self.counter = counter
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message("This isn't yours to change.", ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Delete counter and history", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        await self.bot.storage.sobriety.remove(self.counter.id)
        self.stop()
        self.bot.background.spawn(
            self.roles.remove_unearned(self.counter.guild_id, self.counter.user_id),
            name="milestone roles",
        )
        await interaction.response.edit_message(
            content=f"Deleted **{self.counter.label}** and its history.", view=None
        )

    @discord.ui.button(label="Keep it", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        self.stop()
        await interaction.response.edit_message(content="Kept. Nothing was deleted.", view=None)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_interaction_error(interaction, error)
