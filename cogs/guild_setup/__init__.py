"""/hearth setup, config and status: how a server admin configures Hearth."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.guild_setup.commands import GuildSetup

if TYPE_CHECKING:
    from bot.app import Hearth


async def setup(bot: Hearth) -> None:
    await bot.add_cog(GuildSetup(bot))
