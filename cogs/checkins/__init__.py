"""Daily check-ins: /checkin, /checkins, the daily prompt and reminders."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.recovery import recover_in_background
from cogs.checkins.member_commands import Checkins
from cogs.checkins.prompt import DailyPromptPoster, PromptView
from cogs.checkins.recording import CheckinRecorder
from cogs.checkins.reminders import ReminderSender

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.checkins")

DUE_JOB = "checkins:due"
# Prompts and reminders are set to the minute, so a run every 30 s is never more than 30 s late.
# A run reads only the reminders and servers whose stored next-due time has come, through an
# index, so a run with nothing due is two indexed queries however many members are stored.
DUE_INTERVAL = timedelta(seconds=30)


class CheckinSchedule(commands.Cog):
    """Owns the timed work: the daily prompt and reminders, rebuilt from the database."""

    def __init__(self, bot: Hearth, poster: DailyPromptPoster, sender: ReminderSender) -> None:
        self.bot = bot
        self.poster = poster
        self.sender = sender

    async def cog_load(self) -> None:
        if not self.bot.owns_timed_work:
            return
        # Prompts and reminders the last stop left in doubt are looked up in Discord first.
        recover_in_background(self.bot, "daily prompts", self.poster.recover)
        recover_in_background(self.bot, "check-in reminders", self.sender.recover)
        self.bot.scheduler.run_every(DUE_JOB, DUE_INTERVAL, self.run_due)
        self.bot.presence.on_return("checkins", self.server_back)

    async def cog_unload(self) -> None:
        self.bot.scheduler.cancel(DUE_JOB)
        self.bot.presence.forget("checkins")

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # Catch up at once on whatever fell due while Hearth was down (one run at a time).
        if not self.bot.owns_timed_work:
            return
        self.bot.background.spawn(self.bot.scheduler.run_now(DUE_JOB), name="checkins catch-up")

    async def server_back(self, guild_id: int) -> None:
        """A server that was away had its prompt and reminders set aside: look again now."""
        await self.bot.storage.due_times.guild_due_again(
            guild_id, self.bot.clock.now(), counters=False, reminders=True, prompt=True
        )
        await self.bot.scheduler.run_now(DUE_JOB)

    async def run_due(self) -> None:
        await self.bot.wait_until_ready()
        now = self.bot.clock.now()
        await self.poster.post_due(now)
        await self.sender.send_due(now)


async def setup(bot: Hearth) -> None:
    recorder = CheckinRecorder(bot)
    view = PromptView()
    bot.add_view(view)
    await bot.add_cog(Checkins(bot, recorder))
    await bot.add_cog(CheckinSchedule(bot, DailyPromptPoster(bot, view), ReminderSender(bot)))
