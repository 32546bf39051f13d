"""Erasing a member's data in one server or all: the rows, Hearth's public posts about them,
and the milestone roles it gave. Every part reports what it did, so the reply can be exact."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import discord

from bot.domain.privacy import MemberErasure, ProfileErasure, PublicPost

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.privacy")
REASON = "Hearth: the member asked to erase their data"


@dataclass
class RoleOutcome:
    taken: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)  # Discord said no (permissions, hierarchy)
    unreachable: bool = False  # Hearth is not in the server any more, or Discord failed


@dataclass(frozen=True)
class GuildErasure:
    guild_id: int
    guild_name: str | None
    rows: MemberErasure
    posts_taken_down: int
    posts_left: int
    roles: RoleOutcome


@dataclass(frozen=True)
class ErasureReport:
    guilds: list[GuildErasure]
    profile: ProfileErasure | None  # None: kept (only this server was asked)


class MemberEraser:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    async def erase(self, user_id: int, guild_id: int, *, everywhere: bool) -> ErasureReport:
        guild_ids = [guild_id]
        if everywhere:
            found = await self.bot.storage.privacy.guilds_with_data(user_id)
            guild_ids += [g for g in found if g != guild_id]
        outcomes = [await self._erase_in(user_id, g) for g in guild_ids]
        profile = None
        if everywhere:
            if (await self.bot.zones.for_member(user_id, None)).source == "profile":
                # Clear the cached zone too, so nothing serves the old one from memory.
                await self.bot.zones.set_member_zone(user_id, None, self.bot.clock.now())
            profile = await self.bot.storage.privacy.erase_profile(user_id)
        log.info(
            "member data erased",
            extra={"guilds": len(outcomes), "everywhere": everywhere},
        )
        return ErasureReport(outcomes, profile)

    async def _erase_in(self, user_id: int, guild_id: int) -> GuildErasure:
        rows = await self.bot.storage.privacy.erase_member(guild_id, user_id)
        taken, left = await self._take_down(rows.public_posts)
        roles = await self._take_back_roles(user_id, guild_id)
        guild = self.bot.get_guild(guild_id)
        return GuildErasure(guild_id, guild.name if guild else None, rows, taken, left, roles)

    async def _take_down(self, posts: list[PublicPost]) -> tuple[int, int]:
        taken = left = 0
        for post in posts:
            message = self.bot.get_partial_messageable(post.channel_id).get_partial_message(
                post.message_id
            )
            try:
                await message.delete()
            except discord.NotFound:
                taken += 1  # already gone
            except discord.HTTPException as exc:
                left += 1
                log.warning("post about a member not taken down", extra={"status": exc.status})
            else:
                taken += 1
        return taken, left

    async def _take_back_roles(self, user_id: int, guild_id: int) -> RoleOutcome:
        outcome = RoleOutcome()
        mapped = set((await self.bot.storage.guild_extras.milestone_roles(guild_id)).values())
        if not mapped:
            return outcome
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            outcome.unreachable = True
            return outcome
        try:
            member = await guild.fetch_member(user_id)
        except discord.NotFound:
            return outcome  # not in the server: no roles to take back
        except discord.HTTPException:
            outcome.unreachable = True
            return outcome
        for role_id in sorted(mapped & {role.id for role in member.roles}):
            try:
                await member.remove_roles(discord.Object(role_id), reason=REASON)
            except discord.HTTPException as exc:
                outcome.refused.append(role_id)
                log.warning("milestone role not taken back", extra={"status": exc.status})
            else:
                outcome.taken.append(role_id)
        return outcome
