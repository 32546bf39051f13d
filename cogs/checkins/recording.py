"""Recording a check-in, from the slash command or the daily prompt's modal alike."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.domain.checkins import CheckinInput, Mood, clean_note, needs_gentle_support
from bot.domain.local_time import local_date
from bot.domain.streaks import streaks
from cogs.checkins import render

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.checkins")


@dataclass(frozen=True)
class CheckinReply:
    content: str


class CheckinRecorder:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    async def record(
        self,
        guild: discord.Guild,
        member: discord.abc.User,
        *,
        mood: Mood,
        craving: int | None,
        note: str | None,
        share: bool,
    ) -> CheckinReply:
        checkin = CheckinInput(mood=mood, craving=craving, note=clean_note(note))
        now = self.bot.clock.now()
        zone = await self.bot.zones.for_member(member.id, guild.id)
        day = local_date(now, zone.name)
        recorded = await self.bot.storage.checkins.record(
            guild.id, member.id, day, checkin, share, now
        )
        lines = [
            render.saved_reply(
                mood=mood,
                craving=craving,
                has_note=checkin.note is not None,
                updated=recorded.updated,
                streaks=streaks(recorded.days, day),
                day=day,
                zone=zone,
            )
        ]
        if share:
            lines.append(await self._share(guild, member, mood, craving))
        if needs_gentle_support(mood, craving):
            lines.append(render.support_offer(self.bot.tree.get_command("helpline") is not None))
        if await self.bot.storage.checkin_schedule.take_notice(guild.id, member.id):
            lines.append(render.reminders_off_notice())
        log.info("check-in recorded", extra={"guild": guild.id, "updated": recorded.updated})
        return CheckinReply(content="\n\n".join(lines))

    async def _share(
        self, guild: discord.Guild, member: discord.abc.User, mood: Mood, craving: int | None
    ) -> str:
        """Post mood and craving (never the note); say plainly if that wasn't possible."""
        config = await self.bot.guild_configs.get(guild.id)
        channel = (
            guild.get_channel(config.checkin_channel_id) if config.checkin_channel_id else None
        )
        if not isinstance(channel, discord.TextChannel):
            return (
                "I couldn't share it because this server has no check-in channel yet; your "
                "check-in is saved privately."
            )
        try:
            await channel.send(
                embed=render.shared_card(member, mood, craving),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as exc:
            log.warning(
                "shared check-in not posted", extra={"guild": guild.id, "status": exc.status}
            )
            return (
                f"I couldn't post it in {channel.mention} (Hearth may be missing permissions "
                "there); your check-in is saved privately."
            )
        return f"Shared your mood in {channel.mention} (your note stays private)."
