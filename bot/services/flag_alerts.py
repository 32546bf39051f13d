"""Alerts a worse detection owes: a new message in the queue that mentions the moderators, and
a DM to the moderator who had claimed the flag.

They are written in the detection's own transaction and marked sent only once delivered, so a
restart delivers what is still owed and never repeats what was marked. Each goes through the
deliverer under its own key: if Hearth stops between sending and marking, the resend at start
finds the first message (Discord's nonce, then the channel's history) instead of posting twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.delivery import Post
from bot.domain.delivery import Priority
from bot.domain.flags import Flag, FlagAlert, FlagStatus
from bot.ui import flag_card

if TYPE_CHECKING:
    from bot.services.flags import FlagService

log = logging.getLogger("hearth.modqueue")


RETRY_AFTER = timedelta(minutes=1)


def alert_key(alert: FlagAlert) -> str:
    return f"flag-alert:{alert.id}"


class AlertDelivery:
    def __init__(self, service: FlagService) -> None:
        self.service = service
        self.bot = service.bot
        # One delivery round at a time, so two rounds never send the same alert.
        self._delivering = asyncio.Lock()

    async def deliver(self, flag_id: int | None, *, refresh_cards: bool = False) -> int:
        """Send the alerts still owed (one flag's, or all); returns how many went out. With
        `refresh_cards`, each card is brought up to date first (after the queue was held)."""
        flags = self.bot.storage.flags
        sent = 0
        async with self._delivering:
            for alert in await flags.pending_alerts(flag_id):
                flag = await flags.get(alert.flag_id)
                if flag is not None and not self.bot.owns_guild(flag.guild_id):
                    continue  # the process that runs its shard pulls its moderators in
                if flag is None or flag.status != FlagStatus.OPEN:
                    # Closed, or claimed again since: someone is on it, nobody needs pulling in.
                    await flags.alert_sent(alert.id, self.bot.clock.now())
                    continue
                if alert.kind == "claimer":
                    delivered = await self._tell_claimer(flag, alert)
                else:
                    if refresh_cards and flag.card_message_id is not None:
                        await self.service.refresh_card(flag)
                    delivered = await self._ping(flag, alert)
                if delivered:
                    await flags.alert_sent(alert.id, self.bot.clock.now())
                    sent += 1
        return sent

    async def _ping(self, flag: Flag, alert: FlagAlert) -> bool:
        queue = await self.service.queue.channel(flag.guild_id)
        if queue is None:
            return False  # kept until the queue works (and is private) again
        role = (await self.bot.guild_configs.get(flag.guild_id)).moderator_role_id
        outcome = await self.bot.delivery.send(
            Post(
                key=alert_key(alert),
                priority=Priority.URGENT,
                guild_id=flag.guild_id,
                channel_id=queue.id,
                content=flag_card.worse_ping(flag, role, flag_card.card_url(flag), alert.kind),
                allowed_mentions=discord.AllowedMentions(
                    roles=[discord.Object(role)] if role else False, users=False
                ),
            )
        )
        if outcome.sent:
            await self.service.queue.works_again(flag.guild_id)
            return True
        log.warning(
            "worse-detection ping not posted", extra={"flag": flag.id, "cause": outcome.cause}
        )
        if outcome.lasting:
            await self.service.queue.unreachable(flag.guild_id, outcome.cause or "")
        else:
            self._retry_soon(flag.id)
        return False

    async def _tell_claimer(self, flag: Flag, alert: FlagAlert) -> bool:
        guild = self.bot.get_guild(flag.guild_id)
        name = guild.name if guild else "your server"
        outcome = await self.bot.delivery.send(
            Post(
                key=alert_key(alert),
                priority=Priority.URGENT,
                guild_id=flag.guild_id,
                user_id=alert.target_id or 0,
                content=flag_card.claimer_dm(flag, name, flag_card.card_url(flag)),
            )
        )
        if outcome.passing:
            log.warning("claimer DM failed; retried soon", extra={"flag": flag.id})
            self._retry_soon(flag.id)
            return False
        if not outcome.sent:
            # Their DMs are closed (or they left): the queue ping names them instead.
            log.warning("claimer could not be messaged", extra={"flag": flag.id})
        return True

    def _retry_soon(self, flag_id: int) -> None:
        self.bot.scheduler.run_once(
            f"flag-owed:alerts:{flag_id}",
            self.bot.clock.now() + RETRY_AFTER,
            self.deliver,
            flag_id,
        )
