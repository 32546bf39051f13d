"""Accountability partners: a member shares exactly what they choose with people they trust."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.partners.buttons import InviteButton
from cogs.partners.commands import Partners

if TYPE_CHECKING:
    from bot.app import Hearth


async def setup(bot: Hearth) -> None:
    bot.add_dynamic_items(InviteButton)
    await bot.add_cog(Partners(bot))
