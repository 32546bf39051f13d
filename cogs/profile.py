"""/profile: a member's own settings, used by every feature that needs their local day."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.excerpts import quoted
from bot.ui.countries import country_choices
from bot.ui.errors import UserFacingError
from bot.ui.inputs import require_timezone, timezone_choices
from bot.ui.replies import reply_ephemeral

if TYPE_CHECKING:
    from bot.app import Hearth


class Profile(commands.Cog):
    profile = app_commands.Group(name="profile", description="Your own Hearth settings")

    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    @profile.command(name="timezone", description="Set the time zone your days are counted in")
    @app_commands.describe(
        timezone="Your time zone, e.g. Europe/Berlin (start typing to search); "
        "`server` to use the server's"
    )
    async def set_timezone(
        self, interaction: discord.Interaction, timezone: app_commands.Range[str, 1, 100]
    ) -> None:
        if timezone.strip().lower() == "server":
            await self.bot.zones.set_member_zone(interaction.user.id, None, self.bot.clock.now())
            await reply_ephemeral(interaction, "Done: your days now follow the server's time zone.")
            return
        zone = require_timezone(timezone)
        await self.bot.zones.set_member_zone(interaction.user.id, zone, self.bot.clock.now())
        local = self.bot.clock.now().astimezone(ZoneInfo(zone))
        await reply_ephemeral(
            interaction,
            f"Saved: your days are counted in **{zone}**, where it's {local:%H:%M} now.",
        )

    @set_timezone.autocomplete("timezone")
    async def _timezone_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return timezone_choices(current)

    @profile.command(name="country", description="Your country, for /helpline")
    @app_commands.describe(country="Your country (start typing); `none` to use the server's")
    async def set_country(
        self, interaction: discord.Interaction, country: app_commands.Range[str, 1, 100]
    ) -> None:
        now = self.bot.clock.now()
        if country.strip().lower() == "none":
            await self.bot.storage.crisis.set_member_country(interaction.user.id, None, now)
            await reply_ephemeral(interaction, "Done: `/helpline` now follows the server.")
            return
        code = self.bot.countries.canonical_code(country)
        if code is None:
            raise UserFacingError(
                f"{quoted(country)} isn't a country I know. Start typing its name "
                "and pick it from the list. Nothing was changed."
            )
        await self.bot.storage.crisis.set_member_country(interaction.user.id, code, now)
        await reply_ephemeral(interaction, f"Saved: **{self.bot.countries.name_of(code)}**.")

    @set_country.autocomplete("country")
    async def _country_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return country_choices(self.bot, current)

    @profile.command(
        name="crisis-replies",
        description="Whether Hearth may message you if you seem to be struggling",
    )
    @app_commands.describe(enabled="On (default) or off; moderators may still be let know")
    async def crisis_replies(self, interaction: discord.Interaction, enabled: bool) -> None:
        await self.bot.storage.crisis.set_member_replies(
            interaction.user.id, enabled, self.bot.clock.now()
        )
        await reply_ephemeral(
            interaction,
            "Automatic support messages are **on**."
            if enabled
            else "Automatic support messages are **off**. `/helpline` still works any time.",
        )

    @profile.command(name="show", description="See your own Hearth settings (private)")
    async def show(self, interaction: discord.Interaction) -> None:
        zone = await self.bot.zones.for_member(interaction.user.id, interaction.guild_id)
        source = {
            "profile": "your own setting",
            "server": "this server's time zone (you haven't set your own)",
            "default": "UTC (neither you nor this server has chosen another zone)",
        }[zone.source]
        lines = [f"**Time zone:** {zone.name} · {source}"]
        if interaction.guild_id is not None:
            reminder = await self.bot.storage.checkin_schedule.reminder(
                interaction.guild_id, interaction.user.id
            )
            if reminder and reminder.enabled:
                lines.append(f"**Check-in reminder:** {reminder.local_time} every day")
            elif reminder and reminder.disabled_reason == "dms_closed":
                lines.append("**Check-in reminder:** off (your direct messages were closed)")
            else:
                lines.append("**Check-in reminder:** off")
        lines.append("-# Only you can see this. `/profile timezone` changes your time zone.")
        await reply_ephemeral(interaction, "\n".join(lines))


async def setup(bot: Hearth) -> None:
    await bot.add_cog(Profile(bot))
