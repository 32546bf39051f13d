"""Permission bits and Discord's permission computation (roles, then channel overwrites).

Follows https://discord.com/developers/docs/topics/permissions#permission-overwrites, including
the implicit rules the API applies: no VIEW_CHANNEL means no permissions in that channel, and
without SEND_MESSAGES the permissions that only make sense while sending are dropped too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.fakediscord.models import OVERWRITE_MEMBER, PRIVATE_THREAD, FakeChannel

if TYPE_CHECKING:
    from tests.fakediscord.guild import FakeGuild

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_AUDIT_LOG = 1 << 7
PRIORITY_SPEAKER = 1 << 8
STREAM = 1 << 9
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
SEND_TTS_MESSAGES = 1 << 12
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CONNECT = 1 << 20
SPEAK = 1 << 21
CHANGE_NICKNAME = 1 << 26
MANAGE_ROLES = 1 << 28
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_EVENTS = 1 << 33
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
MODERATE_MEMBERS = 1 << 40
CREATE_EVENTS = 1 << 44
PIN_MESSAGES = 1 << 51

# Every bit Discord defines today (bits 0-52; bit 47 is unassigned). Matches
# discord.Permissions.all(), so tests can compare against it.
ALL_PERMISSIONS = ((1 << 53) - 1) & ~(1 << 47)

# What @everyone gets in a freshly created guild (close to Discord's own default).
DEFAULT_EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | STREAM
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CONNECT
    | SPEAK
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS
)

# The bot's own role: what an invite link with a sensible scope for Hearth would grant.
DEFAULT_BOT_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | CREATE_PUBLIC_THREADS
    | READ_MESSAGE_HISTORY
    | MANAGE_ROLES
    | MANAGE_EVENTS
    | ADD_REACTIONS
    | SEND_MESSAGES_IN_THREADS
)

# Dropped when SEND_MESSAGES is denied in a channel: Discord treats them as meaningless there.
_NEEDS_SEND = MENTION_EVERYONE | SEND_TTS_MESSAGES | ATTACH_FILES | EMBED_LINKS


def base_permissions(guild: FakeGuild, user_id: int) -> int:
    """Guild-level permissions: @everyone plus every role of the member."""
    if user_id == guild.owner_id:
        return ALL_PERMISSIONS
    member = guild.members.get(user_id)
    if member is None:
        return 0
    if member.permissions_override is not None:
        return member.permissions_override
    permissions = guild.roles[guild.id].permissions
    for role_id in member.role_ids:
        role = guild.roles.get(role_id)
        if role is not None:
            permissions |= role.permissions
    if permissions & ADMINISTRATOR:
        return ALL_PERMISSIONS
    return permissions


def channel_permissions(guild: FakeGuild, user_id: int, channel: FakeChannel) -> int:
    """Permissions of a member in one channel (threads inherit their parent's overwrites)."""
    base = base_permissions(guild, user_id)
    member = guild.members.get(user_id)
    if base == ALL_PERMISSIONS or member is None or member.permissions_override is not None:
        return base

    source = channel
    if channel.is_thread and channel.parent_id is not None:
        source = guild.channel_record(channel.parent_id) or channel
    overwrites = {(int(o["id"]), int(o["type"])): o for o in source.overwrites}

    permissions = base
    everyone = overwrites.get((guild.id, 0))
    if everyone is not None:
        permissions = _apply(permissions, everyone)

    # Role overwrites are combined first so that an allow on any role beats a deny on another.
    role_allow = role_deny = 0
    for role_id in member.role_ids:
        overwrite = overwrites.get((role_id, 0))
        if overwrite is not None:
            role_allow |= int(overwrite["allow"])
            role_deny |= int(overwrite["deny"])
    permissions = (permissions & ~role_deny) | role_allow

    member_overwrite = overwrites.get((user_id, OVERWRITE_MEMBER))
    if member_overwrite is not None:
        permissions = _apply(permissions, member_overwrite)

    if not permissions & VIEW_CHANNEL:
        return 0
    if (
        channel.type == PRIVATE_THREAD
        and user_id not in channel.thread_member_ids
        and not permissions & MANAGE_THREADS
    ):
        return 0  # a private thread shows only to those added to it, and to Manage Threads
    if not channel.is_thread and not permissions & SEND_MESSAGES:
        permissions &= ~_NEEDS_SEND
    return permissions


def can_send(permissions: int, channel: FakeChannel) -> bool:
    """Whether these channel permissions allow posting a message in the channel."""
    needed = SEND_MESSAGES_IN_THREADS if channel.is_thread else SEND_MESSAGES
    return bool(permissions & VIEW_CHANNEL) and bool(permissions & needed)


def has(permissions: int, *flags: int) -> bool:
    """True when every flag is present (ADMINISTRATOR implies everything)."""
    if permissions & ADMINISTRATOR:
        return True
    return all(permissions & flag == flag for flag in flags)


def _apply(permissions: int, overwrite: dict[str, object]) -> int:
    return (permissions & ~int(str(overwrite["deny"]))) | int(str(overwrite["allow"]))
