"""The invitation's Accept / Not now buttons, in the invited member's DMs (persistent)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.partners import PartnerStatus
from bot.ui.errors import report_interaction_error
from bot.ui.replies import reply_ephemeral
from cogs.partners import render

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.partners")
ANSWERS = {
    "accept": ("Accept", discord.ButtonStyle.success),
    "decline": ("Not now", discord.ButtonStyle.secondary),
}


class InviteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"hearth:partner:(?P<id>[0-9]+):(?P<answer>accept|decline)",
):
    def __init__(self, partnership_id: int, answer: str) -> None:
        label, style = ANSWERS[answer]
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=f"hearth:partner:{partnership_id}:{answer}"
            )
        )
        self.partnership_id = partnership_id
        self.answer = answer

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> InviteButton:
        return cls(int(match["id"]), match["answer"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self._answer(interaction)
        except Exception as error:
            await report_interaction_error(interaction, error)

    async def _answer(self, interaction: discord.Interaction) -> None:
        bot: Hearth = interaction.client  # type: ignore[assignment]
        partners = bot.storage.partners
        partnership = await partners.get(self.partnership_id)
        if partnership is None or interaction.user.id != partnership.partner_id:
            await reply_ephemeral(interaction, "This invitation isn't for you.")
            return
        if partnership.status != PartnerStatus.INVITED:
            await reply_ephemeral(
                interaction, "This invitation has already been answered or ended."
            )
            return
        now = bot.clock.now()
        accepted = self.answer == "accept"
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
    view = discord.ui.View(timeout=None)
    for answer in ANSWERS:
        view.add_item(InviteButton(partnership_id, answer))
    return view
