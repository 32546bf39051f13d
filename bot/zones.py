"""Which time zone a member's "today" is in: their own, else their server's, else UTC."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.guild_configs import GuildConfigs
from bot.storage.profiles import ProfileRepository

ZoneSource = Literal["profile", "server", "default"]


@dataclass(frozen=True)
class MemberZone:
    name: str
    source: ZoneSource


class ZoneResolver:
    def __init__(self, profiles: ProfileRepository, guild_configs: GuildConfigs) -> None:
        self._profiles = profiles
        self._guild_configs = guild_configs

    async def for_member(self, user_id: int, guild_id: int | None) -> MemberZone:
        own = await self._profiles.timezone(user_id)
        if own:
            return MemberZone(own, "profile")
        if guild_id is not None:
            config = await self._guild_configs.get(guild_id)
            if config.timezone != "UTC":
                return MemberZone(config.timezone, "server")
        return MemberZone("UTC", "default")
