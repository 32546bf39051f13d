"""Direct messages Hearth starts on its own: one way in, one answer to closed DMs.

Every DM goes through the deliverer (`bot/delivery.py`) under a key that is the same each time
the same DM is tried, so it leaves through the outbound lane with its priority, reuses the
member's stored DM channel, is retried on Discord's passing failures with the same nonce, and
is never sent twice. A member whose DMs are closed is not an error: the caller gets
`Status.DMS_CLOSED` and, when someone should hear about it, the one wording below. Nothing
about an undelivered DM is ever posted in a server channel.

Replies to a member's own interaction are not DMs Hearth starts: they stay interaction responses.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.delivery import Post
from bot.delivery_outcomes import Outcome, Status
from bot.domain.delivery import Priority

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.dms")


class DirectMessages:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    async def send(
        self,
        key: str,
        user_id: int,
        *,
        guild_id: int | None,
        priority: Priority = Priority.FOLLOWUP,
        content: str | None = None,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
    ) -> Outcome:
        """Send once. `guild_id` is the server the DM is about: while it is unavailable the DM
        waits (PAUSED), and once Hearth has left it, nothing is sent (GONE)."""
        outcome = await self.bot.delivery.send(
            Post(
                key=key,
                priority=priority,
                guild_id=guild_id,
                user_id=user_id,
                content=content,
                embed=embed,
                view=view,
                # Names in a DM never ping; the text may quote what members wrote.
                allowed_mentions=discord.AllowedMentions.none(),
            )
        )
        kind = key.split(":", 1)[0]
        if outcome.status == Status.DMS_CLOSED:
            log.info("DM not delivered: DMs closed", extra={"kind": kind, "guild": guild_id})
        elif not outcome.sent:
            log.warning(
                "DM not delivered",
                extra={"kind": kind, "guild": guild_id, "cause": outcome.cause},
            )
        return outcome


def not_reached(user_id: int, outcome: Outcome) -> str:
    """What to tell the member who asked for a DM to someone that didn't arrive: the one kind
    wording for closed DMs, and plain words for anything else."""
    if outcome.status == Status.DMS_CLOSED:
        return (
            f"<@{user_id}> doesn't take private messages from this server right now, so I "
            "couldn't reach them. That's their choice to make; they can allow direct messages "
            "from server members in the server's Privacy Settings."
        )
    if outcome.passing:
        return (
            f"I couldn't reach <@{user_id}> privately just now: Discord is having trouble. "
            "Please try again in a little while."
        )
    return f"I couldn't reach <@{user_id}> privately ({outcome.cause or 'Discord refused it'})."
