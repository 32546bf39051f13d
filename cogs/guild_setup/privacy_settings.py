"""/hearth retention and /hearth forget: how long private notes live, and erasing everything.

They join the /hearth group of the GuildSetup cog (see this package's setup), so the group is
defined once and these stay in their own module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.ui.confirm import ConfirmView
from bot.ui.context import require_guild
from bot.ui.errors import UserFacingError
from bot.ui.permissions import has_guild_permissions
from bot.ui.replies import reply_ephemeral

if TYPE_CHECKING:
    from bot.app import Hearth

FOREVER = 0
RETENTION_CHOICES = [
    app_commands.Choice(name="30 days", value=30),
    app_commands.Choice(name="90 days", value=90),
    app_commands.Choice(name="1 year", value=365),
    app_commands.Choice(name="Forever (until each member erases them)", value=FOREVER),
]


def _kept_for(days: int | None) -> str:
    return f"**{days} days**" if days else "**until each member erases them**"


def add_privacy_commands(group: app_commands.Group, bot: Hearth) -> None:
    @group.command(name="retention", description="How long members' private notes are kept")
    @app_commands.describe(keep="Notes older than this are erased daily; leave out to see it")
    @app_commands.choices(keep=RETENTION_CHOICES)
    @has_guild_permissions(manage_guild=True)
    async def retention(
        interaction: discord.Interaction, keep: app_commands.Choice[int] | None = None
    ) -> None:
        guild = require_guild(interaction)
        repository = bot.storage.guild_privacy
        if keep is None:
            days = await repository.retention_days(guild.id)
            await reply_ephemeral(interaction, f"Private notes here are kept {_kept_for(days)}.")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = bot.clock.now()
        days = keep.value or None
        await repository.set_retention(guild.id, days, now)
        text = f"Saved: members' private notes are kept {_kept_for(days)}."
        if days:
            purged = await repository.purge_guild_notes(guild.id, now)
            text += (
                f" Check-in notes and reset notes older than that are erased every day "
                f"({purged} erased just now); the check-ins themselves stay, so streaks and "
                "history are untouched."
            )
        await reply_ephemeral(interaction, text)

    @group.command(name="forget", description="Erase everything Hearth keeps for this server")
    async def forget(interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        if interaction.user.id != guild.owner_id:
            raise UserFacingError(
                "Only the server owner can erase everything Hearth keeps for this server. "
                "Nothing was changed."
            )

        async def erase() -> str:
            rows = await bot.guild_eraser.erase(guild.id)
            return (
                f"Done. Hearth erased everything it kept for **{guild.name}** ({rows} records): "
                "settings, check-ins and notes, counters, meetings, announcements, flags and "
                "their history. It starts fresh here; to remove it too, use Server Settings → "
                "Integrations. Messages it posted, Events it listed and roles it gave are part "
                "of the server and stay. Members' own profiles (time zone, country) are shared "
                "with other servers and stay until each member runs `/privacy delete`."
            )

        view = ConfirmView(
            owner_id=interaction.user.id,
            confirm_label="Erase everything",
            on_confirm=erase,
            kept_text="Kept. Nothing was erased.",
        )
        await reply_ephemeral(
            interaction,
            f"Erase **everything** Hearth keeps for **{guild.name}**: its settings, every "
            "member's check-ins, notes and counters, meetings, announcements, and all "
            "moderator flags and their history? **This can't be undone.**",
            view=view,
        )
        view.asked = interaction
