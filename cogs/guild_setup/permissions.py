"""What Hearth needs in each configured place, and what is missing."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.domain.guild_config import GuildConfig
from bot.ui.queue_privacy import how_to_make_private, public_readers

CHANNEL_NEEDS: tuple[tuple[str, str], ...] = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
    ("attach_files", "Attach Files"),
    ("create_public_threads", "Create Public Threads"),
)
CHANNEL_PURPOSES: dict[str, str] = {
    "checkin_channel_id": "Check-in channel",
    "celebrations_channel_id": "Celebrations channel",
    "announcements_channel_id": "Announcements channel",
    "mod_queue_channel_id": "Moderator queue channel",
}
ROLE_PURPOSES: dict[str, str] = {
    "moderator_role_id": "Moderator role",
    "organizer_role_id": "Organizer role",
}
GUILD_NEEDS: tuple[tuple[str, str, str], ...] = (
    ("manage_roles", "Manage Roles", "to give milestone roles"),
    ("manage_events", "Manage Events", "to list meetings in the server's Events"),
)


@dataclass(frozen=True)
class Finding:
    ok: bool
    subject: str
    detail: str


def channel_findings(guild: discord.Guild, config: GuildConfig) -> list[Finding]:
    findings = []
    me = guild.me
    for field, purpose in CHANNEL_PURPOSES.items():
        channel_id = getattr(config, field)
        if channel_id is None:
            continue
        channel = guild.get_channel(channel_id)
        if channel is None:
            findings.append(
                Finding(
                    False,
                    purpose,
                    "this channel no longer exists: choose another with `/hearth setup`",
                )
            )
            continue
        permissions = channel.permissions_for(me)
        missing = [label for attr, label in CHANNEL_NEEDS if not getattr(permissions, attr)]
        if missing:
            findings.append(
                Finding(
                    False,
                    f"{purpose} {channel.mention}",
                    f"Hearth is missing **{', '.join(missing)}**. In the channel's settings → "
                    "Permissions, allow these for Hearth's role.",
                )
            )
        else:
            findings.append(Finding(True, f"{purpose} {channel.mention}", "all good"))
    return findings


def role_findings(guild: discord.Guild, config: GuildConfig) -> list[Finding]:
    findings = []
    for field, purpose in ROLE_PURPOSES.items():
        role_id = getattr(config, field)
        if role_id is None:
            continue
        role = guild.get_role(role_id)
        if role is None:
            findings.append(
                Finding(
                    False,
                    purpose,
                    "this role no longer exists: choose another with `/hearth setup`",
                )
            )
        else:
            findings.append(Finding(True, f"{purpose} {role.mention}", "all good"))
    return findings


def guild_findings(guild: discord.Guild) -> list[Finding]:
    permissions = guild.me.guild_permissions
    return [
        Finding(
            getattr(permissions, attr),
            label,
            "all good" if getattr(permissions, attr) else f"not granted: Hearth needs it {why}",
        )
        for attr, label, why in GUILD_NEEDS
    ]


def queue_privacy_findings(guild: discord.Guild, config: GuildConfig) -> list[Finding]:
    """Whether only moderators can read the moderator queue (checked every time: channel and
    role permissions change after setup)."""
    queue = guild.get_channel(config.mod_queue_channel_id or 0)
    if queue is None:
        return []
    readers = public_readers(queue, config.moderator_role_id)
    if readers:
        return [
            Finding(
                False,
                f"Moderator queue {queue.mention}",
                "not private, so Hearth holds new flags until it is. "
                + how_to_make_private(queue, readers),
            )
        ]
    return [Finding(True, f"Moderator queue {queue.mention}", "only moderators can read it")]
