"""Who counts as a moderator, organizer or admin in a guild, and which roles Hearth may give.

Authority is guild-wide: it comes from the member's roles and their server-level permissions
(`Member.guild_permissions`: the owner and Administrator have everything), never from
`interaction.permissions`, which are the permissions in the channel the command was used in.
A channel override granting Manage Messages in one channel makes nobody a moderator.
Commands and buttons use the same checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

from bot.domain.guild_config import GuildConfig
from bot.domain.role_safety import RoleCheck, check_role

T = TypeVar("T")


def guild_permissions(interaction: discord.Interaction) -> discord.Permissions:
    """The member's server-level permissions; none outside a server."""
    member = interaction.user
    if not isinstance(member, discord.Member):
        return discord.Permissions.none()
    return member.guild_permissions


def _has_role(interaction: discord.Interaction, role_id: int | None) -> bool:
    member = interaction.user
    return (
        role_id is not None
        and isinstance(member, discord.Member)
        and any(role.id == role_id for role in member.roles)
    )


def is_moderator(interaction: discord.Interaction, config: GuildConfig) -> bool:
    permissions = guild_permissions(interaction)
    return (
        _has_role(interaction, config.moderator_role_id)
        or permissions.manage_messages
        or permissions.manage_guild
    )


def is_organizer(interaction: discord.Interaction, config: GuildConfig) -> bool:
    permissions = guild_permissions(interaction)
    return (
        _has_role(interaction, config.organizer_role_id)
        or permissions.manage_events
        or permissions.manage_guild
    )


def has_guild_permissions(**required: bool) -> Callable[[T], T]:
    """Like `app_commands.checks.has_permissions`, but on the member's server-level permissions.

    Refusals raise `MissingPermissions`, so the one error path explains them kindly.
    """
    unknown = set(required) - set(discord.Permissions.VALID_FLAGS)
    if unknown:
        raise TypeError(f"Invalid permission(s): {', '.join(sorted(unknown))}")

    def predicate(interaction: discord.Interaction) -> bool:
        held = guild_permissions(interaction)
        missing = [name for name, value in required.items() if getattr(held, name) != value]
        if missing:
            raise app_commands.MissingPermissions(missing)
        return True

    check: Callable[[T], T] = app_commands.check(predicate)
    return check


def check_assignable_role(
    role: discord.Role, *, configured_by: discord.abc.User | None = None
) -> RoleCheck:
    """Whether Hearth may give this role (see `bot.domain.role_safety`).

    With `configured_by`, the role must also sit below that member's highest role, unless they
    own the server.
    """
    guild = role.guild
    configurer_top: int | None = None
    if configured_by is not None and configured_by.id != guild.owner_id:
        configurer_top = (
            configured_by.top_role.position if isinstance(configured_by, discord.Member) else 0
        )
    return check_role(
        permissions=role.permissions.value,
        position=role.position,
        hearth_top_position=guild.me.top_role.position,
        configurer_top_position=configurer_top,
    )


def role_check_words(check: RoleCheck) -> list[str]:
    """Plain reasons a role can't be given, for admins to read and fix."""
    reasons: list[str] = []
    if check.dangerous:
        reasons.append(
            f"it has **{_and_join(check.dangerous)}**, and Hearth never hands out roles with "
            "power over other members"
        )
    if check.not_below_configurer:
        reasons.append("it isn't below your highest role")
    if check.not_below_hearth:
        reasons.append("it isn't below Hearth's own highest role")
    return reasons


def _and_join(names: tuple[str, ...]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
