"""Peer supporters: /support and the check-in's Ask for support reach a peer first, in a
private thread; boundaries for supporters; numbers for moderators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.peers.buttons import DYNAMIC_ITEMS
from cogs.peers.cog import PeerSupport

if TYPE_CHECKING:
    from bot.app import Hearth


async def setup(bot: Hearth) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(PeerSupport(bot))
