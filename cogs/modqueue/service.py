"""Raising flags, keeping their cards current, and escalating the ones nobody has claimed.

Escalation timers live in the database (`next_escalation_at`); each flag has one job, rebuilt at
start. A step is taken only by moving the flag from the step before it, so a restart or a
duplicate run never repeats one, and a step that fell due while Hearth was down happens at start.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.domain.flags import (
    EscalationDelays,
    EscalationStep,
    Flag,
    FlagSeverity,
    last_step,
    next_escalation,
)
from bot.storage.flags import NewFlag
from cogs.modqueue import render
from cogs.modqueue.buttons import flag_buttons

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.modqueue")
QUEUE_ALERT = "moderator-queue"


def job_id(flag_id: int) -> str:
    return f"flag:{flag_id}"


def card_url(flag: Flag) -> str | None:
    if flag.card_channel_id and flag.card_message_id:
        return (
            f"https://discord.com/channels/{flag.guild_id}/{flag.card_channel_id}/"
            f"{flag.card_message_id}"
        )
    return None


class FlagService:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
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
        """Store a flag (a report of an already-flagged message merges), post or refresh its
        card, and set its escalation timer. Returns the flag and whether moderators have a card."""
        now = self.bot.clock.now()
        first = next_escalation(FlagSeverity(new.severity), 0, now, await self.delays(new.guild_id))
        flags = self.bot.storage.flags
        if reporter is not None and new.source == "report":
            flag, merged = await flags.report(new, reporter, reason, now, first)
        elif new.source == "detection" and new.user_id is not None:
            flag, merged = await flags.detect(new, now, first)
        else:
            flag, merged = await flags.create(new, now, first, reporter, reason), False
        description = render.card_description(
            flag,
            jump_url=jump_url,
            message_text=message_text,
            reason=reason if not merged else None,
        )
        if merged and flag.card_message_id and await self.refresh_card(flag):
            return flag, True
        # New, or merged into a flag whose card is gone (deleted by someone): post a card.
        posted = await self._post_card(flag, description)
        if flag.next_escalation_at is not None:
            self.schedule(flag)
        return flag, posted

    async def _post_card(self, flag: Flag, description: str) -> bool:
        config = await self.bot.guild_configs.get(flag.guild_id)
        queue = self.bot.get_channel(config.mod_queue_channel_id or 0)
        reporters = await self.bot.storage.flags.reporters(flag.id)
        if isinstance(queue, discord.TextChannel):
            mention = f"<@&{config.moderator_role_id}>" if config.moderator_role_id else None
            try:
                card = await queue.send(
                    mention,
                    embed=render.card(flag, description, reporters),
                    view=flag_buttons(flag),
                    allowed_mentions=discord.AllowedMentions(
                        roles=[discord.Object(config.moderator_role_id)]
                        if config.moderator_role_id
                        else False
                    ),
                )
            except discord.HTTPException:
                log.warning("flag card refused by the queue channel", extra={"flag": flag.id})
            else:
                await self.bot.storage.flags.set_card(flag.id, queue.id, card.id)
                if await self.bot.storage.guild_extras.clear_alert(flag.guild_id, QUEUE_ALERT):
                    # The queue works again: flags kept while it didn't get their cards now.
                    self.bot.background.spawn(
                        self.post_missing_cards(flag.guild_id), name="cards for kept flags"
                    )
                return True
        await self._queue_missing(flag.guild_id)
        return False

    async def _queue_missing(self, guild_id: int) -> None:
        """Flags are stored whatever happens; the owner hears once how to fix the queue."""
        text = (
            "Hearth couldn't post flags in the moderator-queue channel (missing, or no "
            "permission there). Flags are kept; set the channel with `/hearth setup` and "
            "check `/hearth status`."
        )
        new = await self.bot.storage.guild_extras.raise_alert(
            guild_id, QUEUE_ALERT, text, self.bot.clock.now()
        )
        guild = self.bot.get_guild(guild_id)
        if new and guild is not None and guild.owner_id is not None:
            try:
                dm = await self.bot.create_dm(discord.Object(guild.owner_id))
                await dm.send(f"⚠️ In **{guild.name}**: {text}")
            except discord.HTTPException:
                log.error("queue problem could not be told to the owner", extra={"guild": guild_id})

    async def refresh_card(self, flag: Flag, description: str | None = None) -> bool:
        """Edit the card in place to show the flag as it is now."""
        channel = self.bot.get_channel(flag.card_channel_id or 0)
        if not isinstance(channel, discord.TextChannel) or flag.card_message_id is None:
            return False
        reporters = await self.bot.storage.flags.reporters(flag.id)
        partial = channel.get_partial_message(flag.card_message_id)
        try:
            if description is None:
                current = await partial.fetch()
                description = current.embeds[0].description if current.embeds else ""
            await partial.edit(
                embed=render.card(flag, description or "", reporters), view=flag_buttons(flag)
            )
        except discord.HTTPException:
            log.warning("flag card not updated", extra={"flag": flag.id})
            return False
        return True

    def schedule(self, flag: Flag) -> None:
        if flag.next_escalation_at is None:
            self.bot.scheduler.cancel(job_id(flag.id))
        else:
            self.bot.scheduler.run_once(
                job_id(flag.id), flag.next_escalation_at, self.escalate_due, flag.id
            )

    async def load_all(self) -> None:
        for flag in await self.bot.storage.flags.escalating():
            self.schedule(flag)

    async def post_missing_cards(self, guild_id: int | None = None) -> int:
        """Post cards for flags kept while the queue was unreachable; returns how many."""
        await self.bot.wait_until_ready()
        posted = 0
        async with self._catching_up:
            for flag in await self.bot.storage.flags.without_card(guild_id):
                jump = (
                    f"https://discord.com/channels/{flag.guild_id}/{flag.channel_id}/{flag.message_id}"
                    if flag.message_id
                    else None
                )
                text = render.card_description(flag, jump_url=jump, message_text=None, reason=None)
                note = (
                    "\n-# Kept while the queue channel was unreachable; the message isn't quoted."
                )
                if not await self._post_card(flag, text + note):
                    break  # still unreachable: the owner was told once already
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
        step = flag.escalation_step + 1
        now = self.bot.clock.now()
        following = next_escalation(flag.severity, step, now, await self.delays(flag.guild_id))
        if step > last_step(flag.severity) or not await self.bot.storage.flags.advance(
            flag.id, step, following, actor, now
        ):
            return None
        updated = await self.bot.storage.flags.get(flag.id)
        assert updated is not None
        await self._perform(updated, EscalationStep(min(step, EscalationStep.OWNER)))
        self.schedule(updated)
        return updated

    async def _perform(self, flag: Flag, step: EscalationStep) -> None:
        guild = self.bot.get_guild(flag.guild_id)
        config = await self.bot.guild_configs.get(flag.guild_id)
        url = card_url(flag)
        log.info("flag escalated", extra={"flag": flag.id, "step": int(step)})
        if step == EscalationStep.REPING:
            queue = self.bot.get_channel(config.mod_queue_channel_id or 0)
            if isinstance(queue, discord.TextChannel):
                role = config.moderator_role_id
                try:
                    await queue.send(
                        render.reping(flag, role, url),
                        allowed_mentions=discord.AllowedMentions(
                            roles=[discord.Object(role)] if role else False
                        ),
                    )
                except discord.HTTPException:
                    await self._queue_missing(flag.guild_id)
            else:
                await self._queue_missing(flag.guild_id)
            return
        if step == EscalationStep.ONCALL:
            targets = await self.bot.storage.flags.oncall(flag.guild_id)
            text = render.oncall_dm(flag, guild.name if guild else "your server", url)
            if not targets and guild is not None and guild.owner_id:
                # Nobody is on call: rather than a silent step, the owner hears.
                targets = [guild.owner_id]
                text = render.owner_dm(flag, guild.name, url, nobody_on_call=True)
        else:
            targets = [guild.owner_id] if guild and guild.owner_id else []
            text = render.owner_dm(flag, guild.name if guild else "your server", url)
        for user_id in targets:
            try:
                dm = await self.bot.create_dm(discord.Object(user_id))
                await dm.send(text)
            except discord.HTTPException:
                log.warning("escalation DM not delivered", extra={"flag": flag.id})
