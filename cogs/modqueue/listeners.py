"""Watching the queue channel's privacy: a permission change can make it public, or private
again; Hearth holds flags in the first case and delivers what it kept in the second."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord.ext import commands

if TYPE_CHECKING:
    from bot.app import Hearth
    from bot.services.flags import FlagService


class QueueWatch(commands.Cog):
    def __init__(self, bot: Hearth, service: FlagService) -> None:
        self.bot = bot
        self.service = service

    @commands.Cog.listener()
    async def on_guild_channel_update(
        self, before: discord.abc.GuildChannel, after: discord.abc.GuildChannel
    ) -> None:
        config = await self.bot.guild_configs.get(after.guild.id)
        if after.id == config.mod_queue_channel_id:
            await self.service.recheck_queue(after.guild.id)

    @commands.Cog.listener()
    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        if before.permissions != after.permissions:
            await self.service.recheck_queue(after.guild.id)
