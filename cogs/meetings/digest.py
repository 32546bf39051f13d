"""The daily meetings digest: one post a day (split over several messages when long) listing the
day's imported meetings with their times and links, at the server's chosen local time.

Timed like everything else: one job per server (`meeting-digest:<guild>`) fires at the local
time (DST-correct), claims the day in the database, and posts each part through the delivery
journal under its own key, so a restart neither repeats nor loses it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import discord

from bot.delivery import Post
from bot.delivery_outcomes import Outcome, Status
from bot.domain.delivery import Priority
from bot.domain.meeting_digest import (
    day_bounds,
    latest_due,
    next_due,
    parse_digest_time,
    split_messages,
)
from bot.domain.meetings import Meeting
from bot.domain.recurrence import occurrences
from bot.outbound import priority
from bot.presence import Presence
from cogs.meetings import render

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.meetings.digest")
RETRY_AFTER = timedelta(minutes=1)
ALERT_TOPIC = "meeting-digest"


def job_id(guild_id: int) -> str:
    return f"meeting-digest:{guild_id}"


def delivery_key(guild_id: int, day: date, part: int) -> str:
    return f"digest:{guild_id}:{day.isoformat()}:{part}"


class DigestService:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def load_all(self) -> None:
        for guild_id in await self.bot.storage.meeting_imports.guilds_with_imported():
            if self.bot.owns_guild(guild_id):
                await self.schedule(guild_id, catch_up=True)

    async def schedule(self, guild_id: int, *, catch_up: bool = False) -> None:
        """Set the server's job to its next digest (now, if one is due and `catch_up`)."""
        config = await self.bot.guild_configs.get(guild_id)
        at = parse_digest_time(config.meeting_digest_time)
        if at is None:
            self.bot.scheduler.cancel(job_id(guild_id))
            return
        now = self.bot.clock.now()
        due = latest_due(now, config.timezone, at) if catch_up else None
        wake = now if due is not None else next_due(now, config.timezone, at)
        self.bot.scheduler.run_once(job_id(guild_id), wake, self.run, guild_id)

    async def run(self, guild_id: int) -> None:
        await self.bot.wait_until_ready()
        async with self._locks[guild_id]:
            if self.bot.presence.of(guild_id) != Presence.PRESENT:
                return  # an outage, or Hearth left: resume_guild picks it up
            config = await self.bot.guild_configs.get(guild_id)
            at = parse_digest_time(config.meeting_digest_time)
            if at is None:
                return
            now = self.bot.clock.now()
            due = latest_due(now, config.timezone, at)
            retry = False
            if due is not None and await self.bot.storage.meeting_digests.claim(
                guild_id, due.day, now
            ):
                with priority(Priority.TIMED):
                    retry = await self._post(guild_id, due.day, now)
            wake = now + RETRY_AFTER if retry else next_due(now, config.timezone, at)
            self.bot.scheduler.run_once(job_id(guild_id), wake, self.run, guild_id)

    async def _post(self, guild_id: int, day: date, now: datetime) -> bool:
        """Post the claimed day's digest; True when it should be tried again soon."""
        repo = self.bot.storage.meeting_digests
        config = await self.bot.guild_configs.get(guild_id)
        messages = await self.messages(guild_id, day, config.timezone)
        if not messages:
            await repo.finish(guild_id, day, "skipped", now)  # no meetings today: no post
            return False
        channel_id = config.announcements_channel_id
        if channel_id is None:
            await repo.finish(guild_id, day, "failed", now)
            await self._report(guild_id, "no announcements channel is set", day)
            return False
        outcome = Outcome(Status.SENT)
        for part, text in enumerate(messages):
            outcome = await self.bot.delivery.send(
                Post(
                    key=delivery_key(guild_id, day, part),
                    priority=Priority.TIMED,
                    guild_id=guild_id,
                    channel_id=channel_id,
                    content=text,
                    # Names come from the feed: a mention in one shows but never pings.
                    allowed_mentions=discord.AllowedMentions.none(),
                )
            )
            if not outcome.sent:
                break
        if outcome.sent:
            await repo.finish(guild_id, day, "sent", now)
            log.info("meeting digest posted", extra={"guild": guild_id, "parts": len(messages)})
            return False
        if outcome.lasting:
            await repo.finish(guild_id, day, "failed", now)
            await self._report(guild_id, outcome.cause or "Discord refused it", day)
            return False
        # Passing trouble or an outage: given back. Parts already posted are in the journal
        # under their keys, so the next try posts only what is missing.
        await repo.release(guild_id, day)
        return outcome.status == Status.FAILED

    async def messages(self, guild_id: int, day: date, zone: str) -> list[str]:
        """The day's digest as messages of at most 2,000 characters; [] when nothing meets."""
        meetings = [m for m in await self.bot.storage.meetings.for_guild(guild_id) if m.source_slug]
        skips = await self.bot.storage.meetings.skips_for_guild(guild_id)
        # Off the event loop: a feed of thousands of meetings takes a while to go through.
        return await asyncio.to_thread(_digest_messages, meetings, skips, day, zone)

    async def recover(self) -> int:
        """Digests a stop interrupted are tried again: each part already posted is known to
        the delivery journal (or found in the channel) and not posted twice."""
        for guild_id, day in await self.bot.storage.meeting_digests.interrupted():
            if not self.bot.owns_guild(guild_id):
                continue  # the process that runs its shard recovers it
            await self.bot.storage.meeting_digests.release(guild_id, day)
            await self.schedule(guild_id, catch_up=True)
        return 0

    async def resume_guild(self, guild_id: int) -> None:
        await self.schedule(guild_id, catch_up=True)

    async def _report(self, guild_id: int, reason: str, day: date) -> None:
        """Never let a lost digest vanish: it shows in /hearth status and the moderator queue."""
        text = f"⚠️ I couldn't post the meetings digest for {day:%A %-d %B}: {reason}."
        await self.bot.storage.guild_extras.raise_alert(
            guild_id, ALERT_TOPIC, text, self.bot.clock.now()
        )
        config = await self.bot.guild_configs.get(guild_id)
        if config.mod_queue_channel_id is None:
            log.error("meeting digest failure has nowhere to go", extra={"guild": guild_id})
            return
        outcome = await self.bot.delivery.send(
            Post(
                key=f"notice:digest:{guild_id}:{day.isoformat()}",
                priority=Priority.URGENT,
                guild_id=guild_id,
                channel_id=config.mod_queue_channel_id,
                content=text,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        )
        if not outcome.sent:
            log.error("meeting digest failure could not be reported", extra={"guild": guild_id})


def _digest_messages(
    meetings: list[Meeting], skips: dict[int, set[date]], day: date, zone: str
) -> list[str]:
    start, end = day_bounds(day, zone)
    found: list[tuple[datetime, str, int, Meeting]] = []
    for meeting in meetings:
        for when in occurrences(meeting.schedule, start, end, skipped=skips.get(meeting.id, ())):
            found.append((when, meeting.name.casefold(), meeting.id, meeting))
    if not found:
        return []
    found.sort(key=lambda item: item[:3])
    entries = [render.digest_line(meeting, when) for when, _, _, meeting in found]
    header = (
        f"**Today's meetings** · {day:%A %-d %B} · {len(entries)} meeting(s), "
        "times in your own time zone"
    )
    return split_messages(header, "**Today's meetings** (continued)", entries)
