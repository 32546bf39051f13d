"""Moderator escalation: reports, the queue's commands, and watching the queue's privacy.

The flag service itself (cards, buttons, escalation, alerts) is `bot.flag_service`, built in
app.py, because check-ins and crisis detection raise flags too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.modqueue.commands import ModQueue
from cogs.modqueue.listeners import QueueWatch

if TYPE_CHECKING:
    from bot.app import Hearth


async def setup(bot: Hearth) -> None:
    await bot.add_cog(ModQueue(bot, bot.flag_service))
    await bot.add_cog(QueueWatch(bot, bot.flag_service))
