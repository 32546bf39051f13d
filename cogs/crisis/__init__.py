"""Crisis support: /helpline, crisis-language detection and a safe private response."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.crisis_model import learned_model
from cogs.crisis.commands import CrisisSettings, Helpline
from cogs.crisis.stats import RuleSwitch

if TYPE_CHECKING:
    from bot.app import Hearth


async def setup(bot: Hearth) -> None:
    # The learned stage's weights take up to a second to read: off the loop, once per process.
    await asyncio.to_thread(learned_model)
    bot.add_dynamic_items(RuleSwitch)
    await bot.add_cog(Helpline(bot))
    await bot.add_cog(CrisisSettings(bot))
