"""Recording a check-in, from the slash command or the daily prompt's form alike."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

import discord

from bot.delivery import Post
from bot.domain.checkins import CheckinInput, Mood, clean_note, needs_gentle_support
from bot.domain.delivery import Priority
from bot.domain.local_time import local_date
from bot.domain.streaks import streaks
from bot.turns import InTurn
from bot.ui.replies import reply_ephemeral
from bot.ui.support_ask import peer_ask_button, peer_support_ready
from bot.ui.support_button import SupportButton
from cogs.checkins import render

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.checkins")


class CheckinRecorder:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        # One member's cards for a day are posted or updated one at a time: a second share
        # while the first card is still on its way (retrying a 503) updates it, never posts a
        # second card.
        self._card_turns = InTurn()

    async def record_and_reply(
        self,
        interaction: discord.Interaction,
        guild: discord.Guild,
        *,
        mood: Mood,
        craving: int | None,
        note: str | None,
        share: bool,
        clear_note: bool = False,
    ) -> None:
        member = interaction.user
        checkin = CheckinInput(mood=mood, craving=craving, note=clean_note(note))
        now = self.bot.clock.now()
        zone = await self.bot.zones.for_member(member.id, guild.id)
        day = local_date(now, zone.name)
        recorded = await self.bot.storage.checkins.record(
            guild.id, member.id, day, checkin, share, now, clear_note=clear_note
        )
        # What is stored now: an update keeps the craving and note not given this time.
        stored = recorded.entry
        kept = recorded.updated and (
            (craving is None and stored.craving is not None)
            or (checkin.note is None and stored.note is not None)
        )
        craving = stored.craving
        lines = [
            render.saved_reply(
                mood=mood,
                craving=craving,
                has_note=stored.note is not None,
                note_cleared=clear_note and checkin.note is None and recorded.updated,
                kept_earlier=kept,
                updated=recorded.updated,
                streaks=streaks(recorded.days, day),
                day=day,
                zone=zone,
            )
        ]
        channel = await self._share_channel(guild) if share else None
        if share:
            lines.append(render.sharing_line(channel))
        view = None
        if needs_gentle_support(mood, craving):
            config = await self.bot.guild_configs.get(guild.id)
            peers = peer_support_ready(self.bot, config)
            can_ask = peers or config.mod_queue_channel_id is not None
            lines.append(
                render.support_offer(
                    self.bot.tree.get_command("helpline") is not None,
                    can_ask_peers=can_ask,
                    peer_supporters=peers,
                )
            )
            if can_ask:
                view = discord.ui.View(timeout=None)
                view.add_item(peer_ask_button(guild.id) if peers else SupportButton(guild.id))
        reason = await self.bot.storage.checkin_schedule.take_notice(guild.id, member.id)
        if reason is not None:
            lines.append(render.reminders_off_notice(reason))
        log.info("check-in recorded", extra={"guild": guild.id, "updated": recorded.updated})
        # Other features (accountability partners) react to it without importing this cog;
        # whether the day is a hard one as stored now spares them a read for every other day.
        hard = needs_gentle_support(mood, craving)
        self.bot.dispatch("checkin_recorded", guild.id, member.id, day, hard)
        await reply_ephemeral(interaction, "\n\n".join(lines), view=view)
        if channel is not None:
            # After the answer: a slow or rate-limited channel must not make the member wait.
            self.bot.background.spawn(
                self._post_card(interaction, channel, day, mood, craving), name="shared check-in"
            )

    async def _share_channel(self, guild: discord.Guild) -> discord.TextChannel | None:
        config = await self.bot.guild_configs.get(guild.id)
        channel = guild.get_channel(config.checkin_channel_id or 0)
        return channel if isinstance(channel, discord.TextChannel) else None

    async def _post_card(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        day: date,
        mood: Mood,
        craving: int | None,
    ) -> None:
        """Post mood and craving (never the note), or update today's card if already shared."""
        async with self._card_turns.turn((channel.guild.id, interaction.user.id, day)):
            await self._post_or_update_card(interaction, channel, day, mood, craving)

    async def _post_or_update_card(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        day: date,
        mood: Mood,
        craving: int | None,
    ) -> None:
        member = interaction.user
        card = render.shared_card(member, mood, craving)
        checkins = self.bot.storage.checkins
        try:
            existing = await checkins.shared_card(channel.guild.id, member.id, day)
            if existing is not None and existing[0] == channel.id:
                await channel.get_partial_message(existing[1]).edit(embed=card)
                return
        except discord.HTTPException as exc:
            log.warning(
                "shared check-in not updated",
                extra={"guild": channel.guild.id, "status": exc.status},
            )
            await reply_ephemeral(interaction, render.share_failed(channel))
            return
        # Retried on passing trouble (a 503 is not the end of it), and never posted twice.
        outcome = await self.bot.delivery.send(
            Post(
                key=f"checkin-card:{interaction.id}",
                priority=Priority.FOLLOWUP,
                guild_id=channel.guild.id,
                channel_id=channel.id,
                embed=card,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        )
        if not outcome.sent or outcome.message_id is None:
            log.warning(
                "shared check-in not posted",
                extra={"guild": channel.guild.id, "cause": outcome.cause},
            )
            await interaction.followup.send(render.share_failed(channel), ephemeral=True)
            return
        await checkins.remember_card(
            channel.guild.id, member.id, day, channel.id, outcome.message_id
        )
