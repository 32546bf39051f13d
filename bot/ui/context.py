"""Small guards shared by cogs."""

from __future__ import annotations

import discord

from bot.ui.errors import UserFacingError


def require_guild(interaction: discord.Interaction) -> discord.Guild:
    if interaction.guild is None:
        raise UserFacingError(
            "That belongs to a server, and I can't see this one yet. Please use it inside the "
            "server, or try again in a minute."
        )
    return interaction.guild
