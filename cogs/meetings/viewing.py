"""What everyone sees: the coming week, one meeting's details, and a calendar file."""

from __future__ import annotations

import asyncio
import io
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import discord
from discord.utils import format_dt

from bot.domain.local_time import local_date
from bot.domain.meetings import Meeting, upcoming
from bot.domain.recurrence import occurrences
from bot.meeting_limits import events_summary
from bot.rendering.meeting_calendar import CalendarMeeting, render_ics
from bot.ui.pages import Listing
from cogs.meetings import render

if TYPE_CHECKING:
    from bot.app import Hearth
    from cogs.meetings.service import MeetingService

LIST_DAYS = 7
SKIPS_SHOWN = 10


async def week_listing(bot: Hearth, guild_id: int) -> Listing:
    now = bot.clock.now()
    repo = bot.storage.meetings
    skips = await repo.skips_for_guild(guild_id)
    meetings = await repo.for_guild(guild_id)
    # Off the event loop: a week of thousands of meetings takes a while to work out.
    found = await asyncio.to_thread(_week, meetings, skips, now)
    footer = await events_summary(bot.storage, guild_id)
    found.sort(key=lambda item: (item[0], item[1].name))
    return Listing(
        [f"• {format_dt(start, 'f')} · **{m.name}** · {render.where(m)}" for start, m in found],
        heading=f"**Meetings in the next {LIST_DAYS} days** (in your own time zone)",
        closing=f"-# {footer}",
        empty=f"No meetings in the next {LIST_DAYS} days.\n-# {footer}",
    )


def _week(
    meetings: list[Meeting], skips: dict[int, set[date]], now: datetime
) -> list[tuple[datetime, Meeting]]:
    found = []
    for meeting in meetings:
        for start in occurrences(
            meeting.schedule,
            now,
            now + timedelta(days=LIST_DAYS),
            skipped=skips.get(meeting.id, ()),
        ):
            found.append((start, meeting))
    return found


async def info_embed(bot: Hearth, service: MeetingService, meeting: Meeting) -> discord.Embed:
    now = bot.clock.now()
    skipped = await bot.storage.meetings.skips(meeting.id)
    nxt = upcoming(meeting, now, skipped)
    if nxt is None:
        embed = discord.Embed(title=meeting.name, description="No more dates are scheduled.")
    else:
        embed = render.meeting_embed(meeting, nxt, service.types)
    embed.add_field(name="Reminders", value=render.reminders_words(meeting), inline=False)
    today_there = local_date(now, meeting.schedule.zone)
    coming_skips = sorted(d for d in skipped if d >= today_there)
    if coming_skips:
        shown = ", ".join(f"{d:%a %-d %b}" for d in coming_skips[:SKIPS_SHOWN])
        if len(coming_skips) > SKIPS_SHOWN:
            shown += f" and {len(coming_skips) - SKIPS_SHOWN} more (`/meetings calendar` has all)"
        embed.add_field(name="Skipped", value=shown)
    return embed


async def calendar_file(bot: Hearth, guild: discord.Guild) -> discord.File:
    repo = bot.storage.meetings
    entries = []
    for meeting in await repo.for_guild(guild.id):
        skipped = tuple(sorted(await repo.skips(meeting.id)))
        channel = guild.get_channel(meeting.voice_channel_id or 0)
        entries.append(
            CalendarMeeting(
                uid=f"meeting-{meeting.id}-{guild.id}@hearth",
                name=meeting.name,
                description=meeting.description,
                location=meeting.link or (f"#{channel.name} on {guild.name}" if channel else None),
                url=meeting.link,
                schedule=meeting.schedule,
                skipped=skipped,
            )
        )
    # Off the event loop: thousands of meetings take seconds, and others are waiting meanwhile.
    data = await asyncio.to_thread(
        render_ics, entries, calendar_name=f"{guild.name} meetings", generated_at=bot.clock.now()
    )
    return discord.File(io.BytesIO(data), filename="meetings.ics")
