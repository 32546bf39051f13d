"""/partner: invite, choose what a partner sees, status, end."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.direct_messages import not_reached
from bot.domain.local_time import local_date
from bot.domain.partners import MAX_PARTNERS, Partnership, PartnerStatus, Sharing
from bot.domain.sobriety import days_sober
from bot.domain.streaks import streaks
from bot.ui.context import require_guild
from bot.ui.errors import UserFacingError
from bot.ui.replies import reply_ephemeral
from cogs.partners import render
from cogs.partners.buttons import invite_view
from cogs.partners.notices import NUDGE_EVERY, NUDGE_JOB, PartnerNotices

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.partners")
NudgeDays = app_commands.Range[int, 1, 30]


class Partners(commands.Cog):
    partner = app_commands.Group(
        name="partner",
        description="Accountability partners: share what you choose",
        guild_only=True,
    )

    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self.notices = PartnerNotices(bot)

    async def cog_load(self) -> None:
        if self.bot.owns_timed_work:
            self.bot.scheduler.run_every(NUDGE_JOB, NUDGE_EVERY, self.notices.nudge_due)

    async def cog_unload(self) -> None:
        self.bot.scheduler.cancel(NUDGE_JOB)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if self.bot.owns_timed_work:
            self.bot.background.spawn(self.notices.resend_unfinished(), name="partner notices")

    @commands.Cog.listener()
    async def on_checkin_recorded(self, guild_id: int, user_id: int, day: date, hard: bool) -> None:
        await self.notices.after_checkin(guild_id, user_id, day, hard)

    # ------------------------------------------------------------------ commands
    @partner.command(name="invite", description="Ask someone to be your accountability partner")
    @app_commands.describe(
        member="Who you'd like as a partner",
        streak="Let them see your check-in streak",
        counter="Let them see one of your counters (its name and days)",
        struggling="Let them know when you have a hard check-in (never your note)",
        nudge_days="Nudge them if you haven't checked in for this many days",
    )
    async def invite(
        self,
        interaction: discord.Interaction,
        member: discord.Member,
        streak: bool = False,
        counter: app_commands.Range[str, 1, 32] | None = None,
        struggling: bool = False,
        nudge_days: NudgeDays | None = None,
    ) -> None:
        guild = require_guild(interaction)
        me = interaction.user.id
        if member.id == me or member.bot:
            raise UserFacingError(
                "Your partner needs to be another member of this server (not you or a bot)."
            )
        sharing = Sharing(
            streak=streak,
            counter_id=await self._counter_id(guild.id, me, counter),
            struggles=struggling,
            nudge_after_days=nudge_days,
        )
        if not sharing.anything:
            raise UserFacingError(
                "Choose at least one thing they'll see: `streak`, a `counter`, `struggling` "
                "check-ins or `nudge_days`. Nothing was sent."
            )
        partners = self.bot.storage.partners
        mine, _ = await partners.live_count(guild.id, me)
        _, theirs = await partners.live_count(guild.id, member.id)
        if mine >= MAX_PARTNERS or theirs >= MAX_PARTNERS:
            who = "You already share with" if mine >= MAX_PARTNERS else "They already have"
            raise UserFacingError(
                f"{who} {MAX_PARTNERS} partners here, which is the most Hearth keeps, so each one "
                "stays personal. `/partner end` frees a place. Nothing was sent."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        invited = await partners.invite(guild.id, me, member.id, sharing, self.bot.clock.now())
        if invited is None:
            raise UserFacingError(
                f"You've already asked <@{member.id}>, or they're already your partner. "
                "`/partner status` shows it; `/partner choose` changes what they see."
            )
        words = render.sharing_words(sharing, counter)
        outcome = await self.bot.dms.send(
            f"partner-invite:{invited.id}",
            member.id,
            guild_id=guild.id,
            embed=render.invitation(interaction.user.display_name, guild.name, words),
            view=invite_view(invited.id),
        )
        if not outcome.sent:
            await partners.end(invited.id, me, self.bot.clock.now())
            raise UserFacingError(f"{not_reached(member.id, outcome)} Nothing was set up.")
        log.info("partner invited", extra={"guild": guild.id, "partnership": invited.id})
        await reply_ephemeral(
            interaction,
            f"I've asked <@{member.id}> privately. If they say yes, they'll see:\n"
            f"{render.bullet(words)}\nNever your private notes. I'll let you know their answer. 💛",
        )

    @partner.command(name="choose", description="Change what a partner of yours sees")
    @app_commands.describe(
        member="Your partner",
        streak="Your check-in streak",
        counter="One of your counters, or 'none'",
        struggling="A note when you have a hard check-in",
        nudge_days="A nudge after this many days without a check-in (0: none)",
    )
    async def choose(
        self,
        interaction: discord.Interaction,
        member: discord.Member,
        streak: bool | None = None,
        counter: app_commands.Range[str, 1, 32] | None = None,
        struggling: bool | None = None,
        nudge_days: app_commands.Range[int, 0, 30] | None = None,
    ) -> None:
        guild = require_guild(interaction)
        me = interaction.user.id
        mine = [
            p
            for p in await self.bot.storage.partners.between(guild.id, me, member.id)
            if p.user_id == me
        ]
        if not mine:
            raise UserFacingError(f"<@{member.id}> isn't your partner here. Nothing was changed.")
        current = mine[0].sharing
        counter_id = current.counter_id
        if counter is not None:
            counter_id = (
                None
                if counter.strip().lower() == "none"
                else await self._counter_id(guild.id, me, counter)
            )
        updated = Sharing(
            streak=current.streak if streak is None else streak,
            counter_id=counter_id,
            struggles=current.struggles if struggling is None else struggling,
            nudge_after_days=current.nudge_after_days
            if nudge_days is None
            else (nudge_days or None),
        )
        if not updated.anything:
            raise UserFacingError(
                "That would leave them seeing nothing: `/partner end` ends the partnership "
                "instead. Nothing was changed."
            )
        await self.bot.storage.partners.set_sharing(mine[0].id, updated)
        label = await self._counter_label(guild.id, me, updated.counter_id)
        words = render.sharing_words(updated, label)
        await reply_ephemeral(
            interaction, f"Saved. <@{member.id}> now sees:\n{render.bullet(words)}"
        )

    @partner.command(name="status", description="Your partners, and what each of you sees")
    async def status(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        me = interaction.user.id
        sharing, watching, pending = [], [], []
        for partnership in await self.bot.storage.partners.involving(guild.id, me):
            if partnership.user_id == me:
                label = await self._counter_label(guild.id, me, partnership.sharing.counter_id)
                sharing.append((partnership, render.sharing_words(partnership.sharing, label)))
            elif partnership.status == PartnerStatus.ACTIVE:
                watching.append((partnership, await self.partner_view(partnership)))
            else:
                pending.append(partnership)
        embed = render.status_embed(sharing, watching, pending)
        await reply_ephemeral(interaction, embed=embed)

    @partner.command(name="end", description="End a partnership (they're told kindly)")
    @app_commands.describe(member="The partner, or the member whose partner you are")
    async def end(self, interaction: discord.Interaction, member: discord.User) -> None:
        guild = require_guild(interaction)
        me = interaction.user.id
        partners = self.bot.storage.partners
        found = await partners.between(guild.id, me, member.id)
        if not found:
            raise UserFacingError(
                f"You and <@{member.id}> aren't partners here. `/partner status` shows yours."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.bot.clock.now()
        ended = [p for p in found if await partners.end(p.id, me, now)]
        log.info("partnership ended", extra={"guild": guild.id, "count": len(ended)})
        if not ended:
            await reply_ephemeral(interaction, "That partnership had already ended.")
            return
        was_invited = all(p.status == PartnerStatus.INVITED for p in ended)
        outcome = await self.bot.dms.send(
            f"partner-ended:{min(p.id for p in ended)}",
            member.id,
            guild_id=guild.id,
            content=render.ended_dm(me, guild.name, was_invited),
        )
        told = (
            f"I have told <@{member.id}> kindly."
            if outcome.sent
            else f"{not_reached(member.id, outcome)} The partnership is ended all the same."
        )
        await reply_ephemeral(
            interaction, f"Ended. {told} Thank you for looking after yourself. 💛"
        )

    @invite.autocomplete("counter")
    @choose.autocomplete("counter")
    async def _counter_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        counters = await self.bot.storage.sobriety.counters(
            interaction.guild_id, interaction.user.id
        )
        return [
            app_commands.Choice(name=c.label, value=c.label)
            for c in counters
            if current.casefold() in c.label.casefold()
        ][:25]

    # ------------------------------------------------------------------ helpers
    async def partner_view(self, partnership: Partnership) -> list[str]:
        """What `partnership.partner_id` sees of the member: only what the member chose."""
        zone = await self.bot.zones.for_member(partnership.user_id, partnership.guild_id)
        today = local_date(self.bot.clock.now(), zone.name)
        streak = None
        if partnership.sharing.streak:
            days = await self.bot.storage.checkins.days(partnership.guild_id, partnership.user_id)
            streak = streaks(days, today).current
        counter = None
        if partnership.sharing.counter_id is not None:
            for found in await self.bot.storage.sobriety.counters(
                partnership.guild_id, partnership.user_id
            ):
                if found.id == partnership.sharing.counter_id:
                    counter = (found.label, days_sober(found.current.start, today))
        return render.partner_view(streak, counter, partnership)

    async def _counter_id(self, guild_id: int, user_id: int, label: str | None) -> int | None:
        if label is None:
            return None
        found = await self.bot.storage.sobriety.counter(guild_id, user_id, label)
        if found is None:
            raise UserFacingError(
                f"You don't have a counter called “{label}” here (`/sobriety set` starts one; "
                "start typing to pick yours). Nothing was changed."
            )
        return found.id

    async def _counter_label(
        self, guild_id: int, user_id: int, counter_id: int | None
    ) -> str | None:
        if counter_id is None:
            return None
        for counter in await self.bot.storage.sobriety.counters(guild_id, user_id):
            if counter.id == counter_id:
                return counter.label
        return None
