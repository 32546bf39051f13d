"""Private reminder DMs at each member's local time, on days they haven't checked in."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.discord_codes import DMS_CLOSED
from bot.domain.checkins import Reminder
from bot.domain.local_time import at_local_time, local_date, stored_hhmm

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.checkins.reminders")


class ReminderSender:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    async def send_due(self, now: datetime) -> None:
        for reminder in await self.bot.storage.checkin_schedule.enabled_reminders():
            if self.bot.get_guild(reminder.guild_id) is None:
                continue  # Hearth is no longer in that server
            try:
                await self._send_if_due(reminder, now)
            except Exception:
                log.exception("reminder run failed", extra={"guild": reminder.guild_id})

    async def _send_if_due(self, reminder: Reminder, now: datetime) -> None:
        remind_at = stored_hhmm(reminder.local_time)
        zone = await self.bot.zones.for_member(reminder.user_id, reminder.guild_id)
        today = local_date(now, zone.name)
        if reminder.handled_date == today:
            return
        due = at_local_time(today, remind_at, zone.name)
        # Due once per local day, from its time until midnight (so one missed while Hearth was
        # down still goes out), and never for a day whose time had passed when it was set up.
        if now < due or due < reminder.active_since:
            return
        schedule = self.bot.storage.checkin_schedule
        if await self.bot.storage.checkins.exists(reminder.guild_id, reminder.user_id, today):
            await schedule.mark_handled(reminder.guild_id, reminder.user_id, today)
            return
        if await self.bot.membership.has_left(reminder.guild_id, reminder.user_id):
            return  # their reminders here are now off; nothing is sent
        if not await schedule.claim_reminder(reminder.guild_id, reminder.user_id, today, now):
            return
        try:
            outcome = await self._deliver(reminder, now)
        except discord.Forbidden as exc:
            # Refused for a reason other than closed DMs: retrying would only be refused again.
            log.warning("reminder refused", extra={"status": exc.status, "code": exc.code})
            outcome = "refused"
        except Exception as exc:
            # Passing trouble (Discord 5xx, a dropped connection): the next run retries today.
            await schedule.release_reminder(reminder.guild_id, reminder.user_id, today)
            log.warning("reminder not delivered, will retry", extra={"error": type(exc).__name__})
            return
        await schedule.finish_reminder(reminder.guild_id, reminder.user_id, today, outcome, now)

    async def _deliver(self, reminder: Reminder, now: datetime) -> str:
        guild = self.bot.get_guild(reminder.guild_id)
        where = f" in **{guild.name}**" if guild else ""
        try:
            channel = await self.bot.create_dm(discord.Object(reminder.user_id))
            await channel.send(
                f"Hi 👋 would you like to check in today{where}? Run `/checkin` there whenever "
                "you're ready. No pressure.\n"
                "-# You asked for this reminder; `/checkins remind-off` stops it."
            )
        except discord.Forbidden as exc:
            if exc.code != DMS_CLOSED:
                raise
            await self.bot.storage.checkin_schedule.disable_reminder(
                reminder.guild_id, reminder.user_id, now, reason="dms_closed"
            )
            log.info("reminders switched off: DMs closed", extra={"guild": reminder.guild_id})
            return "dms_closed"
        return "sent"
