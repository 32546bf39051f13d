"""The invitation's Accept / Not now buttons, in the invited member's DMs (persistent)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.domain.partners import PartnerStatus
from bot.ui.record_buttons import RecordButton
from bot.ui.replies import reply_ephemeral
from cogs.partners import render

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.partners")


class InviteButton(
    RecordButton,
    prefix="hearth:partner",
    actions={
        "accept": ("Accept", discord.ButtonStyle.success),
        "decline": ("Not now", discord.ButtonStyle.secondary),
    },
):
    async def act(self, interaction: discord.Interaction, bot: Hearth) -> None:
        partners = bot.storage.partners
        partnership = await partners.get(self.record_id)
        if partnership is None or interaction.user.id != partnership.partner_id:
            await reply_ephemeral(interaction, "This invitation isn't for you.")
            return
        if partnership.status != PartnerStatus.INVITED:
            await reply_ephemeral(
                interaction, "This invitation has already been answered or ended."
            )
            return
        now = bot.clock.now()
        accepted = self.action == "accept"
        changed = (
            await partners.accept(partnership.id, interaction.user.id, now)
            if accepted
            else await partners.decline(partnership.id, interaction.user.id, now)
        )
        if not changed:
            await reply_ephemeral(
                interaction, "This invitation has already been answered or ended."
            )
            return
        log.info("partner invitation answered", extra={"partnership": partnership.id})
        await interaction.response.edit_message(
            embed=render.invitation_answered(accepted, partnership.user_id), view=None
        )
        guild = bot.get_guild(partnership.guild_id)
        name = guild.name if guild else "your server"
        text = (
            render.accepted_dm(partnership.partner_id, name)
            if accepted
            else render.declined_dm(partnership.partner_id, name)
        )
        # If their DMs are closed, `/partner status` shows the answer all the same.
        await bot.dms.send(
            f"partner-answer:{partnership.id}",
            partnership.user_id,
            guild_id=partnership.guild_id,
            content=text,
        )


def invite_view(partnership_id: int) -> discord.ui.View:
    return InviteButton.view(partnership_id)
