"""Meetings and announcements: recurring meetings, reminders, RSVPs, Events, calendar, import."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.meeting_data import load_meeting_types
from bot.recovery import recover_in_background
from cogs.meetings.announcing import Announce, AnnouncementService
from cogs.meetings.digest import DigestService
from cogs.meetings.meeting_commands import Meetings
from cogs.meetings.rsvp import RsvpButton
from cogs.meetings.service import MeetingService

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.meetings")


class MeetingJobs(commands.Cog):
    """Rebuilds every meeting's and announcement's job from the database when loaded."""

    def __init__(
        self,
        bot: Hearth,
        meetings: MeetingService,
        announcements: AnnouncementService,
        digests: DigestService,
    ) -> None:
        self.bot = bot
        self.meetings = meetings
        self.announcements = announcements
        self.digests = digests

    async def cog_load(self) -> None:
        if not self.bot.owns_timed_work:
            return
        started = time.perf_counter()
        # Deliveries the last stop left in doubt are looked up in Discord before any is retried.
        recover_in_background(self.bot, "meetings", self.meetings.recover)
        recover_in_background(self.bot, "announcements", self.announcements.recover)
        recover_in_background(self.bot, "meeting digests", self.digests.recover)
        self.bot.presence.on_return("meetings", self.meetings.resume_guild)
        self.bot.presence.on_return("announcements", self.announcements.resume_guild)
        self.bot.presence.on_return("meeting digests", self.digests.resume_guild)
        count = await self.meetings.load_all()
        await self.announcements.load_all()
        await self.digests.load_all()
        log.info(
            "meetings scheduled",
            extra={"meetings": count, "seconds": f"{time.perf_counter() - started:.3f}"},
        )

    async def cog_unload(self) -> None:
        self.bot.presence.forget("meetings")
        self.bot.presence.forget("announcements")
        self.bot.presence.forget("meeting digests")
        for prefix in ("meeting:", "meeting-events:", "meeting-digest:", "announce:"):
            self.bot.scheduler.cancel_prefix(prefix)


async def setup(bot: Hearth) -> None:
    service = MeetingService(bot, load_meeting_types())
    announcements = AnnouncementService(bot)
    digests = DigestService(bot)
    meetings_cog = Meetings(bot, service, digests)
    bot.add_dynamic_items(RsvpButton)
    await bot.add_cog(meetings_cog)
    await bot.add_cog(Announce(bot, announcements, meetings_cog.organizing))
    await bot.add_cog(MeetingJobs(bot, service, announcements, digests))
