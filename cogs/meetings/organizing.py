"""What organizers do to meetings, behind the /meetings commands."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord.utils import format_dt

from bot.domain.excerpts import quoted
from bot.domain.local_time import local_date
from bot.domain.meetings import Meeting, MeetingFields, upcoming
from bot.domain.recurrence import local_date_of, occurrences
from bot.ui.delegation import check_can_post_and_ping
from bot.ui.errors import UserFacingError
from bot.ui.permissions import is_organizer
from cogs.meetings import render
from cogs.meetings.inputs import build_fields
from cogs.meetings.service import MeetingService, job_id

if TYPE_CHECKING:
    from bot.app import Hearth


class Organizing:
    def __init__(self, bot: Hearth, service: MeetingService) -> None:
        self.bot = bot
        self.service = service

    async def require_organizer(self, interaction: discord.Interaction) -> discord.Guild:
        guild = interaction.guild
        if guild is None:
            raise UserFacingError("Meetings belong to a server: use this inside one.")
        config = await self.bot.guild_configs.get(guild.id)
        if not is_organizer(interaction, config):
            raise UserFacingError(
                "Scheduling meetings is for organizers (the organizer role, or Manage Events). "
                "Nothing was changed."
            )
        return guild

    async def find(self, guild_id: int, reference: str) -> Meeting:
        """A meeting by id (what autocomplete sends) or by exact name."""
        meetings = await self.bot.storage.meetings.for_guild(guild_id)
        text = reference.strip()
        found = [m for m in meetings if str(m.id) == text] or [
            m for m in meetings if m.name.casefold() == text.casefold()
        ]
        if not found:
            raise UserFacingError(
                f"I can't find a meeting called {quoted(reference)} here. Start "
                "typing its name and pick it from the list."
            )
        return found[0]

    async def add(self, interaction: discord.Interaction, options: dict[str, Any]) -> str:
        guild = await self.require_organizer(interaction)
        check_can_post_and_ping(interaction, options.get("channel"), options.get("ping_role"))
        config = await self.bot.guild_configs.get(guild.id)
        now = self.bot.clock.now()
        fields = build_fields(
            None,
            types_table=self.service.types,
            default_zone=config.timezone,
            today=local_date(now, config.timezone),
            options=options,
        )
        self._check_announcement_channel(fields, config.announcements_channel_id)
        meeting = await self.bot.storage.meetings.create(guild.id, fields, interaction.user.id, now)
        self.service.schedule_soon(meeting.id)
        self.service.events.request(guild.id)
        return self._saved_text("Added", meeting, now)

    async def edit(
        self, interaction: discord.Interaction, reference: str, options: dict[str, Any]
    ) -> str:
        guild = await self.require_organizer(interaction)
        check_can_post_and_ping(interaction, options.get("channel"), options.get("ping_role"))
        meeting = await self.find(guild.id, reference)
        config = await self.bot.guild_configs.get(guild.id)
        now = self.bot.clock.now()
        if not any(v is not None for v in options.values()):
            raise UserFacingError("Nothing to change: give at least one option.")
        fields = build_fields(
            meeting.fields(),
            types_table=self.service.types,
            default_zone=config.timezone,
            today=local_date(now, config.timezone),
            options=options,
        )
        self._check_announcement_channel(fields, config.announcements_channel_id)
        async with self.service.lock(meeting.id):
            updated = await self.bot.storage.meetings.replace(meeting.id, fields, now)
        self.service.schedule_soon(updated.id)
        self.service.events.request(guild.id)
        return self._saved_text("Updated", updated, now)

    async def remove(self, meeting: Meeting) -> None:
        async with self.service.lock(meeting.id):
            current = await self.bot.storage.meetings.get(meeting.id)
            if current is None:
                return
            await self.service.events.remove(current)
            await self.bot.storage.meetings.delete(meeting.id)
            self.bot.scheduler.cancel(job_id(meeting.id))
        self.service.events.request(meeting.guild_id)  # the next meeting takes its place

    async def skip(self, interaction: discord.Interaction, reference: str, day_text: str) -> str:
        guild = await self.require_organizer(interaction)
        meeting = await self.find(guild.id, reference)
        try:
            day = date.fromisoformat(day_text.strip())
        except ValueError:
            raise UserFacingError(
                f"{quoted(day_text)} isn't a date I can read. Use YYYY-MM-DD. Nothing was changed."
            ) from None
        now = self.bot.clock.now()
        occurrence = self._occurrence_on(meeting, day, now)
        if occurrence is None:
            raise UserFacingError(
                f"**{meeting.name}** doesn't meet on {day:%A %-d %B %Y} (or that one has already "
                "started), so there's nothing to skip. Nothing was changed."
            )
        async with self.service.lock(meeting.id):
            if not await self.bot.storage.meetings.add_skip(meeting.id, day, now):
                return f"{day:%A %-d %B} was already skipped."
            posted = await self.service.cancel_occurrence(meeting, occurrence)
        self.service.schedule_soon(meeting.id)
        self.service.events.request(guild.id)
        notice = (
            " I've posted a cancellation notice, as it was already announced." if posted else ""
        )
        return f"Skipped **{meeting.name}** on {format_dt(occurrence, 'F')}.{notice}"

    def _occurrence_on(self, meeting: Meeting, day: date, now: datetime) -> datetime | None:
        window_end = now + timedelta(days=731)
        for start in occurrences(meeting.schedule, now, window_end):
            found_day = local_date_of(meeting.schedule, start)
            if found_day == day:
                return start
            if found_day > day:
                return None
        return None

    def _check_announcement_channel(self, fields: MeetingFields, default: int | None) -> None:
        if fields.announce_channel_id is None and default is None:
            raise UserFacingError(
                "Where should announcements go? Give `channel`, or set the server's "
                "announcements channel with `/hearth setup`. Nothing was changed."
            )

    def _saved_text(self, verb: str, meeting: Meeting, now: datetime) -> str:
        nxt = upcoming(meeting, now, ())
        return (
            f"{verb}: {render.summary_line(meeting, nxt)}\n"
            f"Reminders: {render.reminders_words(meeting)}. Where: {render.where(meeting)}"
        )
