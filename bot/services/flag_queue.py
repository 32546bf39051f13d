"""Where flags may be posted: the queue channel, only while it exists, works and is private.

When it can't be used, flags are kept (in the database, without a card) and the server owner
hears once per problem, with how to fix it; `/hearth status` shows it until it is fixed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.delivery import Post
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
            f"the moderator-queue channel <#{channel.id}> can be read by "
            f"{reader_names(readers)}, who aren't moderators. Hearth won't post flags there "
            "(they're kept safely) until only moderators can read it: in the channel's settings → "
            "Permissions, turn View Channel off for those, then on for your moderator role and "
            "for Hearth. `/hearth status` checks it.",
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
        new = await self.bot.storage.guild_extras.raise_alert(
            guild_id, topic, status_text, self.bot.clock.now()
        )
        guild = self.bot.get_guild(guild_id)
        if new and guild is not None and guild.owner_id is not None:
            now = self.bot.clock.now()
            outcome = await self.bot.delivery.send(
                Post(
                    key=f"notice:{guild_id}:{topic}:{int(now.timestamp())}",
                    priority=Priority.URGENT,
                    guild_id=guild_id,
                    user_id=guild.owner_id,
                    content=f"⚠️ In **{guild.name}**: {owner_text}",
                )
            )
            if not outcome.sent:
                log.error(
                    "queue problem could not be told to the owner",
                    extra={"guild": guild_id, "cause": outcome.cause},
                )
