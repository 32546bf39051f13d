"""/privacy export and /privacy delete: a member's own data, to take away or to erase."""

from __future__ import annotations

import asyncio
import gzip
import io
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.ui.confirm import ConfirmView
from bot.ui.context import require_guild
from bot.ui.replies import reply_ephemeral
from cogs.privacy import render
from cogs.privacy.erasure import MemberEraser
from cogs.privacy.export_file import export_bytes, summary

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.privacy")
# Discord takes files up to 10 MiB from bots; a longer history goes compressed.
COMPRESS_ABOVE = 8 * 1024 * 1024


class DataRights(commands.Cog):
    privacy = app_commands.Group(
        name="privacy", description="Your data in Hearth: take it out or erase it", guild_only=True
    )

    def __init__(self, bot: Hearth, eraser: MemberEraser) -> None:
        self.bot = bot
        self.eraser = eraser

    @privacy.command(name="export", description="Get everything Hearth keeps about you here")
    async def export(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        user_id = interaction.user.id
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.bot.storage.privacy.export(guild.id, user_id)
        payload = await asyncio.to_thread(
            export_bytes, data, guild_id=guild.id, user_id=user_id, now=self.bot.clock.now()
        )
        filename = "hearth-my-data.json"
        if len(payload) > COMPRESS_ABOVE:
            payload = await asyncio.to_thread(gzip.compress, payload)
            filename += ".gz"
        log.info("member data exported", extra={"guild": guild.id, "bytes": len(payload)})
        await interaction.followup.send(
            summary(data, guild.name),
            file=discord.File(io.BytesIO(payload), filename=filename),
            ephemeral=True,
        )

    @privacy.command(name="delete", description="Erase your Hearth data (asks first)")
    @app_commands.describe(
        everywhere="Also erase it in every other server, and your shared profile (default: no)"
    )
    async def delete(self, interaction: discord.Interaction, everywhere: bool = False) -> None:
        guild = require_guild(interaction)
        user_id = interaction.user.id

        async def erase() -> str:
            report = await self.eraser.erase(user_id, guild.id, everywhere=everywhere)
            return render.erasure_done(report)

        view = ConfirmView(
            owner_id=user_id,
            confirm_label="Erase my data",
            on_confirm=erase,
            kept_text="Kept. Nothing was erased.",
        )
        await reply_ephemeral(
            interaction, render.delete_question(guild.name, everywhere), view=view
        )
        view.asked = interaction
