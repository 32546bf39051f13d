"""Hearth's command tree: declared option limits checked for every client, the single on_error,
and syncing only when definitions changed."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime

import discord
from discord import app_commands

from bot.storage.app_state import AppStateRepository
from bot.ui.errors import report_interaction_error
from bot.ui.inputs import check_declared_limits

log = logging.getLogger("hearth.commands")


class HearthTree(app_commands.CommandTree):
    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.type is discord.InteractionType.application_command:
            check_declared_limits(interaction)  # raises a kind refusal, answered by on_error
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_interaction_error(interaction, error)

    def definitions_hash(self, guild: discord.abc.Snowflake | None) -> str:
        payload = [command.to_dict(self) for command in self.get_commands(guild=guild)]
        payload.sort(key=lambda item: (item.get("type", 1), item["name"]))
        encoded = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(encoded).hexdigest()

    async def sync_if_changed(
        self,
        state: AppStateRepository,
        now: datetime,
        *,
        guild: discord.abc.Snowflake | None = None,
        force: bool = False,
    ) -> bool:
        """Sync when the definitions differ from the last successful sync; True if it synced.

        Unconditional syncs at every start get bots rate-limited, so the hash of what was last
        synced is kept per application and scope.
        """
        scope = "global" if guild is None else f"guild:{guild.id}"
        key = f"command_sync:{self.client.application_id}:{scope}"
        digest = self.definitions_hash(guild)
        if not force and await state.get(key) == digest:
            log.info("commands unchanged, sync skipped", extra={"scope": scope})
            return False
        synced = await self.sync(guild=guild)
        await state.set(key, digest, now)
        log.info("commands synced", extra={"scope": scope, "count": len(synced)})
        return True
