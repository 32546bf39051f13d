"""The /hearth command group."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.excerpts import quoted
from bot.meeting_limits import events_summary
from bot.ui.context import require_guild
from bot.ui.errors import UserFacingError
from bot.ui.inputs import require_hhmm, require_timezone, timezone_choices
from bot.ui.permissions import has_guild_permissions
from bot.ui.queue_privacy import how_to_make_private, public_readers
from bot.ui.replies import reply_ephemeral
from cogs.guild_setup import render
from cogs.guild_setup.permissions import (
    channel_findings,
    guild_findings,
    peer_findings,
    queue_privacy_findings,
    require_private_peer_channel,
    role_findings,
)

if TYPE_CHECKING:
    from bot.app import Hearth


class GuildSetup(commands.Cog):
    hearth = app_commands.Group(
        name="hearth",
        description="Set up Hearth for this server",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    @hearth.command(
        name="setup",
        description="Choose Hearth's channels, roles, time zone and "
        "helpline country (only what you give changes)",
    )
    @app_commands.describe(
        checkin_channel="Where the daily check-in prompt and shared check-ins go",
        celebrations_channel="Where public milestone celebrations go",
        announcements_channel="Where meeting announcements go by default",
        mod_queue_channel="Private channel where moderators receive reports and flags",
        moderator_role="Members with this role handle reports and flags",
        organizer_role="Members with this role schedule meetings and announcements",
        timezone="The server's time zone, e.g. America/New_York (start typing to search)",
        helpline_country="Default country for /helpline, e.g. US or GB (start typing to search)",
        checkin_time="Local time for the daily check-in prompt, HH:MM (default 09:00)",
        checkin_thread="Open a thread under each day's check-in prompt",
        peer_role="Members with this role are peer supporters (they take support requests)",
        peer_channel="Private channel where peer supporters see support requests",
        share_channel="Where anonymous shares (/share) are posted",
    )
    @has_guild_permissions(manage_guild=True)
    async def setup_command(
        self,
        interaction: discord.Interaction,
        checkin_channel: discord.TextChannel | None = None,
        celebrations_channel: discord.TextChannel | None = None,
        announcements_channel: discord.TextChannel | None = None,
        mod_queue_channel: discord.TextChannel | None = None,
        moderator_role: discord.Role | None = None,
        organizer_role: discord.Role | None = None,
        timezone: app_commands.Range[str, 1, 100] | None = None,
        helpline_country: app_commands.Range[str, 1, 100] | None = None,
        checkin_time: app_commands.Range[str, 1, 20] | None = None,
        checkin_thread: bool | None = None,
        peer_role: discord.Role | None = None,
        peer_channel: discord.TextChannel | None = None,
        share_channel: discord.TextChannel | None = None,
    ) -> None:
        guild = require_guild(interaction)
        changes: dict[str, Any] = {}
        if timezone is not None:
            changes["timezone"] = require_timezone(timezone)
        if helpline_country is not None:
            code = self.bot.countries.canonical_code(helpline_country)
            if code is None:
                raise UserFacingError(
                    f"{quoted(helpline_country)} isn't a country code I know. Use a two-letter "
                    "code like `US` or `GB`; start typing and pick from the list. Nothing was "
                    "saved."
                )
            changes["helpline_country"] = code
        if checkin_time is not None:
            changes["checkin_prompt_time"] = f"{require_hhmm(checkin_time):%H:%M}"
        if checkin_thread is not None:
            changes["checkin_prompt_thread"] = checkin_thread
        for name, value in (
            ("checkin_channel_id", checkin_channel),
            ("celebrations_channel_id", celebrations_channel),
            ("announcements_channel_id", announcements_channel),
            ("mod_queue_channel_id", mod_queue_channel),
            ("moderator_role_id", moderator_role),
            ("organizer_role_id", organizer_role),
            ("peer_role_id", peer_role),
            ("peer_channel_id", peer_channel),
            ("share_channel_id", share_channel),
        ):
            if value is not None:
                changes[name] = value.id
        now = self.bot.clock.now()
        before = await self.bot.guild_configs.get(guild.id)
        if mod_queue_channel is not None:
            role_id = moderator_role.id if moderator_role else before.moderator_role_id
            readers = public_readers(mod_queue_channel, role_id)
            if readers:
                raise UserFacingError(
                    "That channel isn't private, so it can't be the moderator queue yet. "
                    f"{how_to_make_private(mod_queue_channel, readers)} Then run `/hearth setup` "
                    "again. Nothing was saved."
                )
        require_private_peer_channel(before, moderator_role, peer_role, peer_channel)
        if not changes:
            embed = render.config_embed(guild, before, self.bot.countries, now)
            await reply_ephemeral(
                interaction,
                "Nothing to change: pick at least one option. This is the current setup.",
                embed=embed,
            )
            return
        after = await self.bot.guild_configs.update(guild.id, **changes)
        if mod_queue_channel is not None:
            # Flags kept while there was no usable queue are posted in the new one.
            await self.bot.flag_service.recheck_queue(guild.id)
        summary = render.changes_summary(guild, before, after, self.bot.countries, now)
        problems_now = [f for f in channel_findings(guild, after) if not f.ok]
        if problems_now:
            summary += "\n\n⚠️ Hearth can't work fully in every channel yet: see `/hearth status`."
        await reply_ephemeral(
            interaction, summary, embed=render.config_embed(guild, after, self.bot.countries, now)
        )

    @setup_command.autocomplete("timezone")
    async def _timezone_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return timezone_choices(current)

    @setup_command.autocomplete("helpline_country")
    async def _country_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=f"{name} ({code})", value=code)
            for code, name in self.bot.countries.search(current)
        ]

    @hearth.command(name="config", description="Show Hearth's setup for this server")
    @has_guild_permissions(manage_guild=True)
    async def config_command(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        config = await self.bot.guild_configs.get(guild.id)
        embed = render.config_embed(guild, config, self.bot.countries, self.bot.clock.now())
        await reply_ephemeral(interaction, embed=embed)

    @hearth.command(name="status", description="Check that Hearth can do its work in this server")
    @has_guild_permissions(manage_guild=True)
    async def status_command(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        config = await self.bot.guild_configs.get(guild.id)
        sections = [
            ("Channels", channel_findings(guild, config)),
            ("Roles", role_findings(guild, config)),
            ("Server permissions", guild_findings(guild)),
            ("Privacy", queue_privacy_findings(guild, config)),
            ("Peer support", peer_findings(guild, config)),
        ]
        if not config.mod_queue_channel_id:
            sections.append(
                (
                    "Setup",
                    [
                        render.Finding(
                            False,
                            "Moderator queue",
                            "not set: reports and flags can't reach moderators",
                        )
                    ],
                )
            )
        sections.append(
            (
                "Meetings",
                [render.Finding(True, "Events", await events_summary(self.bot.storage, guild.id))],
            )
        )
        alerts = await self.bot.storage.guild_extras.alerts(guild.id)
        if alerts:
            sections.append(
                (
                    "Problems Hearth ran into",
                    [render.Finding(False, a.topic, a.message) for a in alerts],
                )
            )
        embed = render.status_embed(sections, self.bot.failed_cogs)
        await reply_ephemeral(interaction, embed=embed)
