"""Crisis support: /helpline, crisis-language detection and a safe private response."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.crisis.commands import CrisisSettings, Helpline
from cogs.crisis.lines import HelplineLookup
from cogs.crisis.responder import CrisisResponder
from cogs.crisis.stats import RuleSwitch

if TYPE_CHECKING:
    from bot.app import Hearth


async def setup(bot: Hearth) -> None:
    bot.add_dynamic_items(RuleSwitch)
    lookup = HelplineLookup(bot, bot.helplines)
    responder = CrisisResponder(bot, lookup)
    await bot.add_cog(Helpline(bot, lookup, responder))
    await bot.add_cog(CrisisSettings(bot))
