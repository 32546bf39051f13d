"""Timed work for meetings: each meeting has one job, set to the next moment it needs attention.

Every run re-reads the meeting from the database and decides from the clock and the delivery
records what is due, so a restart, a duplicate run or a late run neither repeats nor loses a
reminder.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord

from bot.domain.meetings import (
    CANCELLED_KIND,
    Meeting,
    going_kind,
    plan,
    reminder_kind,
    upcoming,
)
from bot.ui.mentions import pings_only
from cogs.meetings import render
from cogs.meetings.events import EventMirror
from cogs.meetings.rsvp import rsvp_view

if TYPE_CHECKING:
    from bot.app import Hearth
    from bot.domain.meeting_types import MeetingTypes

log = logging.getLogger("hearth.meetings")
RETRY_AFTER = timedelta(minutes=1)


def job_id(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


class MeetingService:
    def __init__(self, bot: Hearth, types: MeetingTypes) -> None:
        self.bot = bot
        self.types = types
        self.events = EventMirror(bot)
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def load_all(self) -> int:
        """At start: one job per meeting, at once if something is due (missed while down)."""
        now = self.bot.clock.now()
        repo = self.bot.storage.meetings
        skips = await repo.all_skips()
        delivered = await repo.delivered_since(now - timedelta(days=1))
        meetings = await repo.everything()
        for meeting in meetings:
            skipped = skips.get(meeting.id, set())
            occurrence = upcoming(meeting, now, skipped)
            kinds = delivered.get((meeting.id, occurrence), set()) if occurrence else set()
            decided = plan(meeting, now, skipped, kinds)
            wake = now if decided.act_now else decided.wake_at
            if wake is not None:
                self.bot.scheduler.run_once(job_id(meeting.id), wake, self.run, meeting.id)
        return len(meetings)

    def schedule_soon(self, meeting_id: int) -> None:
        self.bot.scheduler.run_once(job_id(meeting_id), self.bot.clock.now(), self.run, meeting_id)

    def lock(self, meeting_id: int) -> asyncio.Lock:
        """Held by every run and every organizer change, so they never interleave."""
        return self._locks[meeting_id]

    async def run(self, meeting_id: int) -> None:
        await self.bot.wait_until_ready()
        async with self._locks[meeting_id]:
            meeting = await self.bot.storage.meetings.get(meeting_id)
            if meeting is None:
                self.bot.scheduler.cancel(job_id(meeting_id))
                return
            await self._run(meeting)

    async def _run(self, meeting: Meeting) -> None:
        """Do what is due, then schedule the next run (sooner if something must be retried)."""
        repo = self.bot.storage.meetings
        now = self.bot.clock.now()
        skipped = await repo.skips(meeting.id)
        occurrence = upcoming(meeting, now, skipped)
        delivered = await repo.delivered(meeting.id, occurrence) if occurrence else {}
        decided = plan(meeting, now, skipped, delivered.keys())
        retry = False
        if occurrence is not None:
            for offset in decided.superseded:
                if await repo.claim(meeting.id, occurrence, reminder_kind(offset), now):
                    await repo.finish(meeting.id, occurrence, reminder_kind(offset), "skipped", now)
            if decided.send is not None:
                retry |= await self._announce(meeting, occurrence, decided.send, now)
            if decided.nudge_going:
                retry |= await self._nudge(meeting, occurrence, now)
        await self.events.sync(meeting, now, skipped)
        wake = decided.wake_at
        if retry:
            wake = min(wake, now + RETRY_AFTER) if wake else now + RETRY_AFTER
        if wake is not None:
            self.bot.scheduler.run_once(job_id(meeting.id), wake, self.run, meeting.id)

    async def _announce(
        self, meeting: Meeting, occurrence: datetime, offset: timedelta, now: datetime
    ) -> bool:
        repo = self.bot.storage.meetings
        kind = reminder_kind(offset)
        if not await repo.claim(meeting.id, occurrence, kind, now):
            return False
        channel_id = await self._announce_channel_id(meeting)
        channel = self.bot.get_channel(channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            await repo.finish(meeting.id, occurrence, kind, "failed", now)
            await self.report_failure(meeting, channel_id, "the announcement channel is missing")
            return False
        going, not_going = await repo.rsvp_counts(meeting.id, occurrence)
        content = render.reminder_text(meeting, occurrence, offset)
        mentions = discord.AllowedMentions.none()
        if meeting.ping_role_id:
            content = f"<@&{meeting.ping_role_id}> {content}"
            mentions = pings_only(roles=[meeting.ping_role_id])
        try:
            message = await channel.send(
                content,
                embed=render.meeting_embed(meeting, occurrence, self.types),
                view=rsvp_view(meeting.id, occurrence, going, not_going),
                allowed_mentions=mentions,
            )
        except (discord.Forbidden, discord.NotFound):
            await repo.finish(meeting.id, occurrence, kind, "failed", now)
            await self.report_failure(meeting, channel.id, "Hearth isn't allowed to post there")
            return False
        except Exception as exc:
            await repo.release(meeting.id, occurrence, kind)
            log.warning(
                "meeting reminder not posted, will retry",
                extra={"meeting": meeting.id, "error": type(exc).__name__},
            )
            return True
        await repo.finish(meeting.id, occurrence, kind, "sent", now, channel.id, message.id)
        log.info("meeting reminder posted", extra={"meeting": meeting.id})
        return False

    async def _nudge(self, meeting: Meeting, occurrence: datetime, now: datetime) -> bool:
        repo = self.bot.storage.meetings
        guild = self.bot.get_guild(meeting.guild_id)
        retry = False
        for user_id in await repo.going(meeting.id, occurrence):
            kind = going_kind(user_id)
            if not await repo.claim(meeting.id, occurrence, kind, now):
                continue
            try:
                if await self.bot.membership.has_left(meeting.guild_id, user_id):
                    await repo.finish(meeting.id, occurrence, kind, "skipped", now)
                    continue
                dm = await self.bot.create_dm(discord.Object(user_id))
                await dm.send(render.nudge_text(meeting, occurrence, guild.name if guild else None))
            except discord.Forbidden:
                # DMs closed: skipped, as the member chose; no error for anyone.
                await repo.finish(meeting.id, occurrence, kind, "skipped", now)
                continue
            except Exception:
                await repo.release(meeting.id, occurrence, kind)
                retry = True
                continue
            await repo.finish(meeting.id, occurrence, kind, "sent", now)
        return retry

    async def cancel_occurrence(self, meeting: Meeting, occurrence: datetime) -> bool:
        """Post a cancellation if the occurrence was already announced; True if posted."""
        repo = self.bot.storage.meetings
        now = self.bot.clock.now()
        records = await repo.delivered(meeting.id, occurrence)
        announced = [
            r for k, r in records.items() if k.startswith("reminder:") and r.status == "sent"
        ]
        if not announced or not await repo.claim(meeting.id, occurrence, CANCELLED_KIND, now):
            return False
        channel = self.bot.get_channel(announced[-1].channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            await repo.finish(meeting.id, occurrence, CANCELLED_KIND, "failed", now)
            await self.report_failure(
                meeting,
                None,
                "the cancellation couldn't be posted: the announcement channel is missing",
            )
            return False
        try:
            # The name is the organizer's text: a mention in it shows but never pings.
            await channel.send(
                render.cancelled_text(meeting, occurrence), allowed_mentions=pings_only()
            )
        except discord.HTTPException:
            await repo.finish(meeting.id, occurrence, CANCELLED_KIND, "failed", now)
            await self.report_failure(meeting, channel.id, "the cancellation couldn't be posted")
            return False
        await repo.finish(meeting.id, occurrence, CANCELLED_KIND, "sent", now, channel.id)
        return True

    async def _announce_channel_id(self, meeting: Meeting) -> int | None:
        if meeting.announce_channel_id:
            return meeting.announce_channel_id
        return (await self.bot.guild_configs.get(meeting.guild_id)).announcements_channel_id

    async def report_failure(self, meeting: Meeting, channel_id: int | None, reason: str) -> None:
        """Never let a lost announcement vanish: tell the moderators, else the organizer."""
        text = render.failure_text(meeting, channel_id, reason)
        await self.bot.storage.guild_extras.raise_alert(
            meeting.guild_id, f"meeting-{meeting.id}", text, self.bot.clock.now()
        )
        config = await self.bot.guild_configs.get(meeting.guild_id)
        queue = self.bot.get_channel(config.mod_queue_channel_id or 0)
        if isinstance(queue, discord.TextChannel):
            try:
                await queue.send(text, allowed_mentions=discord.AllowedMentions.none())
                return
            except discord.HTTPException:
                log.warning("moderator queue refused a meeting failure notice")
        try:
            dm = await self.bot.create_dm(discord.Object(meeting.created_by))
            await dm.send(text)
        except discord.HTTPException:
            log.error("meeting failure could not be reported", extra={"meeting": meeting.id})
