"""Timed work for meetings: each meeting has one job, set to the next moment it needs attention.

Every run re-reads the meeting from the database and decides from the clock and the delivery
records what is due, so a restart, a duplicate run or a late run neither repeats nor loses a
reminder.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord

from bot.delivery import Post
from bot.delivery_outcomes import Found, Outcome, Status
from bot.domain.delivery import Priority
from bot.domain.meetings import (
    CANCELLED_KIND,
    Meeting,
    first_wake,
    going_kind,
    plan,
    reminder_kind,
    upcoming,
)
from bot.outbound import priority
from bot.presence import Presence
from bot.ui.mentions import pings_only
from cogs.meetings import render
from cogs.meetings.events import EventMirror
from cogs.meetings.rsvp import rsvp_view

if TYPE_CHECKING:
    from bot.app import Hearth
    from bot.domain.meeting_types import MeetingTypes

log = logging.getLogger("hearth.meetings")
RETRY_AFTER = timedelta(minutes=1)
SCHEDULE_CHUNK = 50  # about 0.16 ms each: a chunk holds the loop under 10 ms


def job_id(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def delivery_key(meeting_id: int, occurrence: datetime, kind: str) -> str:
    return f"meeting:{meeting_id}:{int(occurrence.timestamp())}:{kind}"


class MeetingService:
    def __init__(self, bot: Hearth, types: MeetingTypes) -> None:
        self.bot = bot
        self.types = types
        self.events = EventMirror(bot)
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._imports: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def load_all(self) -> int:
        """At start: one job per meeting, at once if something is due (missed while down)."""
        now = self.bot.clock.now()
        repo = self.bot.storage.meetings
        skips = await repo.all_skips()
        delivered = await repo.delivered_since(now - timedelta(days=1))
        # Only the servers on this process's shards (all of them with one process).
        meetings = await repo.everything(self.bot.shard_plan)
        for guild_id in {meeting.guild_id for meeting in meetings}:
            self.events.request(guild_id)

        def wakes() -> list[tuple[int, datetime]]:
            found = []
            for meeting in meetings:
                skipped = skips.get(meeting.id, set())
                occurrence = upcoming(meeting, now, skipped)
                kinds = delivered.get((meeting.id, occurrence), set()) if occurrence else set()
                decided = plan(meeting, now, skipped, kinds)
                wake = now if decided.act_now else decided.wake_at
                if wake is not None:
                    found.append((meeting.id, wake))
            return found

        # Tens of thousands of meetings per process: worked out off the loop, added in chunks.
        await self._add_jobs(await asyncio.to_thread(wakes))
        return len(meetings)

    async def _add_jobs(self, wakes: list[tuple[int, datetime]]) -> None:
        for start in range(0, len(wakes), SCHEDULE_CHUNK):
            for meeting_id, wake in wakes[start : start + SCHEDULE_CHUNK]:
                self.bot.scheduler.run_once(job_id(meeting_id), wake, self.run, meeting_id)
            await asyncio.sleep(0)  # let others in between chunks

    async def schedule_many(self, meetings: list[Meeting]) -> None:
        """Jobs for many meetings just stored (an import) without holding the event loop: the
        first wake of each is worked out off the loop, and the jobs are added in chunks."""
        now = self.bot.clock.now()
        wakes = await asyncio.to_thread(lambda: [(m.id, first_wake(m, now)) for m in meetings])
        await self._add_jobs([(meeting_id, wake) for meeting_id, wake in wakes if wake is not None])

    def schedule_soon(self, meeting_id: int) -> None:
        self.bot.scheduler.run_once(job_id(meeting_id), self.bot.clock.now(), self.run, meeting_id)

    def import_lock(self, guild_id: int) -> asyncio.Lock:
        """One import at a time per server: two at once would both add the same new slugs."""
        return self._imports[guild_id]

    def lock(self, meeting_id: int) -> asyncio.Lock:
        """Held by every run and every organizer change, so they never interleave."""
        return self._locks[meeting_id]

    async def run(self, meeting_id: int) -> None:
        await self.bot.wait_until_ready()
        async with self._locks[meeting_id]:
            meeting = await self.bot.storage.meetings.get(meeting_id)
            if meeting is None or meeting.archived:
                # Deleted, or left its feed: silent until it comes back (which schedules it).
                self.bot.scheduler.cancel(job_id(meeting_id))
                return
            if self.bot.presence.of(meeting.guild_id) != Presence.PRESENT:
                # An outage or a server Hearth left: nothing now; resume_guild picks it up
                # when the server is back.
                return
            with priority(Priority.TIMED):
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
        key = delivery_key(meeting.id, occurrence, kind)
        channel_id = await self._announce_channel_id(meeting)
        if channel_id is None:
            await repo.finish(meeting.id, occurrence, kind, "failed", now)
            await self.report_failure(meeting, None, "no announcement channel is set", key)
            return False
        going, not_going = await repo.rsvp_counts(meeting.id, occurrence)
        content = render.reminder_text(meeting, occurrence, offset)
        mentions = discord.AllowedMentions.none()
        if meeting.ping_role_id:
            content = f"<@&{meeting.ping_role_id}> {content}"
            mentions = pings_only(roles=[meeting.ping_role_id])
        outcome = await self.bot.delivery.send(
            Post(
                key=key,
                priority=Priority.TIMED,
                guild_id=meeting.guild_id,
                channel_id=channel_id,
                content=content,
                embed=render.meeting_embed(meeting, occurrence, self.types),
                view=rsvp_view(meeting.id, occurrence, going, not_going),
                allowed_mentions=mentions,
            )
        )
        retry = await self._settle(meeting, occurrence, kind, outcome, now)
        if outcome.lasting:
            await self.report_failure(meeting, channel_id, outcome.cause or "", key)
        elif outcome.sent:
            log.info("meeting reminder posted", extra={"meeting": meeting.id})
        return retry

    async def _settle(
        self, meeting: Meeting, occurrence: datetime, kind: str, outcome: Outcome, now: datetime
    ) -> bool:
        """Record what became of one delivery; True when it should be tried again soon."""
        repo = self.bot.storage.meetings
        if outcome.sent:
            await repo.finish(
                meeting.id, occurrence, kind, "sent", now, outcome.channel_id, outcome.message_id
            )
        elif outcome.status == Status.DMS_CLOSED:
            # DMs closed: skipped, as the member chose; no error for anyone.
            await repo.finish(meeting.id, occurrence, kind, "skipped", now)
        elif outcome.lasting:
            await repo.finish(meeting.id, occurrence, kind, "failed", now)
        else:
            # Passing trouble, an outage (resumed when the server is back) or a server Hearth
            # has left: given back, nothing reported.
            await repo.release(meeting.id, occurrence, kind)
            if outcome.status == Status.FAILED:
                log.warning(
                    "meeting delivery not made, will retry",
                    extra={"meeting": meeting.id, "cause": outcome.cause},
                )
            return outcome.status == Status.FAILED
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
                left = await self.bot.membership.has_left(meeting.guild_id, user_id)
            except Exception:
                await repo.release(meeting.id, occurrence, kind)
                retry = True
                continue
            if left:
                await repo.finish(meeting.id, occurrence, kind, "skipped", now)
                continue
            outcome = await self.bot.delivery.send(
                Post(
                    key=delivery_key(meeting.id, occurrence, kind),
                    priority=Priority.TIMED,
                    guild_id=meeting.guild_id,
                    user_id=user_id,
                    content=render.nudge_text(meeting, occurrence, guild.name if guild else None),
                )
            )
            retry |= await self._settle(meeting, occurrence, kind, outcome, now)
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
        key = delivery_key(meeting.id, occurrence, CANCELLED_KIND)
        channel_id = announced[-1].channel_id
        outcome = await self.bot.delivery.send(
            Post(
                key=key,
                priority=Priority.FOLLOWUP,
                guild_id=meeting.guild_id,
                channel_id=channel_id,
                content=render.cancelled_text(meeting, occurrence),
                # The name is the organizer's text: a mention in it shows but never pings.
                allowed_mentions=pings_only(),
            )
        )
        if outcome.sent:
            await repo.finish(meeting.id, occurrence, CANCELLED_KIND, "sent", now, channel_id)
            return True
        await repo.finish(meeting.id, occurrence, CANCELLED_KIND, "failed", now)
        if outcome.status not in (Status.GONE, Status.PAUSED):
            await self.report_failure(
                meeting, channel_id, f"the cancellation couldn't be posted: {outcome.cause}", key
            )
        return False

    async def recover(self) -> int:
        """Settle deliveries the last stop left in doubt; returns how many Discord couldn't
        answer for yet."""
        repo = self.bot.storage.meetings
        unsure = 0
        for claim in await repo.interrupted():
            meeting = await repo.get(claim.meeting_id)
            if meeting is not None and not self.bot.owns_guild(meeting.guild_id):
                continue  # the process that runs its shard settles it
            key = delivery_key(claim.meeting_id, claim.occurrence, claim.kind)
            found = await self.bot.delivery.resolve(key)
            if found.found == Found.SENT:
                await repo.finish(
                    claim.meeting_id,
                    claim.occurrence,
                    claim.kind,
                    "sent",
                    self.bot.clock.now(),
                    found.channel_id,
                    found.message_id,
                )
            elif found.found == Found.NOT_SENT:
                await repo.release(claim.meeting_id, claim.occurrence, claim.kind)
                self.schedule_soon(claim.meeting_id)
            else:
                unsure += 1
        return unsure

    async def resume_guild(self, guild_id: int) -> None:
        """The server is back (or Hearth was added back): do what is due, then carry on."""
        for meeting in await self.bot.storage.meetings.for_guild(guild_id):
            self.schedule_soon(meeting.id)
        self.events.request(guild_id)

    async def _announce_channel_id(self, meeting: Meeting) -> int | None:
        if meeting.announce_channel_id:
            return meeting.announce_channel_id
        return (await self.bot.guild_configs.get(meeting.guild_id)).announcements_channel_id

    async def report_failure(
        self, meeting: Meeting, channel_id: int | None, reason: str, key: str
    ) -> None:
        """Never let a lost announcement vanish: tell the moderators, else the organizer."""
        text = render.failure_text(meeting, channel_id, reason)
        await self.bot.storage.guild_extras.raise_alert(
            meeting.guild_id, f"meeting-{meeting.id}", text, self.bot.clock.now()
        )
        config = await self.bot.guild_configs.get(meeting.guild_id)
        notice = Post(
            key=f"notice:{key}",
            priority=Priority.URGENT,
            guild_id=meeting.guild_id,
            channel_id=config.mod_queue_channel_id,
            content=text,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        outcome = await self.bot.delivery.send(notice) if notice.channel_id else None
        if outcome is None or outcome.lasting:
            outcome = await self.bot.delivery.send(
                replace(notice, key=f"notice:{key}:dm", channel_id=None, user_id=meeting.created_by)
            )
        if not outcome.sent:
            log.error(
                "meeting failure could not be reported",
                extra={"meeting": meeting.id, "cause": outcome.cause},
            )
