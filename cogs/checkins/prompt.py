"""The daily check-in prompt: a post with a persistent Check in button that opens a modal."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import discord

from bot.delivery import Post
from bot.delivery_outcomes import Found, Status
from bot.domain.checkins import PROMPT_MAX_ATTEMPTS
from bot.domain.delivery import Priority
from bot.domain.due_times import DuePrompt, NextDue, next_prompt_due
from bot.domain.guild_config import GuildConfig
from bot.domain.local_time import at_local_time, local_date, stored_hhmm
from bot.due_batches import work_through_due
from bot.outbound import priority
from bot.presence import Presence
from bot.ui.errors import report_interaction_error
from cogs.checkins import render
from cogs.checkins.form import checkin_form

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.checkins.prompt")

OPEN_CHECKIN_ID = "hearth:checkin:open"
# A prompt that is due and not yet posted (or given up) is looked at again this soon; the
# waits between failed tries are kept by the prompt's own record (PROMPT_RETRY_DELAYS).
RETRY_AFTER = timedelta(seconds=30)
# A server that is away is looked at again this late at the latest; its return wakes it at once.
AWAY_RECHECK = timedelta(hours=1)


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

    async def post_due(self, now: datetime) -> int:
        """Post the prompts due by `now`, reading only servers whose next-due time has come, and
        store each one's next time; returns how many servers were read."""
        due_times = self.bot.storage.due_times

        async def fetch(limit: int) -> list[DuePrompt]:
            return await due_times.due_prompts(now, limit, self.bot.shard_plan)

        async def look(item: DuePrompt) -> NextDue:
            at = await self._next_look(item.config, now)
            return NextDue((item.config.guild_id,), item.revision, at)

        return await work_through_due(fetch, look, due_times.reschedule_prompts)

    async def _next_look(self, config: GuildConfig, now: datetime) -> datetime | None:
        if config.checkin_channel_id is None:
            return None  # no channel, no prompt, until one is set
        if self.bot.presence.of(config.guild_id) != Presence.PRESENT:
            # An outage waits for the server; a server Hearth left gets nothing.
            return now + AWAY_RECHECK
        try:
            with priority(Priority.TIMED):
                await self._post_if_due(config, now)
        except Exception:
            log.exception("daily prompt run failed", extra={"guild": config.guild_id})
            return now + RETRY_AFTER
        today = local_date(now, config.timezone)
        settled = self._done.get(config.guild_id) == today or (
            await self.bot.storage.due_times.prompt_settled(config.guild_id, today)
        )
        return next_prompt_due(
            stored_hhmm(config.checkin_prompt_time), config.timezone, settled, now, RETRY_AFTER
        )

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
        outcome = await self.bot.delivery.send(
            Post(
                key=prompt_key(config.guild_id, today),
                priority=Priority.TIMED,
                guild_id=config.guild_id,
                channel_id=config.checkin_channel_id,
                embed=render.prompt_embed(today),
                view=self.view,
            )
        )
        if not outcome.sent:
            # Recorded so the prompt is retried later instead of staying claimed for ever.
            reason = outcome.cause or "Discord could not be reached"
            attempts = await schedule.prompt_failed(config.guild_id, today, reason, now)
            log.warning(
                "daily prompt not posted",
                extra={"guild": config.guild_id, "reason": reason, "attempt": attempts},
            )
            if attempts >= PROMPT_MAX_ATTEMPTS:
                await schedule.abandon_prompt(config.guild_id, today, now)
                if outcome.status != Status.GONE:
                    await self._tell_moderators(config, today, reason)
            return
        if outcome.message_id is None:  # a sent outcome always carries its message
            raise RuntimeError("a posted prompt came back without a message id")
        thread = await self._open_thread(config, today, outcome.message_id)
        await schedule.prompt_posted(config.guild_id, today, outcome.message_id, thread, now)
        self._done[config.guild_id] = today
        log.info("daily prompt posted", extra={"guild": config.guild_id})

    async def _open_thread(self, config: GuildConfig, today: date, message_id: int) -> int | None:
        if not config.checkin_prompt_thread or config.checkin_channel_id is None:
            return None
        channel = self.bot.get_channel(config.checkin_channel_id)
        if not isinstance(channel, discord.TextChannel):
            return None
        try:
            thread = await channel.get_partial_message(message_id).create_thread(
                name=f"Check-ins · {today:%-d %b}", auto_archive_duration=1440
            )
        except discord.HTTPException as exc:
            # The prompt itself is up; a missing thread must not make it post again.
            log.warning(
                "daily thread not created", extra={"guild": config.guild_id, "status": exc.status}
            )
            return None
        return thread.id

    async def recover(self) -> int:
        """Settle prompts the last stop left in doubt; returns how many are still unsure."""
        schedule = self.bot.storage.checkin_schedule
        unsure = 0
        for guild_id, day in await schedule.interrupted_prompts():
            if not self.bot.owns_guild(guild_id):
                continue  # the process that runs its shard settles it
            found = await self.bot.delivery.resolve(prompt_key(guild_id, day))
            now = self.bot.clock.now()
            if found.found == Found.SENT and found.message_id is not None:
                await schedule.prompt_posted(guild_id, day, found.message_id, None, now)
            elif found.found == Found.NOT_SENT:
                await schedule.prompt_interrupted(guild_id, day, now)
            else:
                unsure += 1
        return unsure

    async def _tell_moderators(self, config: GuildConfig, today: date, reason: str) -> None:
        text = (
            f"⚠️ I couldn't post today's check-in prompt in <#{config.checkin_channel_id}>: "
            f"{reason}. `/hearth status` shows what to fix."
        )
        queue = config.mod_queue_channel_id
        if queue is not None and queue != config.checkin_channel_id:
            outcome = await self.bot.delivery.send(
                Post(
                    key=f"notice:{prompt_key(config.guild_id, today)}",
                    priority=Priority.URGENT,
                    guild_id=config.guild_id,
                    channel_id=queue,
                    content=text,
                )
            )
            if outcome.sent:
                return
            log.warning("moderator channel refused the notice", extra={"cause": outcome.cause})
        log.error(
            "daily prompt failed and no moderator channel could be told",
            extra={"guild": config.guild_id},
        )


def prompt_key(guild_id: int, day: date) -> str:
    return f"prompt:{guild_id}:{day.isoformat()}"
