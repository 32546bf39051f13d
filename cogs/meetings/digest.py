"""The daily meetings digest: one post a day (split over several messages when long) listing the
day's imported meetings with their times and links, at the server's chosen local time.

Timed like everything else: one job per server (`meeting-digest:<guild>`) fires at the local
time (DST-correct), claims the day in the database, and posts each part through the delivery
journal under its own key, so a restart neither repeats nor loses it. A day that can't be
posted is retried until `DIGEST_LATE_LIMIT`; one given up is told to the moderators once
(digest_notices.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import date, datetime, time, timedelta
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
from cogs.meetings.digest_notices import DigestNotices, delivery_key

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.meetings.digest")
RETRY_AFTER = timedelta(minutes=1)


def job_id(guild_id: int) -> str:
    return f"meeting-digest:{guild_id}"


class DigestService:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.notices = DigestNotices(bot, self.messages)

    async def load_all(self) -> None:
        for guild_id in await self.bot.storage.meeting_imports.guilds_with_imported():
            if self.bot.owns_guild(guild_id):
                await self.schedule(guild_id, catch_up=True)

    async def schedule(self, guild_id: int, *, catch_up: bool = False) -> None:
        """Set the server's job to its next digest (now, if one is due and `catch_up`, or if a
        day's digest that ran into trouble is still to be settled)."""
        config = await self.bot.guild_configs.get(guild_id)
        at = parse_digest_time(config.meeting_digest_time)
        now = self.bot.clock.now()
        owed = catch_up and guild_id in await self.notices.guilds_owed()
        if at is None and not owed:
            self.bot.scheduler.cancel(job_id(guild_id))
            return
        due = latest_due(now, config.timezone, at) if catch_up and at is not None else None
        wake = now if due is not None or owed or at is None else next_due(now, config.timezone, at)
        self.bot.scheduler.run_once(job_id(guild_id), wake, self.run, guild_id)

    async def run(self, guild_id: int) -> None:
        await self.bot.wait_until_ready()
        async with self._locks[guild_id]:
            if self.bot.presence.of(guild_id) != Presence.PRESENT:
                return  # an outage, or Hearth left: resume_guild picks it up
            config = await self.bot.guild_configs.get(guild_id)
            at = parse_digest_time(config.meeting_digest_time)
            with priority(Priority.TIMED):
                wake = await self._post_due(guild_id, config.timezone, at)
                # Days that ran into trouble: dropped once posted, told once given up.
                look_again = await self.notices.settle(guild_id, config.timezone, at)
            wakes = [w for w in (wake, look_again) if w is not None]
            if wakes:
                self.bot.scheduler.run_once(job_id(guild_id), min(wakes), self.run, guild_id)

    async def _post_due(self, guild_id: int, zone: str, at: time | None) -> datetime | None:
        """Post the digest due now, if any; returns when the job should run next."""
        if at is None:
            return None
        now = self.bot.clock.now()
        due = latest_due(now, zone, at)
        retry = False
        if due is not None and await self.bot.storage.meeting_digests.claim(guild_id, due.day, now):
            retry = await self._post(guild_id, due.day, now)
        return now + RETRY_AFTER if retry else next_due(now, zone, at)

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
            await self.notices.owe(guild_id, day)
            await repo.finish(guild_id, day, "failed", now)
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
            await self.notices.posted(guild_id, day)
            log.info("meeting digest posted", extra={"guild": guild_id, "parts": len(messages)})
            return False
        if outcome.status == Status.GONE:
            await repo.release(guild_id, day)  # Hearth has left: nothing to post, nobody to tell
            return False
        # Owed before the day is settled or given back, so a stop right after can't lose it.
        await self.notices.owe(guild_id, day)
        if outcome.lasting:
            await repo.finish(guild_id, day, "failed", now)  # refused for good: told at once
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
            await self.notices.owe(guild_id, day)  # told if it can't be finished in time
            await self.bot.storage.meeting_digests.release(guild_id, day)
            await self.schedule(guild_id, catch_up=True)
        for guild_id in await self.notices.guilds_owed():
            if self.bot.owns_guild(guild_id):
                await self.schedule(guild_id, catch_up=True)
        return 0

    async def resume_guild(self, guild_id: int) -> None:
        await self.schedule(guild_id, catch_up=True)


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
