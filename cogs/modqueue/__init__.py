"""Moderator escalation: reports, the queue's cards and buttons, timed escalation, audit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.modqueue.buttons import FlagButton, SupportButton
from cogs.modqueue.commands import ModQueue
from cogs.modqueue.listeners import QueueWatch
from cogs.modqueue.service import FlagService

if TYPE_CHECKING:
    from bot.app import Hearth


async def setup(bot: Hearth) -> None:
    bot.add_dynamic_items(FlagButton, SupportButton)
    service = FlagService(bot)
    await bot.add_cog(ModQueue(bot, service))
    await bot.add_cog(QueueWatch(bot, service))
