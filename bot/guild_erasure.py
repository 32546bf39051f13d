"""Erasing everything Hearth keeps for a server: on the owner's request, or 30 days after
Hearth was removed from it."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.guild_configs import GuildConfigs
from bot.storage.guild_privacy import GuildPrivacyRepository

log = logging.getLogger("hearth.privacy")

ERASED_EVENT = "hearth_guild_erased"


class GuildEraser:
    def __init__(
        self,
        repository: GuildPrivacyRepository,
        guild_configs: GuildConfigs,
        announce: Callable[[int], None],
    ) -> None:
        self._repository = repository
        self._guild_configs = guild_configs
        # Tells features that keep a guild's settings in memory to let go of them.
        self._announce = announce

    async def erase(self, guild_id: int) -> int:
        """Delete every row the server has; returns how many."""
        rows = await self._repository.erase_guild(guild_id)
        self._guild_configs.forget(guild_id)
        self._announce(guild_id)
        log.info("server data erased", extra={"guild": guild_id, "rows": rows})
        return rows
