"""Mirroring each meeting's current or next occurrence as a Discord scheduled event."""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.meetings import Meeting, current_or_next

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.meetings.events")
ALERT_TOPIC = "meeting-events"


class EventMirror:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    async def sync(self, meeting: Meeting, now: datetime, skipped: Collection[date]) -> None:
        target = current_or_next(meeting, now, skipped)
        if meeting.event_id is not None and meeting.event_start == target:
            return
        guild = self.bot.get_guild(meeting.guild_id)
        if guild is None:
            return
        if target is None:
            await self.remove(meeting)
            return
        if target <= now:
            return  # under way: Discord won't move an event into the past; next sync moves it on
        try:
            event_id = await self._upsert(guild, meeting, target)
        except discord.Forbidden:
            await self.bot.storage.guild_extras.raise_alert(
                meeting.guild_id,
                ALERT_TOPIC,
                "Hearth can't list meetings in the server's Events: it needs Manage Events",
                now,
            )
            return
        except discord.HTTPException as exc:
            log.warning("scheduled event not updated", extra={"status": exc.status})
            return
        await self.bot.storage.meetings.set_event(meeting.id, event_id, target)
        await self.bot.storage.guild_extras.clear_alert(meeting.guild_id, ALERT_TOPIC)

    async def _upsert(self, guild: discord.Guild, meeting: Meeting, start: datetime) -> int:
        details: dict[str, Any] = {
            "name": meeting.name[:100],
            "description": (meeting.description or "")[:1000],
            "start_time": start,
            "end_time": start + meeting.schedule.duration,
            "privacy_level": discord.PrivacyLevel.guild_only,
        }
        channel = guild.get_channel(meeting.voice_channel_id or 0)
        if isinstance(channel, discord.StageChannel):
            details.update(entity_type=discord.EntityType.stage_instance, channel=channel)
        elif isinstance(channel, discord.VoiceChannel):
            details.update(entity_type=discord.EntityType.voice, channel=channel)
        else:
            details.update(
                entity_type=discord.EntityType.external, location=(meeting.link or "Online")[:100]
            )
        if meeting.event_id is not None:
            try:
                event = await guild.fetch_scheduled_event(meeting.event_id)
                await event.edit(**details)
                return event.id
            except discord.NotFound:
                pass  # deleted by someone in the server: create it again
        created = await guild.create_scheduled_event(**details)
        return created.id

    async def remove(self, meeting: Meeting) -> None:
        guild = self.bot.get_guild(meeting.guild_id)
        if meeting.event_id is None or guild is None:
            return
        try:
            event = await guild.fetch_scheduled_event(meeting.event_id)
            await event.delete()
        except discord.NotFound:
            pass  # already gone
        except discord.HTTPException as exc:
            log.warning("scheduled event not removed", extra={"status": exc.status})
            return
        await self.bot.storage.meetings.set_event(meeting.id, None, None)
