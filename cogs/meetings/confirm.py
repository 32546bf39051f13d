"""The confirmation step before a meeting is deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.domain.meetings import Meeting
from bot.ui.errors import report_interaction_error

if TYPE_CHECKING:
    from cogs.meetings.organizing import Organizing


class ConfirmMeetingRemoval(discord.ui.View):
    def __init__(self, organizing: Organizing, meeting: Meeting, owner_id: int) -> None:
        super().__init__(timeout=120)
        self.organizing = organizing
        self.meeting = meeting
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message("This isn't yours to confirm.", ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Delete meeting", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        self.stop()
        await interaction.response.defer()
        await self.organizing.remove(self.meeting)
        await interaction.edit_original_response(
            content=f"Deleted **{self.meeting.name}**.", view=None
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
