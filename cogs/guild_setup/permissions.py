"""What Hearth needs in each configured place, and what is missing."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.domain.guild_config import GuildConfig
from bot.ui.errors import UserFacingError
from bot.ui.queue_privacy import how_to_make_private, public_readers, reader_names

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
    "peer_channel_id": "Peer channel",
    "share_channel_id": "Anonymous shares channel",
}
ROLE_PURPOSES: dict[str, str] = {
    "moderator_role_id": "Moderator role",
    "organizer_role_id": "Organizer role",
    "peer_role_id": "Peer supporter role",
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


def require_private_peer_channel(
    before: GuildConfig,
    moderator_role: discord.Role | None,
    peer_role: discord.Role | None,
    peer_channel: discord.TextChannel | None,
) -> None:
    """Refuse (saving nothing) a peer role that is everyone, or a peer channel others can read:
    its cards name members who asked for support."""
    if peer_role is not None and (peer_role.is_default() or peer_role.is_bot_managed()):
        raise UserFacingError(
            "The peer supporter role must be a role you give to chosen members, not @everyone "
            "or a bot's role. Nothing was saved."
        )
    if peer_channel is None:
        return
    moderators = moderator_role.id if moderator_role else before.moderator_role_id
    peers = peer_role.id if peer_role else before.peer_role_id
    if peers is None:
        raise UserFacingError(
            "Choose the peer supporter role too (`peer_role`), so I can check that only peer "
            "supporters and moderators can read that channel. Nothing was saved."
        )
    readers = public_readers(peer_channel, moderators, also_allowed=(peers,))
    if readers:
        raise UserFacingError(
            "That channel isn't private, so it can't be the peer channel yet: "
            f"{reader_names(readers)} can read <#{peer_channel.id}>, and its cards name members "
            "who asked for support. In the channel's settings → **Permissions**, turn **View "
            "Channel** off for @everyone (and any role listed here), then on for the peer "
            "supporter role, your moderator role and Hearth. Then run `/hearth setup` again. "
            "Nothing was saved."
        )


def peer_findings(guild: discord.Guild, config: GuildConfig) -> list[Finding]:
    """Whether the peer channel is still private, and whether Hearth can open private threads
    (where peer conversations happen)."""
    channel = guild.get_channel(config.peer_channel_id or 0)
    if channel is None:
        return []
    findings = []
    readers = public_readers(channel, config.moderator_role_id, also_allowed=(config.peer_role_id,))
    if readers:
        findings.append(
            Finding(
                False,
                f"Peer channel {channel.mention}",
                f"{reader_names(readers)} can read it, so support requests go to the moderators "
                "instead until only peer supporters and moderators can.",
            )
        )
    else:
        findings.append(
            Finding(True, f"Peer channel {channel.mention}", "only peer supporters and moderators")
        )
    threads = guild.me.guild_permissions.create_private_threads
    findings.append(
        Finding(
            threads,
            "Create Private Threads",
            "all good"
            if threads
            else "not granted: Hearth needs it to open private peer-support conversations",
        )
    )
    return findings
