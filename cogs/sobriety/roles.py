"""Optional milestone roles: given when a public milestone is reached, taken back on a reset."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.discord_codes import UNKNOWN_MEMBER
from bot.domain.counters import Announce, Counter
from bot.domain.local_time import local_date
from bot.domain.sobriety import plan_from_spec
from bot.ui.permissions import check_assignable_role, role_check_words

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.milestones.roles")

ALERT_TOPIC = "milestone-roles"
REASON = "Hearth milestone roles"


def unsafe_role_alert(milestone_key: str) -> str:
    """The /hearth status alert topic for a milestone whose role Hearth refuses to give."""
    return f"milestone-role-{milestone_key}"


class MilestoneRoles:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    async def grant(self, counter: Counter, milestone_key: str) -> None:
        # Roles are visible to everyone, so only milestones the member made public get one.
        if counter.announce != Announce.PUBLIC:
            return
        extras = self.bot.storage.guild_extras
        role_id = (await extras.milestone_roles(counter.guild_id)).get(milestone_key)
        guild = self.bot.get_guild(counter.guild_id)
        if role_id is None or guild is None:
            return
        # Checked again at every grant: a role may have gained powers since it was configured.
        problem = self._why_unsafe(guild, role_id)
        alert = unsafe_role_alert(milestone_key)
        if problem is not None:
            await extras.raise_alert(
                counter.guild_id,
                alert,
                f"Hearth stopped giving {problem}. Fix the role, or choose another with "
                f"`/milestones role milestone:{milestone_key}`.",
                self.bot.clock.now(),
            )
            log.warning("unsafe milestone role not given", extra={"guild": counter.guild_id})
            return
        await extras.clear_alert(counter.guild_id, alert)
        await self._apply(counter.guild_id, counter.user_id, [role_id], add=True)

    @staticmethod
    def _why_unsafe(guild: discord.Guild, role_id: int) -> str | None:
        role = guild.get_role(role_id)
        if role is None:
            return "a milestone role because that role no longer exists"
        check = check_assignable_role(role)
        if check.safe:
            return None
        return f"{role.mention} at milestones because " + "; and ".join(role_check_words(check))

    async def remove_unearned(self, guild_id: int, user_id: int) -> None:
        """After a reset or removal: take back milestone roles no public counter still earns
        (a reset "nicotine" counter must not cost the roles the "alcohol" one earned)."""
        mapped = await self.bot.storage.guild_extras.milestone_roles(guild_id)
        if not mapped:
            return
        config = await self.bot.guild_configs.get(guild_id)
        plan = plan_from_spec(config.milestone_plan)
        zone = await self.bot.zones.for_member(user_id, guild_id)
        today = local_date(self.bot.clock.now(), zone.name)
        earned = {
            milestone.key
            for counter in await self.bot.storage.sobriety.counters(guild_id, user_id)
            if counter.announce == Announce.PUBLIC
            for _, milestone in plan.milestones_until(counter.current.start, today)
        }
        unearned = [role for key, role in mapped.items() if key not in earned]
        if unearned:
            await self._apply(guild_id, user_id, unearned, add=False)

    async def _apply(self, guild_id: int, user_id: int, role_ids: list[int], *, add: bool) -> None:
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return
        try:
            member = await guild.fetch_member(user_id)
            held = {role.id for role in member.roles}
            roles = [discord.Object(r) for r in role_ids if (r in held) != add]
            if not roles:
                return
            if add:
                await member.add_roles(*roles, reason=REASON)
            else:
                await member.remove_roles(*roles, reason=REASON)
        except discord.NotFound as exc:
            if exc.code == UNKNOWN_MEMBER:
                await self.bot.membership.member_left(guild_id, user_id)
            return
        except discord.Forbidden:
            await self.bot.storage.guild_extras.raise_alert(
                guild_id,
                ALERT_TOPIC,
                "Hearth couldn't change milestone roles: it needs Manage Roles, and its own role "
                "must be above the milestone roles",
                self.bot.clock.now(),
            )
            log.warning("milestone role change refused", extra={"guild": guild_id})
            return
        await self.bot.storage.guild_extras.clear_alert(guild_id, ALERT_TOPIC)
