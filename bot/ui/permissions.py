"""Who counts as a moderator or organizer in a guild, from its configuration."""

from __future__ import annotations

import discord

from bot.domain.guild_config import GuildConfig


def _has_role(interaction: discord.Interaction, role_id: int | None) -> bool:
    member = interaction.user
    return (
        role_id is not None
        and isinstance(member, discord.Member)
        and any(role.id == role_id for role in member.roles)
    )


def is_moderator(interaction: discord.Interaction, config: GuildConfig) -> bool:
    permissions = interaction.permissions
    return (
        _has_role(interaction, config.moderator_role_id)
        or permissions.manage_messages
        or permissions.manage_guild
    )


def is_organizer(interaction: discord.Interaction, config: GuildConfig) -> bool:
    permissions = interaction.permissions
    return (
        _has_role(interaction, config.organizer_role_id)
        or permissions.manage_events
        or permissions.manage_guild
    )
