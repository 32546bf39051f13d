"""/milestones: what organizers and admins see and set. Never a ranking of anyone's time."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.excerpts import quoted
from bot.domain.local_time import local_date
from bot.domain.sobriety import DEFAULT_PLAN_SPEC, parse_plan, plan_from_spec
from bot.ui.context import require_guild
from bot.ui.errors import UserFacingError
from bot.ui.pages import Listing
from bot.ui.permissions import (
    check_assignable_role,
    has_guild_permissions,
    is_moderator,
    is_organizer,
    role_check_words,
)
from bot.ui.replies import reply_ephemeral
from cogs.sobriety.roles import unsafe_role_alert

if TYPE_CHECKING:
    from bot.app import Hearth

UPCOMING_DAYS = 7


class Milestones(commands.Cog):
    milestones = app_commands.Group(
        name="milestones", description="Milestone celebrations in this server", guild_only=True
    )

    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.paged_lists.register(
            "milestones-upcoming", self._upcoming, command="/milestones upcoming"
        )

    async def cog_unload(self) -> None:
        self.bot.paged_lists.unregister("milestones-upcoming")

    @milestones.command(
        name="upcoming", description="Public milestones in the next 7 days (organizers, moderators)"
    )
    async def upcoming(self, interaction: discord.Interaction) -> None:
        await self.bot.paged_lists.show(interaction, "milestones-upcoming")

    async def _upcoming(self, interaction: discord.Interaction, _: str) -> Listing:
        guild = require_guild(interaction)
        config = await self.bot.guild_configs.get(guild.id)
        if not (is_organizer(interaction, config) or is_moderator(interaction, config)):
            raise UserFacingError("Upcoming milestones are for organizers and moderators.")
        plan = plan_from_spec(config.milestone_plan)
        found = []
        for counter in await self.bot.storage.sobriety.public_counters(guild.id):
            zone = await self.bot.zones.for_member(counter.user_id, guild.id)
            today = local_date(self.bot.clock.now(), zone.name)
            upcoming = plan.next_after(counter.current.start, today - timedelta(days=1))
            if upcoming and upcoming[0] <= today + timedelta(days=UPCOMING_DAYS):
                found.append((upcoming[0], counter.user_id, upcoming[1].label))
        # In date order, so a meeting can celebrate them; never ranked by length of time.
        return Listing(
            [
                f"• {when:%a %-d %b}: <@{user_id}>, {label}"
                for when, user_id, label in sorted(found)
            ],
            heading=f"**Public milestones in the next {UPCOMING_DAYS} days**",
            closing="-# Only members who chose to share their milestones publicly appear.",
            empty=(
                f"No public milestones in the next {UPCOMING_DAYS} days. Only members who "
                "chose to share theirs publicly are listed."
            ),
        )

    @milestones.command(name="plan", description="Set which milestones this server celebrates")
    @app_commands.describe(
        milestones="Comma-separated spans like 24h,7d,30d,6m,1y,yearly — or `default`"
    )
    @app_commands.default_permissions(manage_guild=True)
    @has_guild_permissions(manage_guild=True)
    async def plan(
        self, interaction: discord.Interaction, milestones: app_commands.Range[str, 1, 300]
    ) -> None:
        guild = require_guild(interaction)
        if milestones.strip().lower() == "default":
            await self.bot.guild_configs.update(guild.id, milestone_plan=None)
            await reply_ephemeral(
                interaction, f"Back to the default milestones: `{DEFAULT_PLAN_SPEC}`."
            )
            return
        try:
            parsed = parse_plan(milestones)
        except ValueError as exc:
            raise UserFacingError(
                f"I couldn't use that list: {exc}. Nothing was changed."
            ) from None
        await self.bot.guild_configs.update(guild.id, milestone_plan=parsed.spec())
        labels = ", ".join(m.label for m in parsed.fixed)
        yearly = " and then every year" if parsed.yearly_after else ""
        await reply_ephemeral(interaction, f"Saved. This server celebrates {labels}{yearly}.")

    @milestones.command(name="role", description="Give a role when members reach a milestone")
    @app_commands.describe(
        milestone="A span from the milestone list, e.g. 30d, 6m, 1y",
        role="The role to give (leave empty to stop giving one)",
    )
    @app_commands.default_permissions(manage_guild=True)
    @has_guild_permissions(manage_guild=True)
    async def role(
        self,
        interaction: discord.Interaction,
        milestone: app_commands.Range[str, 1, 20],
        role: discord.Role | None = None,
    ) -> None:
        guild = require_guild(interaction)
        try:
            key = parse_plan(milestone).fixed[0].key
        except (ValueError, IndexError):
            raise UserFacingError(
                f"{quoted(milestone)} isn't a milestone like 30d, 6m or 1y. Nothing was changed."
            ) from None
        if role is not None and (role.managed or role.is_default()):
            raise UserFacingError("That role can't be given by Hearth. Nothing was changed.")
        if role is not None:
            check = check_assignable_role(role, configured_by=interaction.user)
            if not check.safe:
                reasons = "; ".join(role_check_words(check))
                raise UserFacingError(
                    f"I can't give {role.mention} at milestones: {reasons}. Milestone roles are "
                    "badges, so please pick (or make) a role without those powers, below yours "
                    "and Hearth's. Nothing was saved."
                )
        extras = self.bot.storage.guild_extras
        await extras.set_milestone_role(guild.id, key, role.id if role else None)
        # Whatever was wrong with the role this milestone gave before is no longer relevant.
        await extras.clear_alert(guild.id, unsafe_role_alert(key))
        text = (
            f"Members who share a **{key}** milestone publicly will get {role.mention}; it "
            "is taken back if they reset."
            if role
            else f"No role is given at {key} now."
        )
        if role is not None and not guild.me.guild_permissions.manage_roles:
            text += "\n⚠️ Hearth doesn't have Manage Roles yet, so it can't give roles."
        await reply_ephemeral(interaction, text)
