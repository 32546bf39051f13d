"""The check-in's "ask for support" button: persistent by design, it tells the moderators."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.flags import NewFlag
from bot.ui.errors import reports_errors

if TYPE_CHECKING:
    from bot.app import Hearth


class SupportButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"hearth:support:(?P<guild>[0-9]+)",
):
    """Offered on a hard day's check-in: lets the moderators know, gently."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Ask for support",
                emoji="💛",
                style=discord.ButtonStyle.primary,
                custom_id=f"hearth:support:{guild_id}",
            )
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> SupportButton:
        return cls(int(match["guild"]))

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        bot: Hearth = interaction.client  # type: ignore[assignment]
        await interaction.response.defer(ephemeral=True, thinking=True)
        user = interaction.user.id
        reached = True
        if await bot.storage.flags.open_support(self.guild_id, user) is None:
            _, reached = await bot.flag_service.raise_flag(
                NewFlag(
                    guild_id=self.guild_id,
                    source="support",
                    category="asked for support",
                    severity=2,
                    user_id=user,
                    channel_id=None,
                    message_id=None,
                )
            )
        first = (
            "Thank you for reaching out. 💛 The moderators know, and someone will be in touch."
            if reached
            else "Thank you for reaching out. 💛 I couldn't reach the moderators just now, so "
            "please also message one directly if you can."
        )
        await interaction.followup.send(
            f"{first} If you might be in danger right now, please call your local emergency "
            "number; `/helpline` shows people you can talk to any time.",
            ephemeral=True,
        )
