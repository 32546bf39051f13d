"""Keeping Hearth's promises about time: old private notes are blanked, and a server that
removed Hearth has its data erased after a grace period unless Hearth is added back."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.privacy")

DAILY_JOB = "privacy:daily"
DAILY = timedelta(days=1)
# Long enough to undo a mistaken removal; short enough that data does not outlive its use.
REMOVAL_GRACE = timedelta(days=30)


class PrivacyUpkeep(commands.Cog):
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.scheduler.run_every(DAILY_JOB, DAILY, self.run_daily)

    async def cog_unload(self) -> None:
        self.bot.scheduler.cancel(DAILY_JOB)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        # discord.py calls this only for a real removal (GUILD_DELETE without `unavailable`);
        # an outage is on_guild_unavailable and changes nothing here.
        if await self.bot.storage.guild_privacy.mark_removed(guild.id, self.bot.clock.now()):
            log.info(
                "removed from a server: its data is erased in 30 days", extra={"guild": guild.id}
            )

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        if await self.bot.storage.guild_privacy.clear_removed(guild.id):
            log.info("added back to a server: its data is kept", extra={"guild": guild.id})

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        self.bot.background.spawn(self.reconcile_and_run(), name="privacy catch-up")

    async def reconcile_and_run(self) -> None:
        """Removals and re-adds that happened while Hearth was offline show only as a server
        missing from, or back in, the list Discord sends at connect."""
        present = {guild.id for guild in self.bot.guilds}
        repository = self.bot.storage.guild_privacy
        now = self.bot.clock.now()
        for guild_id in present:
            await repository.clear_removed(guild_id)
        # Only this process's shards are announced to it: the others' servers are not missing.
        known = {g for g in await repository.known_guilds() if self.bot.owns_guild(g)}
        gone = sorted(known - present)
        for guild_id in gone:
            await repository.mark_removed(guild_id, now)
        if gone:
            log.warning(
                "not in servers Hearth has data for: erased 30 days after removal unless re-added",
                extra={"guilds": len(gone)},
            )
        await self.run_daily()

    async def run_daily(self) -> None:
        await self.bot.wait_until_ready()
        now = self.bot.clock.now()
        purged = await self.bot.storage.guild_privacy.purge_old_notes(now)
        erased = 0
        for guild_id in await self.bot.storage.guild_privacy.removed_before(now - REMOVAL_GRACE):
            if not self.bot.owns_guild(guild_id):
                continue  # only the process that runs its shard can tell it is still gone
            if self.bot.get_guild(guild_id) is not None:
                await self.bot.storage.guild_privacy.clear_removed(guild_id)  # back after all
                continue
            await self.bot.guild_eraser.erase(guild_id)
            erased += 1
        log.info("privacy upkeep done", extra={"notes_purged": purged, "servers_erased": erased})
