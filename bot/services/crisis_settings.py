"""Each server's crisis-detection settings, read from the database once and kept in memory:
its detector (with the server's own phrases), quiet channels and switched-off rules.

Whatever changes them (admins' commands, the rule switch, erasing a server) calls
`forget_guild`, and the next message reads them afresh.
"""

from __future__ import annotations

from bot.crisis_model import crisis_detector
from bot.domain.crisis import CrisisDetector
from bot.domain.crisis_settings import guild_phrases
from bot.storage.crisis import CrisisRepository


class CrisisSettingsCache:
    def __init__(self, crisis: CrisisRepository) -> None:
        self._crisis = crisis
        # Built on first use: reading the model takes up to a second (the crisis cog loads it
        # off the event loop at start, so this then costs nothing).
        self._default: CrisisDetector | None = None
        self._detectors: dict[int, CrisisDetector] = {}
        self._quiet: dict[int, set[int]] = {}
        self._disabled: dict[int, set[str]] = {}

    def forget_guild(self, guild_id: int) -> None:
        self._detectors.pop(guild_id, None)
        self._quiet.pop(guild_id, None)
        self._disabled.pop(guild_id, None)

    async def detector(self, guild_id: int) -> CrisisDetector:
        if guild_id not in self._detectors:
            phrases = await self._crisis.phrases(guild_id)
            if not phrases:
                self._default = self._default or crisis_detector()
                self._detectors[guild_id] = self._default
            else:
                self._detectors[guild_id] = crisis_detector(guild_phrases(phrases))
        return self._detectors[guild_id]

    async def is_quiet(self, guild_id: int, channel_id: int, parent_id: int | None) -> bool:
        """Whether detection is off in this channel (or in the channel a thread belongs to)."""
        if guild_id not in self._quiet:
            self._quiet[guild_id] = await self._crisis.quiet_channels(guild_id)
        quiet = self._quiet[guild_id]
        return channel_id in quiet or (parent_id is not None and parent_id in quiet)

    async def switched_off(self, guild_id: int, rule: str) -> bool:
        if guild_id not in self._disabled:
            self._disabled[guild_id] = await self._crisis.disabled_rules(guild_id)
        return rule in self._disabled[guild_id]
