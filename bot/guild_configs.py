"""Guild configuration read through a small cache; every change goes through `update`."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.clock import Clock
from bot.domain.guild_config import GuildConfig
from bot.storage.guild_config import GuildConfigRepository


class GuildConfigs:
    def __init__(self, repository: GuildConfigRepository, clock: Clock) -> None:
        self._repository = repository
        self._clock = clock
        self._cache: dict[int, GuildConfig] = {}
        # One read per guild however many ask at once: a burst of interactions in a server not
        # yet cached (the first minute after start) would otherwise queue one read each.
        self._loading: dict[int, asyncio.Task[GuildConfig]] = {}

    async def get(self, guild_id: int) -> GuildConfig:
        """The guild's configuration; defaults for a guild that never ran setup."""
        cached = self._cache.get(guild_id)
        if cached is not None:
            return cached
        loading = self._loading.get(guild_id)
        if loading is None:
            loading = asyncio.get_running_loop().create_task(self._load(guild_id))
            self._loading[guild_id] = loading
        # Shielded: one asker giving up must not cancel the read the others wait for.
        return await asyncio.shield(loading)

    async def _load(self, guild_id: int) -> GuildConfig:
        try:
            config = await self._repository.get(guild_id) or GuildConfig(guild_id=guild_id)
        finally:
            # Not ours any more if the configuration changed while this read was under way.
            current = self._loading.get(guild_id) is asyncio.current_task()
            if current:
                del self._loading[guild_id]
        if current:
            self._cache[guild_id] = config
        return config

    async def update(self, guild_id: int, **changes: Any) -> GuildConfig:
        self._cache.pop(guild_id, None)
        self._loading.pop(guild_id, None)  # a read under way may predate the change
        config = await self._repository.update(guild_id, changes, self._clock.now())
        self._cache[guild_id] = config
        return config

    def forget(self, guild_id: int) -> None:
        """Drop the cached configuration after the guild's data was erased."""
        self._cache.pop(guild_id, None)
        self._loading.pop(guild_id, None)
