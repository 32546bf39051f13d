"""Which time zone a member's "today" is in: their own, else their server's, else UTC."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.guild_configs import GuildConfigs
from bot.storage.profiles import ProfileRepository

ZoneSource = Literal["profile", "server", "default"]
# Asked on every check-in; a member's own zone only changes through set_member_zone below.
_CACHE_SIZE = 50_000


@dataclass(frozen=True)
class MemberZone:
    name: str
    source: ZoneSource


class ZoneResolver:
    def __init__(self, profiles: ProfileRepository, guild_configs: GuildConfigs) -> None:
        self._profiles = profiles
        self._guild_configs = guild_configs
        self._own: OrderedDict[int, str | None] = OrderedDict()
        # When every member's zone fits in memory it is loaded once, and then a member missing
        # from the cache simply has none; all changes pass through set_member_zone.
        self._complete: bool | None = None
        # Held while that one load runs, so a burst of first check-ins reads the table once.
        self._loading = asyncio.Lock()
        # Members whose own zone another process sharing the database has just set.
        self._changed_elsewhere: set[int] = set()

    async def follow_other_processes(self) -> None:
        """With several processes on one PostgreSQL database a member may set their zone through
        any of them; the others forget what they kept and read it again."""
        await self._profiles.follow_zone_changes(self._changed_elsewhere.add)

    async def for_member(self, user_id: int, guild_id: int | None) -> MemberZone:
        own = await self._own_zone(user_id)
        if own:
            return MemberZone(own, "profile")
        if guild_id is not None:
            config = await self._guild_configs.get(guild_id)
            if config.timezone != "UTC":
                return MemberZone(config.timezone, "server")
        return MemberZone("UTC", "default")

    async def set_member_zone(self, user_id: int, zone: str | None, now: datetime) -> None:
        """Set (or with None, clear) a member's own zone."""
        self._own.pop(user_id, None)
        await self._profiles.set_timezone(user_id, zone, now)
        self._remember(user_id, zone)

    async def _own_zone(self, user_id: int) -> str | None:
        if self._complete is None:
            async with self._loading:
                if self._complete is None:
                    everyone = await self._profiles.timezones(_CACHE_SIZE)
                    for member, zone in (everyone or {}).items():
                        self._own[member] = zone
                    self._complete = everyone is not None
        if user_id in self._changed_elsewhere:
            self._changed_elsewhere.discard(user_id)
            zone = await self._profiles.timezone(user_id)
            self._remember(user_id, zone)
            return zone
        if user_id in self._own:
            self._own.move_to_end(user_id)
            return self._own[user_id]
        if self._complete:
            return None
        zone = await self._profiles.timezone(user_id)
        self._remember(user_id, zone)
        return zone

    def _remember(self, user_id: int, zone: str | None) -> None:
        self._own[user_id] = zone
        if len(self._own) > _CACHE_SIZE:
            self._own.popitem(last=False)
            self._complete = False  # something was dropped: ask the database from now on
