"""Mirroring the soonest meetings into the server's Discord scheduled events.

Discord keeps at most 100 uncompleted scheduled events per server, shared with the events the
server's own people create. One job per server (`meeting-events:<guild>`) lists the server's
events, works out how many Hearth may use (`bot.domain.meeting_events`), and makes the Events
list show exactly the soonest meetings: entries for meetings that dropped out (or were archived
or deleted) are removed first, then the rest are created or moved on. It runs again when the
first mirrored meeting ends, and whenever organizers change meetings.

Restart-safe: an event Hearth created but had not yet recorded (a stop between the two) is
found in the listing by its creator, name and start and adopted, never created twice; one that
matches no meeting is removed.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from bot.delivery_outcomes import MISSING_PERMISSIONS
from bot.discord_codes import MAX_SCHEDULED_EVENTS
from bot.domain.delivery import Priority
from bot.domain.meeting_events import ALERT_TOPIC, soonest, window_for
from bot.domain.meetings import Meeting, current_or_next, upcoming
from bot.outbound import priority
from bot.presence import Presence

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.meetings.events")
RETRY_AFTER = timedelta(minutes=1)
FULL_RETRY_AFTER = timedelta(minutes=15)
RECHECK = timedelta(hours=1)
UNCOMPLETED = (discord.EventStatus.scheduled, discord.EventStatus.active)
# A dropped connection or a timeout on the way to Discord: no answer at all.
UNREACHABLE = (aiohttp.ClientError, TimeoutError, OSError)


def _targets(
    meetings: list[Meeting],
    now: datetime,
    skips: dict[int, set[date]],
    live_events: frozenset[int],
) -> dict[int, datetime | None]:
    return {
        m.id: _shown(m, now, skips.get(m.id, ()), live_events) for m in meetings if not m.archived
    }


def _shown(
    meeting: Meeting, now: datetime, skipped: Collection[date], live_events: frozenset[int]
) -> datetime | None:
    """The occurrence the meeting's entry shows: the one under way while its entry shows it
    (Discord can't create an event in the past), else the next one."""
    current = current_or_next(meeting, now, skipped)
    if current is None or current > now:
        return current
    if meeting.event_id in live_events and meeting.event_start == current:
        return current
    return upcoming(meeting, now, skipped)


def job_id(guild_id: int) -> str:
    return f"meeting-events:{guild_id}"


class EventMirror:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def request(self, guild_id: int) -> None:
        """Bring the server's Events in line with its meetings soon (once, however many ask)."""
        self.bot.scheduler.run_once(job_id(guild_id), self.bot.clock.now(), self.run, guild_id)

    def forget(self, guild_id: int) -> None:
        self.bot.scheduler.cancel(job_id(guild_id))

    async def run(self, guild_id: int) -> None:
        await self.bot.wait_until_ready()
        async with self._locks[guild_id]:
            if self.bot.presence.of(guild_id) != Presence.PRESENT:
                return  # the server's return asks again
            with priority(Priority.BULK):
                try:
                    wake = await self._reconcile(guild_id)
                except UNREACHABLE as exc:
                    # Not an answer from Discord (those are handled where they come): the job
                    # must live on, or the server's Events wait for the next restart.
                    log.warning(
                        "scheduled events not reconciled: Discord could not be reached",
                        extra={"guild": guild_id, "error": type(exc).__name__},
                    )
                    wake = self.bot.clock.now() + RETRY_AFTER
        if wake is not None:
            self.bot.scheduler.run_once(job_id(guild_id), wake, self.run, guild_id)

    async def _reconcile(self, guild_id: int) -> datetime | None:
        """One pass; returns when the next is needed."""
        guild = self.bot.get_guild(guild_id)
        me = self.bot.user
        if guild is None or me is None:
            return None
        repo = self.bot.storage.meetings
        now = self.bot.clock.now()
        meetings = await repo.all_for_guild(guild_id)
        skips = await repo.skips_for_guild(guild_id)
        try:
            listed = await guild.fetch_scheduled_events(with_counts=False)
        except discord.HTTPException as exc:
            # Forbidden here is Hearth leaving the server (listing needs no permission): the
            # next run sees it gone, or the server back.
            log.warning("scheduled events not listed", extra={"status": exc.status})
            return now + RETRY_AFTER
        # Only live ones: an event someone ended or cancelled is no longer Hearth's to move.
        ours = {e.id: e for e in listed if e.creator_id == me.id and e.status in UNCOMPLETED}
        others = sum(1 for e in listed if e.creator_id != me.id and e.status in UNCOMPLETED)
        # Off the event loop: thousands of meetings take a noticeable fraction of a second.
        targets = await asyncio.to_thread(_targets, meetings, now, skips, frozenset(ours))
        window = window_for(others)
        await self.bot.storage.meeting_digests.record_window(guild_id, window, now)
        chosen = soonest(targets.items(), window.budget)
        wanted = set(chosen)
        by_id = {m.id: m for m in meetings}
        retry: datetime | None = None
        # Removals first, so the server never goes over Discord's limit on the way.
        for meeting in meetings:
            if meeting.event_id is not None and meeting.id not in wanted:
                if not await self._delete(ours.pop(meeting.event_id, None)):
                    retry = now + RETRY_AFTER
                    continue
                await repo.set_event(meeting.id, None, None)
        linked = {m.event_id for m in meetings if m.event_id is not None}
        for event in [e for e in ours.values() if e.id not in linked]:
            adopter = self._adopter(event, chosen, by_id, targets)
            if adopter is not None:
                start = targets[adopter.id]
                await repo.set_event(adopter.id, event.id, start)
                by_id[adopter.id] = replace(adopter, event_id=event.id, event_start=start)
                log.info("unrecorded scheduled event adopted", extra={"meeting": adopter.id})
            elif await self._delete(ours.pop(event.id)):
                continue
            else:
                retry = now + RETRY_AFTER
        for meeting_id in chosen:
            meeting, target = by_id[meeting_id], targets[meeting_id]
            event = ours.get(meeting.event_id) if meeting.event_id is not None else None
            if target is None or (event is not None and meeting.event_start == target):
                continue
            if target <= now:
                continue  # under way: Discord won't move an event into the past
            try:
                event_id = await self._upsert(guild, meeting, target, event)
            except discord.Forbidden as exc:
                if exc.code == MISSING_PERMISSIONS:
                    await self._cannot(guild_id, now)
                    return None
                return now + RETRY_AFTER  # no longer in the server, most likely
            except discord.HTTPException as exc:
                if exc.code == MAX_SCHEDULED_EVENTS:
                    # People filled the server's Events since the listing: look again later.
                    log.info("server's scheduled events are full", extra={"guild": guild_id})
                    retry = now + FULL_RETRY_AFTER
                    break
                log.warning("scheduled event not updated", extra={"status": exc.status})
                retry = now + RETRY_AFTER
                continue
            await repo.set_event(meeting.id, event_id, target)
        await self.bot.storage.guild_extras.clear_alert(guild_id, ALERT_TOPIC)
        ends = [
            start + by_id[i].schedule.duration
            for i in chosen
            if (start := targets[i]) is not None and start + by_id[i].schedule.duration > now
        ]
        wake = min(ends, default=None)
        if targets:
            # The server's own events come and go without telling Hearth: look again anyway.
            wake = min(wake, now + RECHECK) if wake else now + RECHECK
        if retry is not None:
            wake = min(wake, retry) if wake else retry
        return wake

    @staticmethod
    def _adopter(
        event: discord.ScheduledEvent,
        chosen: list[int],
        by_id: dict[int, Meeting],
        targets: dict[int, datetime | None],
    ) -> Meeting | None:
        """The chosen meeting without an event that this unrecorded event of Hearth's shows."""
        for meeting_id in chosen:
            meeting = by_id[meeting_id]
            if (
                meeting.event_id is None
                and meeting.name[:100] == event.name
                and targets[meeting_id] == event.start_time
            ):
                return meeting
        return None

    async def _cannot(self, guild_id: int, now: datetime) -> None:
        await self.bot.storage.guild_extras.raise_alert(
            guild_id,
            ALERT_TOPIC,
            "Hearth can't list meetings in the server's Events: it needs Manage Events",
            now,
        )

    async def _upsert(
        self,
        guild: discord.Guild,
        meeting: Meeting,
        start: datetime,
        event: discord.ScheduledEvent | None,
    ) -> int:
        details: dict[str, Any] = {
            "name": meeting.name[:100],
            "description": (meeting.description or "")[:1000],
            "start_time": start,
            "end_time": start + meeting.schedule.duration,
            "privacy_level": discord.PrivacyLevel.guild_only,
        }
        channel = guild.get_channel(meeting.voice_channel_id or 0)
        if isinstance(channel, discord.StageChannel):
            details.update(entity_type=discord.EntityType.stage_instance, channel=channel)
        elif isinstance(channel, discord.VoiceChannel):
            details.update(entity_type=discord.EntityType.voice, channel=channel)
        else:
            details.update(
                entity_type=discord.EntityType.external, location=(meeting.link or "Online")[:100]
            )
        if event is not None:
            try:
                await event.edit(**details)
                return event.id
            except discord.NotFound:
                pass  # deleted by someone in the server a moment ago: create it again
        created = await guild.create_scheduled_event(**details)
        return created.id

    async def _delete(self, event: discord.ScheduledEvent | None) -> bool:
        """True once the event is gone (or was already)."""
        if event is None:
            return True
        try:
            await event.delete()
        except discord.NotFound:
            return True
        except discord.HTTPException as exc:
            log.warning("scheduled event not removed", extra={"status": exc.status})
            return False
        return True

    async def remove(self, meeting: Meeting) -> None:
        """A meeting being deleted: its Events entry goes with it."""
        guild = self.bot.get_guild(meeting.guild_id)
        if meeting.event_id is None or guild is None:
            return
        with priority(Priority.BULK):
            try:
                event = await guild.fetch_scheduled_event(meeting.event_id)
                await event.delete()
            except discord.NotFound:
                pass  # already gone
            except discord.HTTPException as exc:
                log.warning("scheduled event not removed", extra={"status": exc.status})
                return
        await self.bot.storage.meetings.set_event(meeting.id, None, None)
