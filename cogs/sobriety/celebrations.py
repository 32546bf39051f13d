"""Celebrating milestones once per period, on the member's local day, as loudly as they chose."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.delivery import FileData, Post
from bot.delivery_outcomes import Found, Outcome, Status
from bot.domain.counters import Announce, Celebration, Counter
from bot.domain.delivery import Priority
from bot.domain.due_times import DueCounter, NextDue, next_celebration_due
from bot.domain.local_time import local_date
from bot.domain.sobriety import Milestone, plan_from_spec
from bot.due_batches import work_through_due
from bot.outbound import priority
from bot.presence import Presence
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
# A celebration that met a passing fault is tried again this much later (the old cadence).
RETRY_AFTER = timedelta(minutes=1)
# A server that is away is looked at again this late at the latest; its return wakes its
# counters at once (see MilestoneSchedule).
AWAY_RECHECK = timedelta(hours=1)


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

    async def celebrate_due(self, now: datetime) -> int:
        """Celebrate what is due by `now` on the counters whose next-due time has come (never a
        walk over every counter), storing each one's next time; returns how many were looked at."""
        due_times = self.bot.storage.due_times

        async def fetch(limit: int) -> list[DueCounter]:
            return await due_times.due_counters(now, limit, self.bot.shard_plan)

        async def look(item: DueCounter) -> NextDue:
            at = await self._next_look(item.counter, now)
            return NextDue((item.counter.id,), item.revision, at)

        return await work_through_due(fetch, look, due_times.reschedule_counters)

    async def _next_look(self, counter: Counter, now: datetime) -> datetime | None:
        if counter.announce == Announce.OFF:
            return None
        if self.bot.presence.of(counter.guild_id) != Presence.PRESENT:
            # An outage waits for the server; a server Hearth left gets nothing.
            return now + AWAY_RECHECK
        try:
            with priority(Priority.TIMED):
                return await self.celebrate_counter(counter, now)
        except Exception:
            log.exception("milestone run failed", extra={"guild": counter.guild_id})
            return now + RETRY_AFTER

    async def celebrate_counter(self, counter: Counter, now: datetime) -> datetime | None:
        """Celebrate the counter's milestones due by `now`; returns when it is next due."""
        if counter.announce == Announce.OFF:
            return None
        config = await self.bot.guild_configs.get(counter.guild_id)
        zone = await self.bot.zones.for_member(counter.user_id, counter.guild_id)
        today = local_date(now, zone.name)
        plan = plan_from_spec(config.milestone_plan)
        due = [
            (reached, milestone)
            for reached, milestone in plan.milestones_until(counter.current.start, today)
            if reached >= today - LATE_WINDOW
        ]
        for reached, milestone in due:
            celebration_id = await self.bot.storage.sobriety.claim_celebration(
                counter.current.id, milestone.key, reached, counter.announce, now
            )
            if celebration_id is not None:
                await self._deliver(counter, celebration_id, reached, milestone, today, now)
        # A celebration given back after a passing fault made the counter due again itself.
        return next_celebration_due(plan, counter.current.start, zone.name, now)

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
            left = await self.bot.membership.has_left(counter.guild_id, counter.user_id)
        except discord.HTTPException as exc:
            # The next run asks again.
            await sobriety.release_celebration(celebration_id, retry_at=now + RETRY_AFTER)
            log.warning("milestone not delivered, will retry", extra={"status": exc.status})
            return
        if left:
            # Never posted, never sent, never retried: they aren't part of this server now.
            await sobriety.finish_celebration(celebration_id, "skipped", None, None, now)
            log.info("milestone skipped: member left", extra={"guild": counter.guild_id})
            return
        png = await asyncio.to_thread(tag_png, milestone)
        if counter.announce == Announce.PUBLIC:
            outcome = await self._post_card(counter, celebration_id, reached, milestone, today, png)
            if outcome.sent:
                await sobriety.finish_celebration(
                    celebration_id, "sent", outcome.channel_id, outcome.message_id, now
                )
                await self.roles.grant(counter, milestone.key)
                return
            if not outcome.lasting:
                await self._retry_later(celebration_id, outcome, now)
                return
            # The card can't be posted there (missing channel, permissions): a DM instead.
        outcome = await self._send_dm(
            counter,
            celebration_id,
            reached,
            milestone,
            today,
            png,
            fell_back=counter.announce == Announce.PUBLIC,
        )
        if outcome.sent:
            # A DM is the member's: no ids kept, so nothing of theirs is ever taken down.
            await sobriety.finish_celebration(celebration_id, "sent", None, None, now)
        elif outcome.status == Status.DMS_CLOSED:
            log.info("milestone DM skipped: DMs closed", extra={"guild": counter.guild_id})
            await sobriety.finish_celebration(celebration_id, "skipped", None, None, now)
        elif outcome.lasting:
            # Refused for good (not a passing fault): record it rather than retry for ever.
            log.warning("milestone refused by Discord", extra={"cause": outcome.cause})
            await sobriety.finish_celebration(celebration_id, "failed", None, None, now)
        else:
            await self._retry_later(celebration_id, outcome, now)

    async def _retry_later(self, celebration_id: int, outcome: Outcome, now: datetime) -> None:
        # Passing trouble or an outage: the next run tries again. Hearth left: nothing to do.
        await self.bot.storage.sobriety.release_celebration(
            celebration_id, retry_at=now + RETRY_AFTER
        )
        log.warning("milestone not delivered, will retry", extra={"cause": outcome.cause})

    async def _post_card(
        self,
        counter: Counter,
        celebration_id: int,
        reached: date,
        milestone: Milestone,
        today: date,
        png: bytes,
    ) -> Outcome:
        """Post the card; a channel that is missing or refuses is shown in /hearth status."""
        config = await self.bot.guild_configs.get(counter.guild_id)
        extras = self.bot.storage.guild_extras
        if config.celebrations_channel_id is None:
            return Outcome(Status.REFUSED, cause="no celebrations channel is set")
        view = discord.ui.View(timeout=None)
        view.add_item(CongratulateButton(celebration_id))
        outcome = await self.bot.delivery.send(
            Post(
                key=f"celebration:{celebration_id}:card",
                priority=Priority.TIMED,
                guild_id=counter.guild_id,
                channel_id=config.celebrations_channel_id,
                embed=render.public_card(f"<@{counter.user_id}>", milestone, reached, today, 0),
                files=(FileData("milestone.png", png),),
                view=view,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        )
        if outcome.sent:
            await extras.clear_alert(counter.guild_id, "celebrations")
        elif outcome.lasting:
            await extras.raise_alert(
                counter.guild_id,
                "celebrations",
                f"Hearth can't post milestone cards in <#{config.celebrations_channel_id}>: "
                f"{outcome.cause}",
                self.bot.clock.now(),
            )
        return outcome

    async def _send_dm(
        self,
        counter: Counter,
        celebration_id: int,
        reached: date,
        milestone: Milestone,
        today: date,
        png: bytes,
        *,
        fell_back: bool,
    ) -> Outcome:
        guild = self.bot.get_guild(counter.guild_id)
        text = render.private_message(
            counter.label, milestone, reached, today, guild.name if guild else None, fell_back
        )
        return await self.bot.delivery.send(
            Post(
                key=f"celebration:{celebration_id}:dm",
                priority=Priority.TIMED,
                guild_id=counter.guild_id,
                user_id=counter.user_id,
                content=text,
                files=(FileData("milestone.png", png),),
            )
        )

    async def recover(self) -> tuple[int, int]:
        """Settle celebrations the last stop left in doubt; returns how many are still unsure
        and how many were given back (never posted: due again now)."""
        sobriety = self.bot.storage.sobriety
        unsure = released = 0
        for celebration in await sobriety.interrupted_celebrations():
            if not self.bot.owns_guild(celebration.guild_id):
                continue  # the process that runs its shard settles it
            now = self.bot.clock.now()
            card = await self.bot.delivery.resolve(f"celebration:{celebration.id}:card")
            if card.found == Found.SENT:
                await sobriety.finish_celebration(
                    celebration.id, "sent", card.channel_id, card.message_id, now
                )
                await self._grant_after_recovery(celebration)
                continue
            dm = await self.bot.delivery.resolve(f"celebration:{celebration.id}:dm")
            if dm.found == Found.SENT:
                await sobriety.finish_celebration(celebration.id, "sent", None, None, now)
            elif Found.UNKNOWN in (card.found, dm.found):
                unsure += 1
            else:
                # The next run sends it.
                await sobriety.release_celebration(celebration.id, retry_at=now)
                released += 1
        return unsure, released

    async def _grant_after_recovery(self, celebration: Celebration) -> None:
        counters = await self.bot.storage.sobriety.counters(
            celebration.guild_id, celebration.user_id
        )
        for counter in counters:
            if counter.current.id == celebration.period_id:
                await self.roles.grant(counter, celebration.milestone_key)
