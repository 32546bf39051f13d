"""/share: a member's words posted without their name, after the same crisis check as any
message (a detection answers the author privately and names them only to moderators)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.shares import SHARES_PER_WINDOW, TEXT_MAX_LENGTH, WINDOW, clean_share, next_share_at
from bot.ui.context import require_guild
from bot.ui.errors import UserFacingError
from bot.ui.replies import reply_ephemeral
from cogs.shares import render
from cogs.shares.buttons import share_view

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.shares")


class Shares(commands.Cog):
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    @app_commands.command(
        name="share", description="Share something anonymously: your name and picture aren't shown"
    )
    @app_commands.describe(text="What you'd like to share (members see it without your name)")
    @app_commands.guild_only()
    async def share(
        self, interaction: discord.Interaction, text: app_commands.Range[str, 1, TEXT_MAX_LENGTH]
    ) -> None:
        guild = require_guild(interaction)
        config = await self.bot.guild_configs.get(guild.id)
        channel = guild.get_channel(config.share_channel_id or 0)
        if not config.shares_enabled or not isinstance(channel, discord.TextChannel):
            raise UserFacingError(render.OFF)
        try:
            cleaned = clean_share(text)
        except ValueError as error:
            raise UserFacingError(f"Sorry, {error}. Nothing was posted.") from None
        author = interaction.user
        now = self.bot.clock.now()
        again = next_share_at(
            await self.bot.storage.shares.recent(guild.id, author.id, now - WINDOW), now
        )
        if again is not None:
            raise UserFacingError(render.too_soon(again, SHARES_PER_WINDOW))
        await interaction.response.defer(ephemeral=True, thinking=True)
        share_id = await self.bot.storage.shares.start(guild.id, author.id, channel.id, now)
        try:
            posted = await channel.send(
                embed=render.share_embed(cleaned),
                view=share_view(share_id),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as exc:
            log.warning("anonymous share not posted", extra={"guild": guild.id, "code": exc.code})
            await self.bot.storage.shares.failed(share_id)
            await reply_ephemeral(interaction, render.NOT_POSTED)
            return
        await self.bot.storage.shares.posted(share_id, posted.id)
        log.info("anonymous share posted", extra={"guild": guild.id, "share": share_id})
        try:
            await posted.create_thread(name="Replies", auto_archive_duration=10080)
        except discord.HTTPException:
            log.warning("no reply thread for a share", extra={"share": share_id})
        await reply_ephemeral(interaction, render.posted(channel.id))
        # After the answer: the crisis reply is its own DM, and moderators get a card.
        await self.bot.crisis_responder.check_words(
            guild, author, cleaned, channel=channel, message=posted
        )
