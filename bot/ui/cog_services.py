"""How peer support and anonymous shares reach the crisis responder: the service built once on
the bot in `bot/app.py` (`bot.crisis_responder`)."""

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


def crisis_words(bot: Hearth) -> CrisisWords:
    """The crisis responder's check for words Hearth passes on for a member."""
    return bot.crisis_responder
