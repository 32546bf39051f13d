"""How peer support and anonymous shares reach the crisis responder.

The moderator queue's flag service is a service on the bot (`bot.flag_service`); the crisis
responder still lives inside its cog, reached through `bot.get_cog` as the existing code does.
Once it becomes a service on the bot, this function is the only line to change. It is None
when the crisis feature failed to load: callers then carry on without the check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import discord

if TYPE_CHECKING:
    from bot.app import Hearth


class CrisisWords(Protocol):
    async def check_words(
        self,
        guild: discord.Guild,
        author: discord.abc.User,
        text: str,
        *,
        channel: discord.abc.GuildChannel | discord.Thread,
        message: discord.Message | None = None,
    ) -> int | None: ...


def crisis_words(bot: Hearth) -> CrisisWords | None:
    """The crisis responder's check for words Hearth passes on for a member."""
    responder: CrisisWords | None = getattr(bot.get_cog("Helpline"), "responder", None)
    return responder
