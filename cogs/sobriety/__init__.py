"""Sobriety counters and milestone celebrations."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.recovery import recover_in_background
from cogs.sobriety.celebrations import CongratulateButton, MilestoneCelebrator
from cogs.sobriety.member_commands import Sobriety
from cogs.sobriety.milestone_commands import Milestones
from cogs.sobriety.roles import MilestoneRoles

if TYPE_CHECKING:
    from bot.app import Hearth

DUE_JOB = "milestones:due"
# Milestones fall on local days; a run each minute celebrates soon after each local midnight.
# A run reads only counters whose stored next-due time has come, through an index, so a run
# with nothing due is one indexed query however many counters are stored.
DUE_INTERVAL = timedelta(minutes=1)


class MilestoneSchedule(commands.Cog):
    def __init__(self, bot: Hearth, celebrator: MilestoneCelebrator) -> None:
        self.bot = bot
        self.celebrator = celebrator

    async def cog_load(self) -> None:
        if not self.bot.owns_timed_work:
            return
        # A celebration the last stop left in doubt is looked up in Discord before any retry.
        recover_in_background(self.bot, "milestones", self.recover)
        self.bot.scheduler.run_every(DUE_JOB, DUE_INTERVAL, self.run_due)
        self.bot.presence.on_return("milestones", self.server_back)

    async def cog_unload(self) -> None:
        self.bot.scheduler.cancel(DUE_JOB)
        self.bot.presence.forget("milestones")

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # Celebrate at once whatever fell due while Hearth was down (one run at a time).
        if not self.bot.owns_timed_work:
            return
        self.bot.background.spawn(self.bot.scheduler.run_now(DUE_JOB), name="milestones catch-up")

    async def recover(self) -> int:
        """Settle celebrations the last stop left in doubt. Those given back (never posted)
        are celebrated at once, as a given-back meeting reminder is, not at the next run:
        after a failover the catch-up run has usually passed them by already."""
        unsure, released = await self.celebrator.recover()
        if released:
            await self.bot.scheduler.run_now(DUE_JOB)
        return unsure

    async def server_back(self, guild_id: int) -> None:
        """Counters of a server that was away were set aside: look at them all again now."""
        await self.bot.storage.due_times.guild_due_again(
            guild_id, self.bot.clock.now(), counters=True, reminders=False, prompt=False
        )
        await self.bot.scheduler.run_now(DUE_JOB)

    async def run_due(self) -> None:
        await self.bot.wait_until_ready()
        await self.celebrator.celebrate_due(self.bot.clock.now())


async def setup(bot: Hearth) -> None:
    roles = MilestoneRoles(bot)
    celebrator = MilestoneCelebrator(bot, roles)
    bot.add_dynamic_items(CongratulateButton)
    await bot.add_cog(Sobriety(bot, celebrator, roles))
    await bot.add_cog(Milestones(bot))
    await bot.add_cog(MilestoneSchedule(bot, celebrator))
