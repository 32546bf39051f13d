"""The words and embeds admins see for /hearth setup, config and status."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from bot.domain.countries import CountryDirectory
from bot.domain.guild_config import GuildConfig
from bot.ui.pages import line_chunks
from bot.ui.replies import EMBED_FIELD_VALUE
from cogs.guild_setup.permissions import CHANNEL_PURPOSES, ROLE_PURPOSES, Finding

__all__ = ["Finding", "changes_summary", "config_embed", "status_embed"]

HEARTH_COLOUR = discord.Colour(0xE07A5F)

# What stays quiet until each setting exists, so admins know why it matters.
CONSEQUENCES: dict[str, str] = {
    "checkin_channel_id": "no daily check-in prompt, and shared check-ins have nowhere to go",
    "celebrations_channel_id": "public milestone celebrations have nowhere to go",
    "announcements_channel_id": "meetings need their own channel until this is set",
    "mod_queue_channel_id": "reports and flags can't reach moderators — please set this",
    "moderator_role_id": "only members with Manage Server can handle reports",
    "organizer_role_id": "only members with Manage Events can schedule meetings",
    "helpline_country": "/helpline falls back to the international directory for members "
    "without their own country",
}


def _describe_value(
    guild: discord.Guild,
    config: GuildConfig,
    field: str,
    countries: CountryDirectory,
    now: datetime,
) -> str | None:
    value = getattr(config, field)
    if value is None:
        return None
    if field in CHANNEL_PURPOSES:
        channel = guild.get_channel(value)
        return channel.mention if channel else "a deleted channel"
    if field in ROLE_PURPOSES:
        role = guild.get_role(value)
        return role.mention if role else "a deleted role"
    if field == "timezone":
        local = now.astimezone(ZoneInfo(value))
        return f"{value} (it's {local:%H:%M} there now)"
    if field == "checkin_prompt_thread":
        return "yes" if value else "no"
    if field == "helpline_country":
        return f"{countries.name_of(value) or value} ({value})"
    return str(value)


LABELS: dict[str, str] = {
    **CHANNEL_PURPOSES,
    **ROLE_PURPOSES,
    "timezone": "Time zone",
    "helpline_country": "Helpline country",
    "checkin_prompt_time": "Daily check-in prompt",
    "checkin_prompt_thread": "Thread per day",
}


def config_embed(
    guild: discord.Guild,
    config: GuildConfig,
    countries: CountryDirectory,
    now: datetime,
    *,
    title: str = "Hearth setup",
) -> discord.Embed:
    embed = discord.Embed(title=title, colour=HEARTH_COLOUR)
    missing = []
    for field, label in LABELS.items():
        shown = _describe_value(guild, config, field, countries, now)
        embed.add_field(name=label, value=shown or "not set", inline=True)
        if shown is None and field in CONSEQUENCES:
            missing.append(f"• **{label}**: {CONSEQUENCES[field]}")
    if missing:
        embed.description = "Still to set (with `/hearth setup`):\n" + "\n".join(missing)
    else:
        embed.description = "Everything is set. `/hearth status` checks Hearth's permissions."
    return embed


def changes_summary(
    guild: discord.Guild,
    before: GuildConfig,
    after: GuildConfig,
    countries: CountryDirectory,
    now: datetime,
) -> str:
    lines = []
    for field, label in LABELS.items():
        if getattr(before, field) != getattr(after, field):
            shown = _describe_value(guild, after, field, countries, now)
            lines.append(f"• {label}: {shown}")
    if not lines:
        return "Saved. Those were already the settings, so nothing changed."
    return "Saved:\n" + "\n".join(lines)


def status_embed(
    sections: Iterable[tuple[str, list[Finding]]], failed_features: Iterable[str]
) -> discord.Embed:
    embed = discord.Embed(title="Hearth status", colour=HEARTH_COLOUR)
    problems = 0
    for heading, findings in sections:
        if not findings:
            continue
        lines = []
        for finding in findings:
            mark = "✅" if finding.ok else "⚠️"
            problems += not finding.ok
            lines.append(f"{mark} {finding.subject}: {finding.detail}")
        # Whole lines only, continued in a second field if need be: a cut could halve a mention.
        for number, chunk in enumerate(line_chunks(lines, EMBED_FIELD_VALUE)):
            name = heading if number == 0 else f"{heading} (continued)"
            embed.add_field(name=name, value=chunk, inline=False)
    failed = sorted(failed_features)
    if failed:
        problems += len(failed)
        embed.add_field(
            name="Features",
            value="⚠️ These didn't start and are unavailable until Hearth restarts: "
            + ", ".join(failed),
            inline=False,
        )
    embed.description = (
        "Everything Hearth needs is in place."
        if problems == 0
        else f"{problems} thing(s) to fix — each line says how."
    )
    return embed
