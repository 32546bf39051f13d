"""Which roles Hearth may hand out: never one that gives power over other members.

A milestone role is a badge. If Hearth could be pointed at a role with Administrator, anyone
allowed to configure milestones could hand that power to themselves by resetting a counter.
So a role Hearth gives must carry none of the powers below and must sit below both Hearth's own
highest role and (when someone configures it) that person's highest role, as Discord itself
requires when a member hands out roles by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

# Discord permission bits (https://discord.com/developers/docs/topics/permissions).
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
MANAGE_MESSAGES = 1 << 13
MENTION_EVERYONE = 1 << 17
MANAGE_ROLES = 1 << 28
MANAGE_WEBHOOKS = 1 << 29
MODERATE_MEMBERS = 1 << 40

# In the order members read them: the most powerful first.
DANGEROUS_PERMISSIONS: tuple[tuple[int, str], ...] = (
    (ADMINISTRATOR, "Administrator"),
    (MANAGE_GUILD, "Manage Server"),
    (MANAGE_ROLES, "Manage Roles"),
    (MANAGE_CHANNELS, "Manage Channels"),
    (MANAGE_WEBHOOKS, "Manage Webhooks"),
    (MANAGE_MESSAGES, "Manage Messages"),
    (BAN_MEMBERS, "Ban Members"),
    (KICK_MEMBERS, "Kick Members"),
    (MODERATE_MEMBERS, "Moderate Members"),
    (MENTION_EVERYONE, "Mention Everyone"),
)


@dataclass(frozen=True)
class RoleCheck:
    """What stands between a role and Hearth giving it; safe when nothing does."""

    dangerous: tuple[str, ...] = ()  # names of the powers the role carries
    not_below_configurer: bool = False
    not_below_hearth: bool = False

    @property
    def safe(self) -> bool:
        return not (self.dangerous or self.not_below_configurer or self.not_below_hearth)


def dangerous_permissions(permissions: int) -> tuple[str, ...]:
    return tuple(name for bit, name in DANGEROUS_PERMISSIONS if permissions & bit)


def check_role(
    *,
    permissions: int,
    position: int,
    hearth_top_position: int,
    configurer_top_position: int | None = None,
) -> RoleCheck:
    """Whether Hearth may give a role with these permission bits at this position.

    `configurer_top_position` is the highest role position of the member setting the role up;
    None when nobody is configuring it (checked again at a grant) or when that member owns the
    server, who may hand out any role.
    """
    return RoleCheck(
        dangerous=dangerous_permissions(permissions),
        not_below_configurer=(
            configurer_top_position is not None and position >= configurer_top_position
        ),
        not_below_hearth=position >= hearth_top_position,
    )
