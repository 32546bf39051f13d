"""A day's meetings digest that is given up is never lost silently: the moderators hear it once.

A digest that runs into trouble (Discord failing or refusing, a stop in the middle of posting)
owes a notice: the owed row goes into the delivery journal's owed list before the day is given
back for another try, so a restart can't lose it. The notice is settled with the day: dropped
once the digest goes out after all; delivered once the day is given up (Discord refused it for
good, or `DIGEST_LATE_LIMIT` passed). It is posted in the moderator queue under its own delivery
key, so never twice (or DMed to the server owner when there is no queue to post in), and it
shows in `/hearth status` until a digest goes out again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import discord

from bot.delivery import Post
from bot.delivery_outcomes import Found, Outcome
from bot.domain.delivery import Priority
from bot.domain.guild_config import GuildConfig
from bot.domain.meeting_digest import gives_up_at

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.meetings.digest")
NOTICE_PREFIX = "digest-notice:"
ALERT_TOPIC = "meeting-digest"
RETRY_AFTER = timedelta(minutes=1)
# The day's digest as messages, the way it would be posted now.
Parts = Callable[[int, date, str], Awaitable[list[str]]]


def delivery_key(guild_id: int, day: date, part: int) -> str:
    return f"digest:{guild_id}:{day.isoformat()}:{part}"


def notice_key(guild_id: int, day: date) -> str:
    return f"{NOTICE_PREFIX}{guild_id}:{day.isoformat()}"


def notice_parts(key: str) -> tuple[int, date]:
    guild, day = key.removeprefix(NOTICE_PREFIX).split(":", 1)
    return int(guild), date.fromisoformat(day)


class DigestNotices:
    def __init__(self, bot: Hearth, parts: Parts) -> None:
        self.bot = bot
        self._parts = parts

    async def owe(self, guild_id: int, day: date) -> None:
        """The day's digest ran into trouble: a notice is owed unless it still goes out."""
        await self.bot.storage.deliveries.owe(
            notice_key(guild_id, day), guild_id, self.bot.clock.now()
        )

    async def posted(self, guild_id: int, day: date) -> None:
        """The day's digest went out: nothing is owed for it, and the problem is gone."""
        await self.bot.storage.deliveries.paid(notice_key(guild_id, day))
        await self.bot.storage.guild_extras.clear_alert(guild_id, ALERT_TOPIC)

    async def guilds_owed(self) -> set[int]:
        owed = await self.bot.storage.deliveries.owed(NOTICE_PREFIX)
        return {notice_parts(key)[0] for key in owed}

    async def settle(self, guild_id: int, zone: str, at: time | None) -> datetime | None:
        """Settle the server's owed notices; returns when to look again (a day still being
        tried gives up then; a notice Discord didn't take yet is tried again), or None."""
        journal = self.bot.storage.deliveries
        repo = self.bot.storage.meeting_digests
        now = self.bot.clock.now()
        again: list[datetime] = []
        for key in await journal.owed(f"{NOTICE_PREFIX}{guild_id}:"):
            _, day = notice_parts(key)
            status = await repo.status(guild_id, day)
            if status in ("sent", "skipped"):
                await journal.paid(key)
                continue
            if status != "failed":
                limit = gives_up_at(day, zone, at)
                if limit is not None and now < limit:
                    again.append(limit)  # still being tried
                    continue
            shortfall = await self._shortfall(guild_id, day, zone)
            if status != "failed":
                if not shortfall.missing:
                    # Every part reached Discord after all (or the day has nothing to post).
                    done = "sent" if shortfall.total else "skipped"
                    await repo.finish(guild_id, day, done, now)
                    await journal.paid(key)
                    continue
                await repo.finish(guild_id, day, "failed", now)
                log.warning("meeting digest given up", extra={"guild": guild_id})
            if not await self._tell(key, guild_id, day, shortfall):
                again.append(now + RETRY_AFTER)
        return min(again, default=None)

    async def _shortfall(self, guild_id: int, day: date, zone: str) -> Shortfall:
        """Which parts of the day's digest never reached Discord, and why."""
        parts = await self._parts(guild_id, day, zone)
        journal = self.bot.storage.deliveries
        shortfall = Shortfall(total=len(parts))
        for part in range(len(parts)):
            key = delivery_key(guild_id, day, part)
            entry = await journal.get(key)  # read first: a look at the channel settles it
            if (await self.bot.delivery.resolve(key)).found == Found.SENT:
                continue
            shortfall.missing.append(part)
            if shortfall.cause is None and entry is not None and entry.cause:
                shortfall.cause = entry.cause
                shortfall.refused = entry.status == "failed"  # refused: nothing was posted
        return shortfall

    async def _tell(self, key: str, guild_id: int, day: date, shortfall: Shortfall) -> bool:
        """Show the problem in /hearth status and tell the moderators (the owner if there is no
        queue to tell them in); False if Discord didn't take it yet."""
        config = await self.bot.guild_configs.get(guild_id)
        extras = self.bot.storage.guild_extras
        shown = {a.topic: a.message for a in await extras.alerts(guild_id)}.get(ALERT_TOPIC)
        if shown is not None and _day_words(day) in shown:
            text = shown  # worked out when the day was given up (the journal has moved on)
        else:
            text = self._words(day, config, shortfall)
            await extras.raise_alert(guild_id, ALERT_TOPIC, text, self.bot.clock.now())
        outcome: Outcome | None = None
        if config.mod_queue_channel_id is not None:
            outcome = await self.bot.delivery.send(
                Post(
                    key=key,
                    priority=Priority.TIMED,
                    guild_id=guild_id,
                    channel_id=config.mod_queue_channel_id,
                    content=f"⚠️ {text}",
                    allowed_mentions=discord.AllowedMentions.none(),
                )
            )
            if outcome.passing:
                return False
        if outcome is None or outcome.lasting:
            outcome = await self._tell_owner(key, guild_id, text)
            if outcome is not None and outcome.passing:
                return False
        if outcome is None or not outcome.sent:
            log.error(
                "a given-up meeting digest could only be shown in /hearth status",
                extra={"guild": guild_id, "cause": outcome.cause if outcome else None},
            )
        await self.bot.storage.deliveries.paid(key)
        return True

    async def _tell_owner(self, key: str, guild_id: int, text: str) -> Outcome | None:
        guild = self.bot.get_guild(guild_id)
        if guild is None or guild.owner_id is None:
            return None
        return await self.bot.dms.send(
            f"{key}:owner",
            guild.owner_id,
            guild_id=guild_id,
            priority=Priority.TIMED,
            content=f"⚠️ In **{guild.name}**: {text}",
        )

    def _words(self, day: date, config: GuildConfig, shortfall: Shortfall) -> str:
        """What went wrong, in plain words, and what an organizer can do about it."""
        which = _day_words(day)
        missing, total = shortfall.missing, shortfall.total
        if total and len(missing) < total:
            numbers = ", ".join(str(part + 1) for part in missing)
            which += f" (part {numbers} of {total}; the rest was posted)"
        channel_id = config.announcements_channel_id
        if channel_id is None:
            return (
                f"Hearth couldn't post {which}: no announcements channel is set. "
                "Choose one with `/hearth setup`."
            )
        if self.bot.get_channel(channel_id) is None:
            return (
                f"Hearth couldn't post {which}: the announcements channel no longer exists. "
                "Choose another with `/hearth setup`."
            )
        cause = shortfall.cause or "Discord kept failing or was unavailable"
        if shortfall.refused:
            return (
                f"Hearth couldn't post {which} in <#{channel_id}>: {cause}. Check that Hearth "
                "can see that channel and send messages there, or choose another announcements "
                "channel with `/hearth setup`."
            )
        return (
            f"Hearth couldn't post {which} in <#{channel_id}>: {cause}. It kept trying for "
            "six hours, then let that day's digest go; the next one is posted as usual."
        )


def _day_words(day: date) -> str:
    return f"the meetings digest for {day:%A %-d %B}"


@dataclass
class Shortfall:
    """What of a day's digest didn't reach Discord: which parts (of how many), and the first
    cause the delivery journal knew, with whether Discord refused it for good."""

    total: int
    missing: list[int] = field(default_factory=list)
    cause: str | None = None
    refused: bool = False
