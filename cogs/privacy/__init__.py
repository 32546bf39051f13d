"""Data rights: /privacy export and delete, note retention and erasing servers that left."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.privacy.commands import DataRights
from cogs.privacy.erasure import MemberEraser
from cogs.privacy.upkeep import PrivacyUpkeep

if TYPE_CHECKING:
    from bot.app import Hearth


async def setup(bot: Hearth) -> None:
    await bot.add_cog(DataRights(bot, MemberEraser(bot)))
    await bot.add_cog(PrivacyUpkeep(bot))
