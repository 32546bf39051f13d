"""How peer support, partners and shares reach the moderator queue and the crisis responder.

Both still live inside their cogs, reached through `bot.get_cog` as the existing code does; once
they become services on the bot, these two functions are the only lines to change. Either may be
None when its feature failed to load: callers then tell the member kindly and carry on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import discord

from bot.domain.flags import Flag
from bot.storage.flags import NewFlag

if TYPE_CHECKING:
    from bot.app import Hearth


class FlagRaiser(Protocol):
    async def raise_flag(
        self,
        new: NewFlag,
        *,
        message_text: str | None = None,
        jump_url: str | None = None,
        reporter: int | None = None,
        reason: str | None = None,
    ) -> tuple[Flag, bool]: ...


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


def flag_service(bot: Hearth) -> FlagRaiser | None:
    """The moderator queue's flag service (the ONE adapter to switch when it moves)."""
    service: FlagRaiser | None = getattr(bot.get_cog("ModQueue"), "service", None)
    return service


def crisis_words(bot: Hearth) -> CrisisWords | None:
    """The crisis responder's check for words Hearth passes on for a member."""
    responder: CrisisWords | None = getattr(bot.get_cog("Helpline"), "responder", None)
    return responder
