"""Escalation steps delivered exactly once, even if Hearth stops between taking a step and
sending its messages.

Before a step is taken, its messages are recorded as owed (`owed_deliveries`); the step itself is
then taken in the flags table, which only moves forward from the step before. Each message goes
out through the deliverer with its own key (so one already sent is recognised, not repeated),
and the debt is paid once every message is settled. At start, a debt for a step that was taken
(the flag still open at that step) is paid; a debt for a step that never happened is dropped.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord

from bot.delivery import Post
from bot.delivery_outcomes import Status
from bot.domain.delivery import Priority
from bot.domain.flags import EscalationStep, Flag, FlagStatus
from bot.outbound import priority
from bot.presence import Presence
from bot.ui import flag_card

if TYPE_CHECKING:
    from bot.services.flags import FlagService

log = logging.getLogger("hearth.modqueue")
RETRY_AFTER = timedelta(minutes=1)
PREFIX = "flag:"


def step_key(flag_id: int, step: int) -> str:
    return f"{PREFIX}{flag_id}:step{step}"


def parse_step_key(key: str) -> tuple[int, int] | None:
    try:
        flag_part, step_part = key.removeprefix(PREFIX).split(":")
        return int(flag_part), int(step_part.removeprefix("step"))
    except ValueError:
        return None


class StepDelivery:
    def __init__(self, service: FlagService) -> None:
        self.service = service
        self.bot = service.bot

    async def take(
        self, flag: Flag, step: int, following: datetime | None, actor: int | None
    ) -> bool:
        """Take escalation step `step` once, its messages owed first; False if not taken."""
        journal = self.bot.storage.deliveries
        key = step_key(flag.id, step)
        now = self.bot.clock.now()
        await journal.owe(key, flag.guild_id, now)
        if await self.bot.storage.flags.advance(flag.id, step, following, actor, now):
            return True
        await journal.paid(key)
        return False

    async def perform(self, flag: Flag, step: int) -> None:
        """Send the step's messages; the debt is paid once none is left to retry."""
        key = step_key(flag.id, step)
        with priority(Priority.URGENT):
            posts = await self._posts(flag, step)
            outcomes = [await self.bot.delivery.send(post) for post in posts]
        if any(o.passing for o in outcomes):
            # Passing trouble or an outage: tried again later (the debt stays, across restarts).
            if any(o.status == Status.FAILED for o in outcomes):
                self.bot.scheduler.run_once(
                    f"flag-owed:{flag.id}", self.bot.clock.now() + RETRY_AFTER, self.settle_owed
                )
            return
        for post, outcome in zip(posts, outcomes, strict=True):
            if not outcome.lasting:
                continue
            log.warning(
                "escalation message refused", extra={"flag": flag.id, "cause": outcome.cause}
            )
            if post.channel_id is not None:
                await self.service.queue.unreachable(flag.guild_id, outcome.cause or "")
        await self.bot.storage.deliveries.paid(key)

    async def settle_owed(self) -> None:
        """Pay the debts of steps that were taken; drop those of steps that never happened."""
        await self.bot.wait_until_ready()
        journal = self.bot.storage.deliveries
        for key in await journal.owed(PREFIX):
            parsed = parse_step_key(key)
            flag = await self.bot.storage.flags.get(parsed[0]) if parsed else None
            if flag is not None and not self.bot.owns_guild(flag.guild_id):
                continue  # the process that runs its shard settles it
            if (
                parsed is None
                or flag is None
                or flag.status != FlagStatus.OPEN
                or flag.escalation_step != parsed[1]
            ):
                await journal.paid(key)  # not taken, or someone is on it now
                continue
            if self.bot.presence.of(flag.guild_id) == Presence.PRESENT:
                await self.perform(flag, parsed[1])

    async def _posts(self, flag: Flag, step_number: int) -> list[Post]:
        step = EscalationStep(min(step_number, EscalationStep.OWNER))
        key = step_key(flag.id, step_number)
        guild = self.bot.get_guild(flag.guild_id)
        url = flag_card.card_url(flag)
        log.info("flag escalated", extra={"flag": flag.id, "step": int(step)})
        if step == EscalationStep.REPING:
            queue = await self.service.queue.channel(flag.guild_id)
            if queue is None:
                return []  # the owner hears about the queue; the flag stays in /modqueue
            role = (await self.bot.guild_configs.get(flag.guild_id)).moderator_role_id
            return [
                Post(
                    key=f"{key}:ping",
                    priority=Priority.URGENT,
                    guild_id=flag.guild_id,
                    channel_id=queue.id,
                    content=flag_card.reping(flag, role, url),
                    allowed_mentions=discord.AllowedMentions(
                        roles=[discord.Object(role)] if role else False
                    ),
                )
            ]
        if step == EscalationStep.ONCALL:
            targets = await self.bot.storage.flags.oncall(flag.guild_id)
            text = flag_card.oncall_dm(flag, guild.name if guild else "your server", url)
            if not targets and guild is not None and guild.owner_id:
                # Nobody is on call: rather than a silent step, the owner hears.
                targets = [guild.owner_id]
                text = flag_card.owner_dm(flag, guild.name, url, nobody_on_call=True)
        else:
            targets = [guild.owner_id] if guild and guild.owner_id else []
            text = flag_card.owner_dm(flag, guild.name if guild else "your server", url)
        return [
            Post(
                key=f"{key}:dm:{user_id}",
                priority=Priority.URGENT,
                guild_id=flag.guild_id,
                user_id=user_id,
                content=text,
            )
            for user_id in targets
        ]
