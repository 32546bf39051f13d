"""/checkin and /checkins: the member's own check-ins, reminders and history; totals for mods."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from statistics import fmean
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.aggregates import summary_days
from bot.domain.checkins import HISTORY_DEFAULT_DAYS, HISTORY_MAX_DAYS, NOTE_MAX_LENGTH, Mood
from bot.domain.local_time import days_between, local_date
from bot.domain.streaks import streaks
from bot.rendering.checkin_chart import ChartDay, render_checkin_chart
from bot.ui.context import require_guild
from bot.ui.errors import UserFacingError, reports_errors
from bot.ui.inputs import require_hhmm
from bot.ui.modals import modal_custom_id
from bot.ui.permissions import is_moderator
from bot.ui.replies import defer_ephemeral, reply_ephemeral
from cogs.checkins import render
from cogs.checkins.form import FORM_PREFIX, handle_submission
from cogs.checkins.recording import CheckinRecorder

if TYPE_CHECKING:
    from bot.app import Hearth

MOOD_CHOICES = [app_commands.Choice(name=render.mood_choice_label(m), value=m.value) for m in Mood]


class Checkins(commands.Cog):
    checkins = app_commands.Group(
        name="checkins", description="Your check-in history and reminders", guild_only=True
    )

    def __init__(self, bot: Hearth, recorder: CheckinRecorder) -> None:
        self.bot = bot
        self.recorder = recorder

    @app_commands.command(
        name="checkin",
        description="Log how today is going (private). Again the same day updates it; "
        "what you leave out is kept",
    )
    @app_commands.guild_only()
    @app_commands.describe(
        mood="How are you feeling today?",
        craving="How strong are cravings today, 0 (none) to 10 (very strong)?",
        note="A private note for yourself (up to 500 characters); never shared",
        share="Post your mood and craving (never the note) in the check-in channel",
        clear_note="True removes the private note you saved earlier today",
    )
    @app_commands.choices(mood=MOOD_CHOICES)
    async def checkin(
        self,
        interaction: discord.Interaction,
        mood: app_commands.Choice[int],
        craving: app_commands.Range[int, 0, 10] | None = None,
        note: app_commands.Range[str, 1, NOTE_MAX_LENGTH] | None = None,
        share: bool = False,
        clear_note: bool = False,
    ) -> None:
        await self.recorder.record_and_reply(
            interaction,
            require_guild(interaction),
            mood=Mood(mood.value),
            craving=craving,
            note=note,
            share=share,
            clear_note=clear_note,
        )

    @commands.Cog.listener()
    @reports_errors
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        custom_id = modal_custom_id(interaction)
        if custom_id is None or not custom_id.startswith(FORM_PREFIX):
            return
        await handle_submission(interaction, self.recorder)

    @checkins.command(name="history", description="Your mood and cravings over time (private)")
    @app_commands.describe(days="How many days to look back, 1 to 365 (default 30)")
    async def history(
        self,
        interaction: discord.Interaction,
        days: app_commands.Range[int, 1, HISTORY_MAX_DAYS] = HISTORY_DEFAULT_DAYS,
    ) -> None:
        if not 1 <= days <= HISTORY_MAX_DAYS:
            raise UserFacingError(
                f"`days` needs to be between 1 and {HISTORY_MAX_DAYS}; you gave {days}."
            )
        guild = require_guild(interaction)
        await defer_ephemeral(interaction)
        zone = await self.bot.zones.for_member(interaction.user.id, guild.id)
        last = local_date(self.bot.clock.now(), zone.name)
        first = last - timedelta(days=days - 1)
        entries = await self.bot.storage.checkins.between(
            guild.id, interaction.user.id, first, last
        )
        all_days = await self.bot.storage.checkins.days(guild.id, interaction.user.id)
        by_day = {entry.local_date: entry for entry in entries}
        chart_days = [
            ChartDay(
                day,
                int(by_day[day].mood) if day in by_day else None,
                by_day[day].craving if day in by_day else None,
            )
            for day in days_between(first, last)
        ]
        png = await asyncio.to_thread(
            render_checkin_chart, chart_days, title=render.history_title(days)
        )
        embed = render.history_embed(
            days=days,
            first=first,
            last=last,
            checked_in=len(entries),
            streaks=streaks(all_days, last),
            average_mood=fmean(int(e.mood) for e in entries) if entries else None,
        )
        await reply_ephemeral(
            interaction,
            embed=embed,
            files=[discord.File(io.BytesIO(png), filename="checkins.png")],
        )

    @checkins.command(
        name="remind",
        description="Get a private reminder if you haven't checked in by a time of day",
    )
    @app_commands.describe(time="Your local time as HH:MM, e.g. 20:30")
    async def remind(
        self, interaction: discord.Interaction, time: app_commands.Range[str, 1, 20]
    ) -> None:
        guild = require_guild(interaction)
        parsed = require_hhmm(time)
        hhmm = f"{parsed:%H:%M}"
        await self.bot.storage.checkin_schedule.set_reminder(
            guild.id, interaction.user.id, hhmm, self.bot.clock.now()
        )
        zone = await self.bot.zones.for_member(interaction.user.id, guild.id)
        text = (
            f"⏰ I'll send you a direct message at **{hhmm}** ({zone.name}) on days you haven't "
            "checked in yet. `/checkins remind-off` stops it."
        )
        if zone.source != "profile":
            text += "\n-# Not your time zone? Set your own with `/profile timezone`."
        await reply_ephemeral(interaction, text)

    @checkins.command(name="remind-off", description="Stop your check-in reminders")
    async def remind_off(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        stopped = await self.bot.storage.checkin_schedule.disable_reminder(
            guild.id, interaction.user.id, self.bot.clock.now()
        )
        await reply_ephemeral(
            interaction,
            "🔕 Reminders are off. `/checkins remind` turns them back on whenever you like."
            if stopped
            else "You don't have reminders switched on, so there's nothing to stop.",
        )

    @checkins.command(
        name="summary",
        description="Check-ins per past day, from 5 members up (moderators; no names)",
    )
    async def summary(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        config = await self.bot.guild_configs.get(guild.id)
        if not is_moderator(interaction, config):
            raise UserFacingError("Check-in totals are for moderators of this server.")
        days = summary_days(self.bot.clock.now())
        figures = await self.bot.storage.checkins.daily_summaries(guild.id, days[-1], days[0])
        await reply_ephemeral(interaction, embed=render.summary_embed(days, figures))
