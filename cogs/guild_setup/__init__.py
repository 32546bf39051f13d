"""/hearth setup, clear, config and status: how a server admin configures Hearth."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.guild_setup.clearing import add_clear_command
from cogs.guild_setup.commands import GuildSetup
from cogs.guild_setup.privacy_settings import add_privacy_commands

if TYPE_CHECKING:
    from bot.app import Hearth


async def setup(bot: Hearth) -> None:
    cog = GuildSetup(bot)
    add_privacy_commands(cog.hearth, bot)  # /hearth retention and /hearth forget
    add_clear_command(cog.hearth, bot)  # /hearth clear
    await bot.add_cog(cog)
