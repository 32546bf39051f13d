"""Where flags may be posted: the queue channel, only while it exists, works and is private.

When it can't be used, flags are kept (in the database, without a card) and the server owner
hears once per problem, with how to fix it; `/hearth status` shows it until it is fixed.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.domain.delivery import Priority
from bot.presence import Presence
from bot.ui.queue_privacy import how_to_make_private, public_readers, reader_names

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.modqueue")
QUEUE_ALERT = "moderator-queue"
QUEUE_PUBLIC_ALERT = "moderator-queue privacy"
NOT_POSTABLE = "missing, or no permission there"


def unreachable_text(cause: str = NOT_POSTABLE) -> str:
    return (
        f"Hearth couldn't post flags in the moderator-queue channel ({cause}). Flags are kept; "
        "set the channel with `/hearth setup` and check `/hearth status`."
    )


class QueueAccess:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    async def channel(self, guild_id: int) -> discord.TextChannel | None:
        """The queue channel if flags may be posted there now; otherwise None, and the owner is
        told (once per problem)."""
        if self.bot.presence.of(guild_id) != Presence.PRESENT:
            return None  # an outage, or Hearth left: nothing is wrong with the queue itself
        config = await self.bot.guild_configs.get(guild_id)
        queue = self.bot.get_channel(config.mod_queue_channel_id or 0)
        if not isinstance(queue, discord.TextChannel):
            await self.unreachable(guild_id)
            return None
        if not await self.private(queue, config.moderator_role_id):
            return None
        return queue

    async def usable(self, guild_id: int) -> bool:
        """Whether a card could be posted now, asking nothing and telling nobody (the card's
        own delivery reports a problem)."""
        if self.bot.presence.of(guild_id) != Presence.PRESENT:
            return False
        config = await self.bot.guild_configs.get(guild_id)
        queue = self.bot.get_channel(config.mod_queue_channel_id or 0)
        return isinstance(queue, discord.TextChannel) and not public_readers(
            queue, config.moderator_role_id
        )

    async def private(self, channel: discord.abc.GuildChannel, moderator_role: int | None) -> bool:
        readers = public_readers(channel, moderator_role)
        if not readers:
            return True
        guild_id = channel.guild.id
        log.warning("moderator queue readable by members: flags held", extra={"guild": guild_id})
        await self._alert(
            guild_id,
            QUEUE_PUBLIC_ALERT,
            f"The moderator-queue channel is not private: {how_to_make_private(channel, readers)} "
            "Until then Hearth keeps new flags (nothing is lost) and posts them once it is.",
            public_queue_text(channel, readers),
        )
        return False

    async def unreachable(self, guild_id: int, cause: str = NOT_POSTABLE) -> None:
        """Discord refused a card or a ping for good; `cause` says why, in plain words. Never
        called for passing trouble or while the server is unavailable."""
        if self.bot.presence.of(guild_id) != Presence.PRESENT:
            return
        text = unreachable_text(cause)
        await self._alert(guild_id, QUEUE_ALERT, text, text)

    async def works_again(self, guild_id: int) -> bool:
        """Clear the queue's problems; True if there were any (kept flags are now owed)."""
        extras = self.bot.storage.guild_extras
        missing = await extras.clear_alert(guild_id, QUEUE_ALERT)
        public = await extras.clear_alert(guild_id, QUEUE_PUBLIC_ALERT)
        return missing or public

    async def _alert(self, guild_id: int, topic: str, status_text: str, owner_text: str) -> None:
        now = self.bot.clock.now()
        # One notice per episode of a problem: the key names the moment it began, and is
        # recorded as owed with the alert itself, so a restart neither repeats nor loses it.
        key = notice_key(guild_id, topic, now)
        new = await self.bot.storage.guild_extras.raise_alert_owing(
            guild_id, topic, status_text, now, key
        )
        if new:
            await self._tell_owner(key, guild_id, owner_text)

    async def settle_owed_notices(self, guild_id: int | None = None) -> None:
        """Owner notices a stop (or Discord's lasting trouble) left unsent: sent now if the
        problem is still there, dropped if it was fixed meanwhile."""
        journal = self.bot.storage.deliveries
        prefix = NOTICE_PREFIX if guild_id is None else f"{NOTICE_PREFIX}{guild_id}:"
        for key in await journal.owed(prefix):
            guild, topic = _notice_parts(key)
            if not self.bot.owns_guild(guild):
                continue  # the process that runs its shard tells its owner
            if self.bot.presence.of(guild) == Presence.UNAVAILABLE:
                continue  # told when the server is back
            text = await self._still_wrong(guild, topic)
            if text is None:
                await journal.paid(key)
            else:
                await self._tell_owner(key, guild, text)

    async def _still_wrong(self, guild_id: int, topic: str) -> str | None:
        """What to tell the owner about a problem still there, or None if it was fixed."""
        alerts = {a.topic: a.message for a in await self.bot.storage.guild_extras.alerts(guild_id)}
        if topic not in alerts:
            return None
        if topic != QUEUE_PUBLIC_ALERT:
            return alerts[topic]
        config = await self.bot.guild_configs.get(guild_id)
        channel = self.bot.get_channel(config.mod_queue_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            return None  # that channel is gone: the missing queue is its own problem
        readers = public_readers(channel, config.moderator_role_id)
        return public_queue_text(channel, readers) if readers else None

    async def _tell_owner(self, key: str, guild_id: int, text: str) -> None:
        journal = self.bot.storage.deliveries
        guild = self.bot.get_guild(guild_id)
        if guild is None or guild.owner_id is None:
            await journal.paid(key)  # Hearth has left: nobody there hears about it
            return
        outcome = await self.bot.dms.send(
            key,
            guild.owner_id,
            guild_id=guild_id,
            priority=Priority.URGENT,
            content=f"⚠️ In **{guild.name}**: {text}",
        )
        if outcome.passing:
            log.warning("queue problem not told to the owner yet", extra={"guild": guild_id})
            return  # still owed: the next catch-up (at start, or when the server returns) sends it
        if not outcome.sent:
            log.error(
                "queue problem could not be told to the owner",
                extra={"guild": guild_id, "cause": outcome.cause},
            )
        await journal.paid(key)


NOTICE_PREFIX = "queue-notice:"


def notice_key(guild_id: int, topic: str, began: datetime) -> str:
    return f"{NOTICE_PREFIX}{guild_id}:{int(began.timestamp())}:{topic}"


def _notice_parts(key: str) -> tuple[int, str]:
    guild, _began, topic = key.removeprefix(NOTICE_PREFIX).split(":", 2)
    return int(guild), topic


def public_queue_text(channel: discord.abc.GuildChannel, readers: list[discord.Role]) -> str:
    return (
        f"the moderator-queue channel <#{channel.id}> can be read by "
        f"{reader_names(readers)}, who aren't moderators. Hearth won't post flags there "
        "(they're kept safely) until only moderators can read it: in the channel's settings → "
        "Permissions, turn View Channel off for those, then on for your moderator role and "
        "for Hearth. `/hearth status` checks it."
    )
