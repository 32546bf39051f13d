"""Guild configuration read through a small cache; every change goes through `update`."""

from __future__ import annotations

from typing import Any

from bot.clock import Clock
from bot.domain.guild_config import GuildConfig
from bot.storage.guild_config import GuildConfigRepository


class GuildConfigs:
    def __init__(self, repository: GuildConfigRepository, clock: Clock) -> None:
        self._repository = repository
        self._clock = clock
        self._cache: dict[int, GuildConfig] = {}

    async def get(self, guild_id: int) -> GuildConfig:
        """The guild's configuration; defaults for a guild that never ran setup."""
        cached = self._cache.get(guild_id)
        if cached is not None:
            return cached
        config = await self._repository.get(guild_id) or GuildConfig(guild_id=guild_id)
        self._cache[guild_id] = config
        return config

    async def update(self, guild_id: int, **changes: Any) -> GuildConfig:
        self._cache.pop(guild_id, None)
        config = await self._repository.update(guild_id, changes, self._clock.now())
        self._cache[guild_id] = config
        return config

    def forget(self, guild_id: int) -> None:
        """Drop the cached configuration after the guild's data was erased."""
        self._cache.pop(guild_id, None)
