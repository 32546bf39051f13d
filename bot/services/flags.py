"""Raising flags, keeping their cards current, and escalating the ones nobody has claimed.

Escalation timers live in the database (`next_escalation_at`); each flag has one job, rebuilt at
start. A step is taken only by moving the flag from the step before it, so a restart or a
duplicate run never repeats one, and a step that fell due while Hearth was down happens at start.
A worse detection restarts the ladder in the same transaction that records it, and the pings it
owes are delivered from the database (alerts.py), so a restart neither loses nor repeats them.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.delivery import Post
from bot.delivery_outcomes import Status
from bot.domain.delivery import Priority
from bot.domain.flags import (
    Detected,
    EscalationDelays,
    Flag,
    FlagSeverity,
    FlagStatus,
    NewFlag,
    last_step,
    next_escalation,
)
from bot.presence import Presence
from bot.services.flag_alerts import AlertDelivery
from bot.services.flag_queue import QueueAccess
from bot.services.flag_steps import StepDelivery
from bot.ui import flag_card
from bot.ui.flag_buttons import flag_buttons

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.modqueue")


# Waits before a card that failed in passing (after the deliverer's own quick retries) is tried
# again, with its full content, until the next start's catch-up takes over.
CARD_RETRY_WAITS = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0)


def job_id(flag_id: int) -> str:
    return f"flag:{flag_id}"


def card_key(flag: Flag) -> str:
    """One key per card: a card posted again after someone deleted the last one gets a new
    key (named after the card it replaces)."""
    previous = f":after:{flag.card_message_id}" if flag.card_message_id else ""
    return f"flag:{flag.id}:card{previous}"


class FlagService:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self.queue = QueueAccess(bot)
        self.alerts = AlertDelivery(self)
        self.steps = StepDelivery(self)
        # One catch-up at a time: two would both see the same card-less flags.
        self._catching_up = asyncio.Lock()

    async def delays(self, guild_id: int) -> EscalationDelays:
        config = await self.bot.guild_configs.get(guild_id)
        return EscalationDelays(
            high=timedelta(minutes=config.escalate_high_minutes),
            medium=timedelta(minutes=config.escalate_medium_minutes),
            low=timedelta(minutes=config.escalate_low_minutes),
        )

    async def raise_flag(
        self,
        new: NewFlag,
        *,
        message_text: str | None = None,
        jump_url: str | None = None,
        reporter: int | None = None,
        reason: str | None = None,
    ) -> tuple[Flag, bool]:
        """Store a report or a request for support (a report of an already-flagged message
        merges), post or refresh its card, and set its escalation timer. Returns the flag and
        whether moderators have a card. Detections go through `record_detection` and
        `show_detection`."""
        if new.source == "detection":
            raise ValueError("detections are recorded with record_detection")
        now = self.bot.clock.now()
        first = next_escalation(FlagSeverity(new.severity), 0, now, await self.delays(new.guild_id))
        flags = self.bot.storage.flags
        if reporter is not None and new.source == "report":
            flag, merged = await flags.report(new, reporter, reason, now, first)
        else:
            flag, merged = await flags.create(new, now, first, reporter, reason), False
        description = flag_card.card_description(
            flag, jump_url=jump_url, message_text=message_text, reason=None if merged else reason
        )
        posted = await self._show(flag, merged, description)
        self.schedule(flag)
        return flag, posted

    async def record_detection(self, new: NewFlag) -> Detected | None:
        """Count a detection on the member's flag (or open one) and set its escalation timer:
        quick, in the database only, so the member's private message need not wait for the
        card. None if this message version was already flagged."""
        detected = await self.bot.storage.flags.detect(
            new, self.bot.clock.now(), await self.delays(new.guild_id)
        )
        if detected is not None:
            self.schedule(detected.flag)
        return detected

    async def show_detection(
        self, detected: Detected, *, message_text: str | None, jump_url: str | None
    ) -> bool:
        """Make sure a human hears of a recorded detection: its card (retried on its own), and
        for one worse than the flag, the queue pinged again at once and a DM to the moderator
        who had claimed it. True if moderators have the card."""
        flag = detected.flag
        description = flag_card.card_description(
            flag, jump_url=jump_url, message_text=message_text, reason=None
        )
        posted = await self._show(flag, detected.merged, description)
        if detected.restarted:
            log.info(
                "detection flag restarted",
                extra={"flag": flag.id, "severity": int(flag.severity)},
            )
            await self.alerts.deliver(flag.id)
        return posted

    async def queue_ready(self, guild_id: int) -> bool:
        """Whether cards may be posted in the queue now (it exists and is private)."""
        return await self.queue.usable(guild_id)

    async def note_member_unreachable(self, flag_id: int) -> None:
        """Hearth's private message didn't reach the member: the card asks a human to."""
        if not await self.bot.storage.flags.member_unreachable(flag_id, self.bot.clock.now()):
            return
        flag = await self.bot.storage.flags.get(flag_id)
        if flag is not None and flag.card_message_id is not None:
            await self.refresh_card(flag)

    async def _show(self, flag: Flag, merged: bool, description: str) -> bool:
        if merged and flag.card_message_id and await self.refresh_card(flag):
            return True
        # New, or merged into a flag whose card is gone (deleted by someone): post a card.
        return await self._post_card(flag, description)

    async def _post_card(self, flag: Flag, description: str, *, retry: bool = True) -> bool:
        queue = await self.queue.channel(flag.guild_id)
        if queue is None:
            return False
        config = await self.bot.guild_configs.get(flag.guild_id)
        reporters = await self.bot.storage.flags.reporters(flag.id)
        mention = f"<@&{config.moderator_role_id}>" if config.moderator_role_id else None
        outcome = await self.bot.delivery.send(
            Post(
                key=card_key(flag),
                priority=Priority.URGENT,
                guild_id=flag.guild_id,
                channel_id=queue.id,
                content=mention,
                embed=flag_card.card(flag, description, reporters),
                view=flag_buttons(flag),
                allowed_mentions=discord.AllowedMentions(
                    roles=[discord.Object(config.moderator_role_id)]
                    if config.moderator_role_id
                    else False
                ),
            )
        )
        if not outcome.sent:
            log.warning("flag card not posted", extra={"flag": flag.id, "cause": outcome.cause})
            if outcome.lasting:
                await self.queue.unreachable(flag.guild_id, outcome.cause or "")
            elif outcome.status == Status.FAILED and retry:
                # Retried on its own, with everything it says, not when another flag comes.
                self.bot.background.spawn(
                    self._retry_card(flag.id, description), name=f"card for flag {flag.id}"
                )
            return False
        if outcome.message_id is None:  # a sent outcome always carries its message
            raise RuntimeError("a posted card came back without a message id")
        await self.bot.storage.flags.set_card(flag.id, queue.id, outcome.message_id)
        if await self.queue.works_again(flag.guild_id):
            # The queue works again: flags kept while it didn't get their cards now.
            self.bot.background.spawn(self.catch_up(flag.guild_id), name="cards for kept flags")
        return True

    async def _retry_card(self, flag_id: int, description: str) -> None:
        for wait in CARD_RETRY_WAITS:
            await asyncio.sleep(wait)
            flag = await self.bot.storage.flags.get(flag_id)
            if (
                flag is None
                or flag.card_message_id is not None
                or flag.status
                not in (
                    FlagStatus.OPEN,
                    FlagStatus.CLAIMED,
                )
            ):
                return  # posted meanwhile (a catch-up), or closed
            async with self._catching_up:
                if await self._post_card(flag, description, retry=False):
                    return
        # Still failing after all that: the next start's catch-up posts it (without the quote).

    async def refresh_card(self, flag: Flag, description: str | None = None) -> bool:
        """Edit the card in place to show the flag as it is now (never in a public channel)."""
        channel = self.bot.get_channel(flag.card_channel_id or 0)
        if not isinstance(channel, discord.TextChannel) or flag.card_message_id is None:
            return False
        config = await self.bot.guild_configs.get(flag.guild_id)
        if not await self.queue.private(channel, config.moderator_role_id):
            return False
        reporters = await self.bot.storage.flags.reporters(flag.id)
        partial = channel.get_partial_message(flag.card_message_id)
        try:
            if description is None:
                current = await partial.fetch()
                description = current.embeds[0].description if current.embeds else ""
            await partial.edit(
                embed=flag_card.card(flag, description or "", reporters), view=flag_buttons(flag)
            )
        except discord.HTTPException:
            log.warning("flag card not updated", extra={"flag": flag.id})
            return False
        return True

    async def recheck_queue(self, guild_id: int) -> None:
        """The queue channel or a role changed: hold flags if it became public (the owner
        hears once), or deliver what was kept if it works again."""
        config = await self.bot.guild_configs.get(guild_id)
        if config.mod_queue_channel_id is None:
            return
        if await self.queue.channel(guild_id) is not None and await self.queue.works_again(
            guild_id
        ):
            self.bot.background.spawn(self.catch_up(guild_id), name="cards for kept flags")

    def schedule(self, flag: Flag) -> None:
        if flag.next_escalation_at is None:
            self.bot.scheduler.cancel(job_id(flag.id))
        else:
            self.bot.scheduler.run_once(
                job_id(flag.id), flag.next_escalation_at, self.escalate_due, flag.id
            )

    async def load_all(self) -> None:
        for flag in await self.bot.storage.flags.escalating():
            if self.bot.owns_guild(flag.guild_id):
                self.schedule(flag)

    async def catch_up(self, guild_id: int | None = None) -> None:
        """What the queue is owed after a restart or once it works again: the owner's notices
        a stop left unsent, cards for kept flags, then the alerts not yet delivered."""
        await self.bot.wait_until_ready()
        await self.queue.settle_owed_notices(guild_id)
        await self.post_missing_cards(guild_id)
        await self.alerts.deliver(None, refresh_cards=True)

    async def post_missing_cards(self, guild_id: int | None = None) -> int:
        """Post cards for flags kept while the queue was unreachable; returns how many."""
        await self.bot.wait_until_ready()
        posted = 0
        held: set[int] = set()  # guilds whose queue still can't take cards
        async with self._catching_up:
            for flag in await self.bot.storage.flags.without_card(guild_id):
                if flag.guild_id in held or not self.bot.owns_guild(flag.guild_id):
                    continue
                jump = (
                    f"https://discord.com/channels/{flag.guild_id}/{flag.channel_id}/{flag.message_id}"
                    if flag.message_id
                    else None
                )
                text = flag_card.card_description(
                    flag, jump_url=jump, message_text=None, reason=None
                )
                note = (
                    "\n-# Kept while the queue channel was unreachable; the message isn't quoted."
                )
                if not await self._post_card(flag, text + note):
                    held.add(flag.guild_id)  # its owner was told once already
                    continue
                posted += 1
        return posted

    async def escalate_due(self, flag_id: int) -> None:
        await self.bot.wait_until_ready()
        flag = await self.bot.storage.flags.get(flag_id)
        if flag is None or flag.next_escalation_at is None:
            return
        if self.bot.clock.now() < flag.next_escalation_at:
            self.schedule(flag)  # woken early (a clock change): wait for the real time
            return
        await self.escalate(flag, actor=None)

    async def escalate(self, flag: Flag, actor: int | None) -> Flag | None:
        """Take the next step once; returns the updated flag, or None if nothing was left."""
        if self.bot.presence.of(flag.guild_id) != Presence.PRESENT:
            return None  # an outage waits (resume_guild); a server Hearth left gets nothing
        step = flag.escalation_step + 1
        now = self.bot.clock.now()
        following = next_escalation(flag.severity, step, now, await self.delays(flag.guild_id))
        if step > last_step(flag.severity) or not await self.steps.take(
            flag, step, following, actor
        ):
            return None
        updated = await self.bot.storage.flags.get(flag.id)
        if updated is None:  # erased with the server's data meanwhile: nothing left to do
            return None
        await self.steps.perform(updated, step)
        self.schedule(updated)
        return updated

    async def resume_guild(self, guild_id: int) -> None:
        """The server is back: escalations that fell due meanwhile happen, kept cards go."""
        for flag in await self.bot.storage.flags.escalating():
            if flag.guild_id == guild_id:
                self.schedule(flag)
        await self.steps.settle_owed()
        await self.catch_up(guild_id)
