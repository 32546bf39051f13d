"""The daily check-in prompt: a post with a persistent Check in button that opens a modal."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import TYPE_CHECKING

import discord

from bot.domain.checkins import CRAVING_MAX, CRAVING_MIN, NOTE_MAX_LENGTH, Mood
from bot.domain.guild_config import GuildConfig
from bot.domain.local_time import at_local_time, local_date, parse_hhmm
from bot.storage.checkin_schedule import PROMPT_MAX_ATTEMPTS
from bot.ui.context import require_guild
from bot.ui.errors import UserFacingError, report_interaction_error
from bot.ui.replies import reply_ephemeral
from cogs.checkins import render
from cogs.checkins.recording import CheckinRecorder

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.checkins.prompt")

OPEN_CHECKIN_ID = "hearth:checkin:open"


class CheckinModal(discord.ui.Modal, title="Daily check-in"):
    mood = discord.ui.TextInput(
        custom_id="mood",
        label="Mood, 1 to 5",
        placeholder="1 struggling · 2 low · 3 okay · 4 good · 5 great",
        min_length=1,
        max_length=1,
    )
    craving = discord.ui.TextInput(
        custom_id="craving",
        label="Craving, 0 to 10 (optional)",
        placeholder="0 = none, 10 = very strong",
        required=False,
        max_length=2,
    )
    note = discord.ui.TextInput(
        custom_id="note",
        label="Private note (optional, only you see it)",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=NOTE_MAX_LENGTH,
    )

    def __init__(self, recorder: CheckinRecorder) -> None:
        super().__init__(custom_id="hearth:checkin:modal")
        self.recorder = recorder

    async def on_submit(self, interaction: discord.Interaction) -> None:
        mood = _parse_mood(self.mood.value)
        craving = _parse_craving(self.craving.value)
        reply = await self.recorder.record(
            require_guild(interaction),
            interaction.user,
            mood=mood,
            craving=craving,
            note=self.note.value or None,
            share=False,
        )
        await reply_ephemeral(interaction, reply.content)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await report_interaction_error(interaction, error)


def _parse_mood(text: str) -> Mood:
    value = text.strip()
    if not value.isdigit() or not 1 <= int(value) <= 5:
        raise UserFacingError(
            "Mood needs to be a number from 1 (struggling) to 5 (great). Nothing was saved; "
            "press **Check in** to try again."
        )
    return Mood(int(value))


def _parse_craving(text: str) -> int | None:
    value = text.strip()
    if not value:
        return None
    if not value.isdigit() or not CRAVING_MIN <= int(value) <= CRAVING_MAX:
        raise UserFacingError(
            "Craving needs to be a number from 0 to 10, or left empty. Nothing was saved; "
            "press **Check in** to try again."
        )
    return int(value)


class PromptView(discord.ui.View):
    """Registered once at start with a fixed custom_id, so old prompts keep working."""

    def __init__(self, recorder: CheckinRecorder) -> None:
        super().__init__(timeout=None)
        self.recorder = recorder

    @discord.ui.button(
        label="Check in", emoji="📝", style=discord.ButtonStyle.primary, custom_id=OPEN_CHECKIN_ID
    )
    async def open_checkin(
        self, interaction: discord.Interaction, button: discord.ui.Button[PromptView]
    ) -> None:
        await interaction.response.send_modal(CheckinModal(self.recorder))

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[PromptView]
    ) -> None:
        await report_interaction_error(interaction, error)


class DailyPromptPoster:
    def __init__(self, bot: Hearth, view: PromptView) -> None:
        self.bot = bot
        self.view = view

    async def post_due(self, now: datetime) -> None:
        for config in await self.bot.storage.guild_configs.with_checkin_channel():
            try:
                await self._post_if_due(config, now)
            except Exception:
                log.exception("daily prompt run failed", extra={"guild": config.guild_id})

    async def _post_if_due(self, config: GuildConfig, now: datetime) -> None:
        prompt_time = parse_hhmm(config.checkin_prompt_time)
        assert config.checkin_channel_id is not None
        assert prompt_time is not None
        today = local_date(now, config.timezone)
        if now < at_local_time(today, prompt_time, config.timezone):
            return
        schedule = self.bot.storage.checkin_schedule
        if not await schedule.claim_prompt(config.guild_id, today, config.checkin_channel_id, now):
            return
        try:
            message, thread = await self._post(config, today)
        except (discord.HTTPException, LookupError) as exc:
            reason = _failure_reason(exc)
            attempts = await schedule.prompt_failed(config.guild_id, today, reason, now)
            log.warning(
                "daily prompt not posted",
                extra={"guild": config.guild_id, "reason": reason, "attempt": attempts},
            )
            if attempts >= PROMPT_MAX_ATTEMPTS:
                await schedule.abandon_prompt(config.guild_id, today, now)
                await self._tell_moderators(config, reason)
            return
        await schedule.prompt_posted(
            config.guild_id, today, message.id, thread.id if thread else None, now
        )
        log.info("daily prompt posted", extra={"guild": config.guild_id})

    async def _post(
        self, config: GuildConfig, today: date
    ) -> tuple[discord.Message, discord.Thread | None]:
        channel = self.bot.get_channel(config.checkin_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            raise LookupError("the check-in channel no longer exists")
        message = await channel.send(embed=render.prompt_embed(today), view=self.view)
        thread = None
        if config.checkin_prompt_thread:
            try:
                thread = await message.create_thread(
                    name=f"Check-ins · {today:%-d %b}", auto_archive_duration=1440
                )
            except discord.HTTPException as exc:
                # The prompt itself is up; a missing thread must not make it post again.
                log.warning(
                    "daily thread not created",
                    extra={"guild": config.guild_id, "status": exc.status},
                )
        return message, thread

    async def _tell_moderators(self, config: GuildConfig, reason: str) -> None:
        channel = self.bot.get_channel(config.mod_queue_channel_id or 0)
        text = (
            f"⚠️ I couldn't post today's check-in prompt in <#{config.checkin_channel_id}>: "
            f"{reason}. `/hearth status` shows what to fix."
        )
        if isinstance(channel, discord.TextChannel) and channel.id != config.checkin_channel_id:
            try:
                await channel.send(text)
            except discord.HTTPException as exc:
                log.warning("moderator channel refused the notice", extra={"status": exc.status})
            else:
                return
        log.error(
            "daily prompt failed and no moderator channel could be told",
            extra={"guild": config.guild_id},
        )


def _failure_reason(error: Exception) -> str:
    if isinstance(error, discord.Forbidden):
        return "Hearth is missing permissions there"
    if isinstance(error, (discord.NotFound, LookupError)):
        return "the channel no longer exists"
    assert isinstance(error, discord.HTTPException)
    return f"Discord answered {error.status}"
