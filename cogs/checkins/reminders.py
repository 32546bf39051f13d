"""Private reminder DMs at each member's local time, on days they haven't checked in."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.delivery import Post
from bot.delivery_outcomes import Found, Status
from bot.domain.checkins import Reminder
from bot.domain.delivery import Priority
from bot.domain.due_times import DueReminder, NextDue, next_reminder_due
from bot.domain.local_time import at_local_time, local_date, stored_hhmm
from bot.due_batches import work_through_due
from bot.outbound import priority
from bot.presence import Presence

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.checkins.reminders")

# A reminder that fell due and wasn't handled (a passing fault) is looked at again this soon.
RETRY_AFTER = timedelta(seconds=30)
# A server that is away is looked at again this late at the latest; its return wakes it at once.
AWAY_RECHECK = timedelta(hours=1)


class ReminderSender:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    async def send_due(self, now: datetime) -> int:
        """Send the reminders due by `now`, reading only those whose next-due time has come
        (never every member's), and store each one's next time; returns how many were read."""
        due_times = self.bot.storage.due_times

        async def fetch(limit: int) -> list[DueReminder]:
            return await due_times.due_reminders(now, limit, self.bot.shard_plan)

        async def look(item: DueReminder) -> NextDue:
            reminder = item.reminder
            at = await self._next_look(reminder, now)
            return NextDue((reminder.guild_id, reminder.user_id), item.revision, at)

        return await work_through_due(fetch, look, due_times.reschedule_reminders)

    async def _next_look(self, reminder: Reminder, now: datetime) -> datetime | None:
        if not reminder.enabled:
            return None
        if self.bot.presence.of(reminder.guild_id) != Presence.PRESENT:
            # An outage waits for the server; a server Hearth left gets nothing.
            return now + AWAY_RECHECK
        try:
            with priority(Priority.TIMED):
                await self._send_if_due(reminder, now)
        except Exception:
            log.exception("reminder run failed", extra={"guild": reminder.guild_id})
            return now + RETRY_AFTER
        # Read again: the run may have handled today, or given the day back for a retry.
        after = await self.bot.storage.checkin_schedule.reminder(
            reminder.guild_id, reminder.user_id
        )
        if after is None or not after.enabled:
            return None
        zone = await self.bot.zones.for_member(reminder.user_id, reminder.guild_id)
        return next_reminder_due(
            stored_hhmm(after.local_time),
            zone.name,
            after.handled_date,
            after.active_since,
            now,
            RETRY_AFTER,
        )

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
        guild = self.bot.get_guild(reminder.guild_id)
        where = f" in **{guild.name}**" if guild else ""
        outcome = await self.bot.delivery.send(
            Post(
                key=reminder_key(reminder.guild_id, reminder.user_id, today),
                priority=Priority.TIMED,
                guild_id=reminder.guild_id,
                user_id=reminder.user_id,
                content=f"Hi 👋 would you like to check in today{where}? Run `/checkin` there "
                "whenever you're ready. No pressure.\n"
                "-# You asked for this reminder; `/checkins remind-off` stops it.",
            )
        )
        if outcome.status == Status.DMS_CLOSED:
            await schedule.disable_reminder(
                reminder.guild_id, reminder.user_id, now, reason="dms_closed"
            )
            log.info("reminders switched off: DMs closed", extra={"guild": reminder.guild_id})
            result = "dms_closed"
        elif outcome.lasting:
            # Refused for a reason other than closed DMs: retrying would only be refused again.
            log.warning("reminder refused", extra={"cause": outcome.cause, "code": outcome.code})
            result = "refused"
        elif not outcome.sent:
            # Passing trouble or an outage: the next run retries today.
            await schedule.release_reminder(
                reminder.guild_id, reminder.user_id, today, retry_at=now + RETRY_AFTER
            )
            log.warning("reminder not delivered, will retry", extra={"cause": outcome.cause})
            return
        else:
            result = "sent"
        await schedule.finish_reminder(reminder.guild_id, reminder.user_id, today, result, now)

    async def recover(self) -> int:
        """Settle reminders the last stop left in doubt; returns how many are still unsure."""
        schedule = self.bot.storage.checkin_schedule
        unsure = 0
        for guild_id, user_id, day in await schedule.interrupted_reminders():
            if not self.bot.owns_guild(guild_id):
                continue  # the process that runs its shard settles it
            found = await self.bot.delivery.resolve(reminder_key(guild_id, user_id, day))
            if found.found == Found.SENT:
                await schedule.finish_reminder(guild_id, user_id, day, "sent", self.bot.clock.now())
            elif found.found == Found.NOT_SENT:
                # The next run sends it.
                await schedule.release_reminder(
                    guild_id, user_id, day, retry_at=self.bot.clock.now()
                )
            else:
                unsure += 1
        return unsure


def reminder_key(guild_id: int, user_id: int, day: date) -> str:
    return f"checkin-reminder:{guild_id}:{user_id}:{day.isoformat()}"
