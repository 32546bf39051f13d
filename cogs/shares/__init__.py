"""Anonymous shares: /share posts a member's words as "A member shared:", without their name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.shares.buttons import ShareButton
from cogs.shares.commands import Shares

if TYPE_CHECKING:
    from bot.app import Hearth


async def setup(bot: Hearth) -> None:
    bot.add_dynamic_items(ShareButton)
    await bot.add_cog(Shares(bot))
