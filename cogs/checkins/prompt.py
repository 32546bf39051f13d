"""The daily check-in prompt: a post with a persistent Check in button that opens a modal."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import TYPE_CHECKING

import discord

from bot.domain.checkins import PROMPT_MAX_ATTEMPTS
from bot.domain.guild_config import GuildConfig
from bot.domain.local_time import at_local_time, local_date, stored_hhmm
from bot.ui.errors import report_interaction_error
from cogs.checkins import render
from cogs.checkins.form import checkin_form

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.checkins.prompt")

OPEN_CHECKIN_ID = "hearth:checkin:open"


class PromptView(discord.ui.View):
    """Registered once at start with a fixed custom_id, so old prompts keep working."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(
        label="Check in", emoji="📝", style=discord.ButtonStyle.primary, custom_id=OPEN_CHECKIN_ID
    )
    async def open_checkin(
        self, interaction: discord.Interaction, button: discord.ui.Button[PromptView]
    ) -> None:
        form = checkin_form(interaction)
        await interaction.response.send_modal(form)
        # Detached from discord.py's store: submissions are handled by their id prefix instead.
        form.stop()

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[PromptView]
    ) -> None:
        await report_interaction_error(interaction, error)


class DailyPromptPoster:
    def __init__(self, bot: Hearth, view: PromptView) -> None:
        self.bot = bot
        self.view = view
        # The local day each guild's prompt was last posted for, so later runs that day cost
        # nothing; the database stays the record (a restart simply asks it again).
        self._done: dict[int, date] = {}

    async def post_due(self, now: datetime) -> None:
        for config in await self.bot.storage.guild_configs.with_checkin_channel():
            guild = self.bot.get_guild(config.guild_id)
            if guild is None or guild.unavailable:
                continue  # not in that server (any more), or Discord hasn't sent it yet
            try:
                await self._post_if_due(config, now)
            except Exception:
                log.exception("daily prompt run failed", extra={"guild": config.guild_id})

    async def _post_if_due(self, config: GuildConfig, now: datetime) -> None:
        prompt_time = stored_hhmm(config.checkin_prompt_time)
        if config.checkin_channel_id is None:
            return  # no channel, no prompt (with_checkin_channel lists only servers with one)
        today = local_date(now, config.timezone)
        if self._done.get(config.guild_id) == today:
            return
        if now < at_local_time(today, prompt_time, config.timezone):
            return
        schedule = self.bot.storage.checkin_schedule
        if not await schedule.claim_prompt(config.guild_id, today, config.checkin_channel_id, now):
            return
        try:
            message, thread = await self._post(config, today)
        except Exception as exc:
            # Whatever went wrong (Discord refused, the connection dropped), record it so the
            # prompt is retried later instead of staying claimed and never posted.
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
        self._done[config.guild_id] = today
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
    if isinstance(error, discord.HTTPException):
        return f"Discord answered {error.status}"
    return "Discord could not be reached"
