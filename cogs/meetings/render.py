"""How meetings look in Discord. Times are Discord timestamps, so each member sees their own."""

from __future__ import annotations

from datetime import datetime, timedelta

import discord
from discord.utils import format_dt

from bot.domain.meeting_types import MeetingTypes
from bot.domain.meetings import Meeting
from bot.domain.recurrence import describe
from bot.domain.reminder_offsets import format_offset

COLOUR = discord.Colour(0x3D405B)


def where(meeting: Meeting) -> str:
    parts = []
    if meeting.voice_channel_id:
        parts.append(f"<#{meeting.voice_channel_id}>")
    if meeting.link:
        parts.append(meeting.link)
    return " · ".join(parts) or "See the description"


def duration_words(duration: timedelta) -> str:
    return format_offset(duration)


def meeting_embed(meeting: Meeting, occurrence: datetime, types: MeetingTypes) -> discord.Embed:
    embed = discord.Embed(
        title=meeting.name, description=meeting.description or None, colour=COLOUR
    )
    embed.add_field(
        name="When",
        value=f"{format_dt(occurrence, 'F')} ({format_dt(occurrence, 'R')})",
        inline=False,
    )
    embed.add_field(name="Where", value=where(meeting), inline=False)
    embed.add_field(name="Length", value=duration_words(meeting.schedule.duration))
    if meeting.types:
        embed.add_field(name="Format", value=", ".join(types.describe(meeting.types))[:1024])
    embed.set_footer(text=describe(meeting.schedule))
    return embed


def reminder_text(meeting: Meeting, occurrence: datetime, offset: timedelta) -> str:
    return f"📅 **{meeting.name}** starts {format_dt(occurrence, 'R')}."


def cancelled_text(meeting: Meeting, occurrence: datetime) -> str:
    return (
        f"🚫 **{meeting.name}** on {format_dt(occurrence, 'F')} is cancelled. "
        "`/meetings info` shows the next date."
    )


def nudge_text(meeting: Meeting, occurrence: datetime, guild_name: str | None) -> str:
    place = f" in **{guild_name}**" if guild_name else ""
    return (
        f"⏰ **{meeting.name}**{place} starts {format_dt(occurrence, 'R')}. "
        f"Join: {where(meeting)}\n"
        "-# You said you're going. See you there!"
    )


def failure_text(meeting: Meeting, channel_id: int | None, reason: str) -> str:
    place = f" in <#{channel_id}>" if channel_id else ""
    return (
        f"⚠️ I couldn't announce **{meeting.name}**{place}: {reason}. "
        "`/hearth status` shows what to fix; `/meetings edit` can change the channel."
    )


def summary_line(meeting: Meeting, occurrence: datetime | None) -> str:
    when = f"next {format_dt(occurrence, 'f')}" if occurrence else "no more dates"
    return f"**{meeting.name}** · {describe(meeting.schedule)} · {when}"


def reminders_words(meeting: Meeting) -> str:
    if not meeting.reminders and meeting.source_slug:
        return "none of its own: it is listed in the daily meetings digest"
    if not meeting.reminders:
        return "no reminders"
    return ", ".join(f"{format_offset(o)} before" for o in meeting.reminders)


def digest_line(meeting: Meeting, occurrence: datetime) -> str:
    """One entry of the daily digest; the link in <> so Discord shows no preview for each."""
    place = []
    if meeting.voice_channel_id:
        place.append(f"<#{meeting.voice_channel_id}>")
    if meeting.link:
        place.append(f"<{meeting.link}>")
    shown = " · ".join(place) or "details: `/meetings info`"
    name = discord.utils.escape_markdown(meeting.name)
    return f"• {format_dt(occurrence, 't')} **{name}** · {shown}"
