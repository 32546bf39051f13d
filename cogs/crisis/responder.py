"""Noticing crisis language and answering it safely: privately first, moderators told.

Hearth does not counsel. It makes sure the person quickly has the right helplines and that
humans know. The message text is scanned in memory only: never stored, never logged.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.domain.crisis import Category, CrisisDetector, Detection
from bot.storage.flags import NewFlag
from cogs.crisis import render
from cogs.crisis.lines import HelplineLookup
from cogs.modqueue.buttons import service_of

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.crisis")


class CrisisResponder:
    def __init__(self, bot: Hearth, lookup: HelplineLookup) -> None:
        self.bot = bot
        self.lookup = lookup
        self._default = CrisisDetector()
        # Per-guild detectors and quiet channels, rebuilt when an admin changes them.
        self._detectors: dict[int, CrisisDetector] = {}
        self._quiet: dict[int, set[int]] = {}

    def forget_guild(self, guild_id: int) -> None:
        self._detectors.pop(guild_id, None)
        self._quiet.pop(guild_id, None)

    async def _detector(self, guild_id: int) -> CrisisDetector:
        if guild_id not in self._detectors:
            phrases = await self.bot.storage.crisis.phrases(guild_id)
            if not phrases:
                self._detectors[guild_id] = self._default
            else:
                self._detectors[guild_id] = CrisisDetector(render.guild_phrases(phrases))
        return self._detectors[guild_id]

    async def _is_quiet(self, guild_id: int, channel: discord.abc.Messageable) -> bool:
        if guild_id not in self._quiet:
            self._quiet[guild_id] = await self.bot.storage.crisis.quiet_channels(guild_id)
        quiet = self._quiet[guild_id]
        channel_id = getattr(channel, "id", 0)
        parent_id = getattr(channel, "parent_id", None)
        return channel_id in quiet or (parent_id is not None and parent_id in quiet)

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.guild is None or not message.content:
            return
        guild = message.guild
        config = await self.bot.guild_configs.get(guild.id)
        # On by default, but only once there are moderators to hand a flag to.
        if not config.crisis_detection or config.mod_queue_channel_id is None:
            return
        detection = (await self._detector(guild.id)).scan(message.content)
        if detection is None or await self._is_quiet(guild.id, message.channel):
            return
        log.info(
            "crisis language noticed",
            extra={
                "guild": guild.id,
                "channel": message.channel.id,
                "category": detection.category.value,
                "severity": int(detection.severity),
            },
        )
        try:
            told = await self._flag(message, detection)
        except Exception:
            # The member still gets their helplines, whatever went wrong on the moderators' side.
            log.exception("crisis flag could not be raised", extra={"guild": guild.id})
            told = False
        await self._reply(message, detection, told, timedelta(hours=config.crisis_reply_hours))

    async def _flag(self, message: discord.Message, detection: Detection) -> bool:
        """Hand the detection to the moderator queue; True when moderators have its card."""
        assert message.guild is not None
        _, posted = await service_of(self.bot).raise_flag(
            NewFlag(
                guild_id=message.guild.id,
                source="detection",
                category=detection.category.value,
                severity=int(detection.severity),
                user_id=message.author.id,
                channel_id=message.channel.id,
                message_id=message.id,
            ),
            message_text=message.content,
            jump_url=message.jump_url,
        )
        return posted

    async def _reply(
        self,
        message: discord.Message,
        detection: Detection,
        moderators_told: bool,
        quiet_for: timedelta,
    ) -> None:
        assert message.guild is not None
        member = message.author
        country, replies_on = await self.bot.storage.crisis.member_settings(member.id)
        if not replies_on:
            return
        now = self.bot.clock.now()
        if not await self.bot.storage.crisis.claim_reply(
            message.guild.id, member.id, now, quiet_for
        ):
            return  # at most one automatic reply per member in the window; the flag still went
        lines = await self.lookup.for_member(country, message.guild.id)
        text = render.private_reply(
            message.guild.name,
            lines,
            moderators_told,
            someone_else=detection.category == Category.THIRD_PARTY,
        )
        try:
            dm = await self.bot.create_dm(member)
            await dm.send(text)
        except discord.HTTPException as exc:
            if not isinstance(exc, discord.Forbidden):
                log.warning("crisis DM failed", extra={"status": exc.status})
            await self._reply_in_channel(message)

    async def _reply_in_channel(self, message: discord.Message) -> None:
        # DMs closed: a short, gentle pointer that never quotes or repeats what they wrote.
        try:
            await message.channel.send(
                render.channel_reply(message.author),
                allowed_mentions=discord.AllowedMentions(users=[message.author]),
            )
        except discord.HTTPException:
            log.warning(
                "crisis reply could not be sent anywhere",
                extra={"guild": message.guild.id if message.guild else None},
            )
