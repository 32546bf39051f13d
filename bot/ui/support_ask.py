"""The check-in's Ask for support button when peer support is set up.

Check-ins offer it and cogs/peers answers it (a persistent DynamicItem matching this custom_id),
so neither cog imports the other: the custom_id below is the whole contract between them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.domain.guild_config import GuildConfig

if TYPE_CHECKING:
    from bot.app import Hearth

PEER_ASK_TEMPLATE = r"hearth:peer-ask:(?P<guild>[0-9]+)"


def peer_ask_custom_id(guild_id: int) -> str:
    return f"hearth:peer-ask:{guild_id}"


def peer_support_ready(bot: Hearth, config: GuildConfig) -> bool:
    """Support requests here go to peer supporters first (the moderators if none is free):
    the server has set peer support up, and the peer feature is running in this process."""
    return (
        config.peer_channel_id is not None
        and config.peer_role_id is not None
        and bot.peer_support_running
    )


def peer_ask_button(guild_id: int) -> discord.ui.Button[discord.ui.View]:
    return discord.ui.Button(
        label="Ask for support",
        emoji="💛",
        style=discord.ButtonStyle.primary,
        custom_id=peer_ask_custom_id(guild_id),
    )
