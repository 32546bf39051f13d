"""Whether a moderator-queue channel is private: readable only by moderators, admins and bots.

The queue shows reports, who made them, and excerpts of crisis messages, so a queue that
members can read would expose the very people it exists to protect.
"""

from __future__ import annotations

import discord

# A role with any of these already moderates the server, so its members may read the queue.
MODERATING = ("administrator", "manage_guild", "manage_messages")


def public_readers(
    channel: discord.abc.GuildChannel,
    moderator_role_id: int | None,
    *,
    also_allowed: tuple[int | None, ...] = (),
) -> list[discord.Role]:
    """Roles whose members can read `channel` without being moderators: @everyone, or any role
    other than the moderator role (and the `also_allowed` roles, e.g. peer supporters for their
    own channel) and bots' own roles that has none of Administrator, Manage Server or Manage
    Messages. Empty when the channel is private. (Overwrites for single members are someone's
    deliberate choice of a person, so they don't make a channel public.)"""
    readers = []
    for role in channel.guild.roles:
        if not role.is_default() and (
            role.id == moderator_role_id
            or role.id in also_allowed
            or role.is_bot_managed()
            or any(getattr(role.permissions, name) for name in MODERATING)
        ):
            continue
        if channel.permissions_for(role).view_channel:
            readers.append(role)
    return readers


def reader_names(roles: list[discord.Role]) -> str:
    """'@everyone' or the roles' names, for admins (plain text: works in DMs too)."""
    names = ["@everyone" if role.is_default() else f"@{role.name}" for role in roles[:5]]
    more = f" and {len(roles) - 5} more" if len(roles) > 5 else ""
    return ", ".join(f"**{name}**" for name in names) + more


def how_to_make_private(channel: discord.abc.GuildChannel, roles: list[discord.Role]) -> str:
    return (
        f"{reader_names(roles)} can read <#{channel.id}>, and the moderator queue shows reports, "
        "who made them, and crisis messages from members. To keep those private, open the "
        "channel's settings → **Permissions** and turn **View Channel** off for @everyone (and "
        "for any role listed here), then on for your moderator role and for Hearth."
    )
