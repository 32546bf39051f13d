"""Celebrating milestones once per period, on the member's local day, as loudly as they chose."""

from __future__ import annotations

import asyncio
import io
import logging
import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.discord_codes import DMS_CLOSED
from bot.domain.counters import Announce, Counter
from bot.domain.local_time import local_date
from bot.domain.sobriety import Milestone, plan_from_spec
from bot.rendering.milestone_tag import render_milestone_tag, tag_colour_for
from bot.ui.errors import reports_errors
from bot.ui.replies import reply_ephemeral
from cogs.sobriety import render
from cogs.sobriety.roles import MilestoneRoles

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.milestones")

# A milestone missed while Hearth was down (or reached just before a counter was set) is still
# celebrated, late, for this long.
LATE_WINDOW = timedelta(days=3)


def tag_png(milestone: Milestone) -> bytes:
    amount = {"d": "days", "m": "months", "y": "years"}[milestone.unit]
    colour = tag_colour_for(**{amount: milestone.amount})
    return render_milestone_tag(render.milestone_headline(milestone), "Every day counts", colour)


class CongratulateButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"hearth:congrats:(?P<id>[0-9]+)"
):
    """Persistent across restarts: the celebration id lives in the custom_id."""

    def __init__(self, celebration_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Congratulate",
                emoji="💐",
                style=discord.ButtonStyle.success,
                custom_id=f"hearth:congrats:{celebration_id}",
            )
        )
        self.celebration_id = celebration_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> CongratulateButton:
        return cls(int(match["id"]))

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        bot: Hearth = interaction.client  # type: ignore[assignment]
        sobriety = bot.storage.sobriety
        celebration = await sobriety.celebration(self.celebration_id)
        if celebration is None:
            await reply_ephemeral(interaction, "This celebration isn't around any more.")
            return
        if celebration.user_id == interaction.user.id:
            await reply_ephemeral(interaction, "This one's yours. We're proud of you! 💛")
            return
        added, count = await sobriety.congratulate(
            self.celebration_id, interaction.user.id, bot.clock.now()
        )
        if not added:
            await reply_ephemeral(interaction, "You've already congratulated them. 💐")
            return
        message = interaction.message
        if message is None or not message.embeds:
            await reply_ephemeral(interaction, "Thank you! 💐")
            return
        embed = message.embeds[0].set_footer(text=render.congratulations_text(count))
        await interaction.response.edit_message(embed=embed)


class MilestoneCelebrator:
    def __init__(self, bot: Hearth, roles: MilestoneRoles) -> None:
        self.bot = bot
        self.roles = roles

    async def celebrate_due(self, now: datetime) -> None:
        for counter in await self.bot.storage.sobriety.announcing_counters():
            try:
                await self.celebrate_counter(counter, now)
            except Exception:
                log.exception("milestone run failed", extra={"guild": counter.guild_id})

    async def celebrate_counter(self, counter: Counter, now: datetime) -> None:
        if counter.announce == Announce.OFF:
            return
        config = await self.bot.guild_configs.get(counter.guild_id)
        zone = await self.bot.zones.for_member(counter.user_id, counter.guild_id)
        today = local_date(now, zone.name)
        due = [
            (reached, milestone)
            for reached, milestone in plan_from_spec(config.milestone_plan).milestones_until(
                counter.current.start, today
            )
            if reached >= today - LATE_WINDOW
        ]
        for reached, milestone in due:
            celebration_id = await self.bot.storage.sobriety.claim_celebration(
                counter.current.id, milestone.key, reached, counter.announce, now
            )
            if celebration_id is not None:
                await self._deliver(counter, celebration_id, reached, milestone, today, now)

    async def _deliver(
        self,
        counter: Counter,
        celebration_id: int,
        reached: date,
        milestone: Milestone,
        today: date,
        now: datetime,
    ) -> None:
        sobriety = self.bot.storage.sobriety
        try:
            if await self.bot.membership.has_left(counter.guild_id, counter.user_id):
                # Never posted, never sent, never retried: they aren't part of this server now.
                await sobriety.finish_celebration(celebration_id, "skipped", None, None, now)
                log.info("milestone skipped: member left", extra={"guild": counter.guild_id})
                return
            png = await asyncio.to_thread(tag_png, milestone)
            if counter.announce == Announce.PUBLIC:
                posted = await self._post_card(
                    counter, celebration_id, reached, milestone, today, png
                )
                if posted is not None:
                    await sobriety.finish_celebration(
                        celebration_id, "sent", posted.channel.id, posted.id, now
                    )
                    await self.roles.grant(counter, milestone.key)
                    return
            status = await self._send_dm(
                counter,
                reached,
                milestone,
                today,
                png,
                fell_back=counter.announce == Announce.PUBLIC,
            )
        except discord.HTTPException as exc:
            if 400 <= exc.status < 500 and exc.status != 429:
                # Refused for good (not a passing fault): record it rather than retry for ever.
                await sobriety.finish_celebration(celebration_id, "failed", None, None, now)
                log.warning("milestone refused by Discord", extra={"status": exc.status})
                return
            # Passing trouble (Discord 5xx, rate limits): the next run tries again.
            await sobriety.release_celebration(celebration_id)
            log.warning("milestone not delivered, will retry", extra={"status": exc.status})
            return
        await sobriety.finish_celebration(celebration_id, status, None, None, now)

    async def _post_card(
        self,
        counter: Counter,
        celebration_id: int,
        reached: date,
        milestone: Milestone,
        today: date,
        png: bytes,
    ) -> discord.Message | None:
        """The posted card, or None when the channel is missing or refuses (admins are told)."""
        config = await self.bot.guild_configs.get(counter.guild_id)
        channel = self.bot.get_channel(config.celebrations_channel_id or 0)
        extras = self.bot.storage.guild_extras
        if not isinstance(channel, discord.TextChannel):
            if config.celebrations_channel_id:
                await extras.raise_alert(
                    counter.guild_id,
                    "celebrations",
                    "the celebrations channel no longer exists",
                    self.bot.clock.now(),
                )
            return None
        view = discord.ui.View(timeout=None)
        view.add_item(CongratulateButton(celebration_id))
        try:
            message = await channel.send(
                embed=render.public_card(f"<@{counter.user_id}>", milestone, reached, today, 0),
                file=discord.File(io.BytesIO(png), filename="milestone.png"),
                view=view,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.Forbidden:
            await extras.raise_alert(
                counter.guild_id,
                "celebrations",
                f"Hearth can't post milestone cards in {channel.mention}: check its permissions",
                self.bot.clock.now(),
            )
            return None
        await extras.clear_alert(counter.guild_id, "celebrations")
        return message

    async def _send_dm(
        self,
        counter: Counter,
        reached: date,
        milestone: Milestone,
        today: date,
        png: bytes,
        *,
        fell_back: bool,
    ) -> str:
        guild = self.bot.get_guild(counter.guild_id)
        text = render.private_message(
            counter.label, milestone, reached, today, guild.name if guild else None, fell_back
        )
        try:
            channel = await self.bot.create_dm(discord.Object(counter.user_id))
            await channel.send(text, file=discord.File(io.BytesIO(png), filename="milestone.png"))
        except discord.Forbidden as exc:
            if exc.code != DMS_CLOSED:
                raise
            log.info("milestone DM skipped: DMs closed", extra={"guild": counter.guild_id})
            return "skipped"
        return "sent"
