"""Buttons on an anonymous share: Report (anyone) and Take down (its author only)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.domain.flags import NewFlag
from bot.ui.record_buttons import RecordButton
from bot.ui.replies import reply_ephemeral
from cogs.shares import render

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.shares")


class ShareButton(
    RecordButton,
    prefix="hearth:share",
    actions={
        "report": ("Report", discord.ButtonStyle.secondary),
        "remove": ("Take down", discord.ButtonStyle.secondary),
    },
):
    async def act(self, interaction: discord.Interaction, bot: Hearth) -> None:
        if self.action == "report":
            await self._report(interaction, bot)
        else:
            await self._remove(interaction, bot)

    async def _report(self, interaction: discord.Interaction, bot: Hearth) -> None:
        share = await bot.storage.shares.get(self.record_id)
        if share is None or share.guild_id != interaction.guild_id or share.status != "posted":
            await reply_ephemeral(interaction, "This share isn't here any more.")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        message = interaction.message
        text = message.embeds[0].description if message and message.embeds else None
        # The author is named on the moderators' card and kept in the flag: moderators only.
        flag, _ = await bot.flag_service.raise_flag(
            NewFlag(
                guild_id=share.guild_id,
                source="report",
                category="anonymous share",
                severity=1,
                user_id=share.user_id,
                channel_id=share.channel_id,
                message_id=share.message_id,
            ),
            message_text=text,
            jump_url=message.jump_url if message else None,
            reporter=interaction.user.id,
        )
        log.info("anonymous share reported", extra={"share": share.id, "flag": flag.id})
        await reply_ephemeral(interaction, render.REPORTED)

    async def _remove(self, interaction: discord.Interaction, bot: Hearth) -> None:
        share = await bot.storage.shares.get(self.record_id)
        if share is None or share.user_id != interaction.user.id:
            await reply_ephemeral(interaction, render.NOT_YOURS)
            return
        if not await bot.storage.shares.remove(share.id, interaction.user.id, bot.clock.now()):
            await reply_ephemeral(interaction, "This share is already taken down.")
            return
        log.info("anonymous share taken down", extra={"share": share.id})
        await interaction.response.defer(ephemeral=True, thinking=True)
        message = interaction.message
        if message is not None:
            try:
                await message.delete()
            except discord.HTTPException:
                try:  # it can't be deleted: blank it, so the words are gone from view anyway
                    await message.edit(embed=render.removed_embed(), view=None)
                except discord.HTTPException:
                    log.warning("share not taken down in Discord", extra={"share": share.id})
        await reply_ephemeral(interaction, render.TAKEN_DOWN)


def share_view(share_id: int) -> discord.ui.View:
    return ShareButton.view(share_id)
