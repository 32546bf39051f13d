"""Whether Hearth can deliver to a server right now: there, unavailable (an outage), or gone.

Discord says a server is unavailable with GUILD_DELETE `unavailable: true` (and later sends it
again with GUILD_CREATE), and that Hearth was removed with GUILD_DELETE without it. While a server
is unavailable its deliveries wait; once Hearth is removed it gets nothing, and nobody there is
told about failures. Features register what to do when a server is back (available again, or
Hearth added back) so their schedules resume from the database.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.presence")

Resume = Callable[[int], Awaitable[None]]


class Presence(StrEnum):
    PRESENT = "present"
    UNAVAILABLE = "unavailable"  # a Discord outage: deliveries wait for it to come back
    GONE = "gone"  # Hearth was removed: nothing is delivered, nobody is told
    # Another Hearth process runs the server's shard: it does the server's work, never this one.
    ELSEWHERE = "elsewhere"


class GuildPresence:
    def __init__(self, bot: Hearth) -> None:
        self._bot = bot
        self._resumers: list[tuple[str, Resume]] = []

    def of(self, guild_id: int) -> Presence:
        """Meaningful once the bot is ready (every server it is in has been announced)."""
        if not self._bot.owns_guild(guild_id):
            return Presence.ELSEWHERE
        guild = self._bot.get_guild(guild_id)
        if guild is None:
            return Presence.GONE
        if guild.unavailable:
            return Presence.UNAVAILABLE
        return Presence.PRESENT

    def on_return(self, name: str, resume: Resume) -> None:
        """Call `resume(guild_id)` whenever a server becomes deliverable again."""
        self._resumers.append((name, resume))

    def forget(self, name: str) -> None:
        self._resumers = [(n, r) for n, r in self._resumers if n != name]

    def attach(self) -> None:
        self._bot.add_listener(self._unavailable, "on_guild_unavailable")
        self._bot.add_listener(self._back, "on_guild_available")
        self._bot.add_listener(self._back, "on_guild_join")
        self._bot.add_listener(self._removed, "on_guild_remove")

    async def _unavailable(self, guild: discord.Guild) -> None:
        log.warning("server unavailable: deliveries wait for it", extra={"guild": guild.id})

    async def _removed(self, guild: discord.Guild) -> None:
        log.info(
            "Hearth was removed from a server: nothing more goes there", extra={"guild": guild.id}
        )

    async def _back(self, guild: discord.Guild) -> None:
        if not self._bot.is_ready():
            return  # the start-up load already schedules everything from the database
        log.info("server available: its deliveries resume", extra={"guild": guild.id})
        for name, resume in list(self._resumers):
            self._bot.background.spawn(resume(guild.id), name=f"resume {name}")
