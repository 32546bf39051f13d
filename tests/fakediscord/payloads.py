"""JSON shapes of users, roles, members, channels and guilds, as the v10 API sends them.

Only the fields discord.py reads (plus the common ones a bot might look at) are filled in; the
required ones are noted in /work/shared/DISCORD-PROTOCOL.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakediscord.models import (
    DM,
    FakeChannel,
    FakeMember,
    FakeRole,
    FakeUser,
)

if TYPE_CHECKING:
    from tests.fakediscord.guild import FakeGuild
    from tests.fakediscord.state import FakeState


def user(record: FakeUser) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(record.id),
        "username": record.username,
        "global_name": record.global_name,
        "discriminator": "0",
        "avatar": None,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
    }
    if record.bot:
        data["bot"] = True
    return data


def bot_self(record: FakeUser) -> dict[str, Any]:
    """The bot user as GET /users/@me and READY describe it (adds the private fields)."""
    data = user(record)
    data.update({"verified": True, "mfa_enabled": False, "email": None, "locale": "en-US"})
    return data


def role(record: FakeRole) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(record.id),
        "name": record.name,
        "permissions": str(record.permissions),
        "position": record.position,
        "color": record.color,
        "colors": {"primary_color": record.color, "secondary_color": None, "tertiary_color": None},
        "hoist": record.hoist,
        "managed": record.managed,
        "mentionable": record.mentionable,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }
    if record.bot_id is not None:
        data["tags"] = {"bot_id": str(record.bot_id)}
    return data


def member(
    state: FakeState,
    guild: FakeGuild,
    record: FakeMember,
    *,
    include_user: bool = True,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "roles": [str(r) for r in record.role_ids],
        "joined_at": record.joined_at,
        "nick": record.nick,
        "avatar": None,
        "banner": None,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if include_user:
        data["user"] = user(state.user(record.user_id))
    return data


def channel(record: FakeChannel) -> dict[str, Any]:
    """Guild channel, thread or DM channel object."""
    if record.type == DM:
        return {
            "id": str(record.id),
            "type": DM,
            "last_message_id": _opt_id(record.last_message_id),
            "flags": 0,
            "recipients": [],  # filled in by the caller that knows the user
        }
    data: dict[str, Any] = {
        "id": str(record.id),
        "type": record.type,
        "guild_id": str(record.guild_id),
        "name": record.name,
        "position": record.position,
        "permission_overwrites": [dict(o) for o in record.overwrites],
        "parent_id": _opt_id(record.parent_id),
        "nsfw": record.nsfw,
        "rate_limit_per_user": record.rate_limit_per_user,
        "last_message_id": _opt_id(record.last_message_id),
        "flags": 0,
    }
    if record.is_thread:
        data.update(_thread_fields(record))
    elif record.is_voice:
        data.update({"bitrate": 64000, "user_limit": 0, "rtc_region": None})
    else:
        data["topic"] = record.topic
    return data


def _thread_fields(record: FakeChannel) -> dict[str, Any]:
    data: dict[str, Any] = {
        "owner_id": _opt_id(record.owner_id),
        "message_count": record.message_count,
        "total_message_sent": record.message_count,
        "member_count": min(len(record.thread_member_ids), 50) or 1,
        "thread_metadata": {
            "archived": record.archived,
            "auto_archive_duration": record.auto_archive_duration,
            "archive_timestamp": record.created_at,
            "locked": record.locked,
            "invitable": record.invitable,
            "create_timestamp": record.created_at,
        },
    }
    # Threads carry neither overwrites nor positions of their own.
    return data


def dm_channel(record: FakeChannel, recipient: FakeUser) -> dict[str, Any]:
    data = channel(record)
    data["recipients"] = [user(recipient)]
    return data


def guild_base(guild: FakeGuild) -> dict[str, Any]:
    """Fields shared by GUILD_CREATE and GET /guilds/{id}."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "features": [],
        "roles": [role(r) for r in sorted(guild.roles.values(), key=lambda r: r.position)],
        "emojis": [],
        "stickers": [],
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "vanity_url_code": None,
        "application_id": None,
        "premium_progress_bar_enabled": False,
        "widget_enabled": False,
    }


def guild_create(state: FakeState, guild: FakeGuild, *, all_members: bool) -> dict[str, Any]:
    """GUILD_CREATE payload.

    Without the GUILD_PRESENCES intent Discord only includes the bot itself (and members in
    voice) in ``members``; ``all_members`` reproduces both behaviours.
    """
    data = guild_base(guild)
    bot_id = state.bot_user.id
    members = [
        member(state, guild, m)
        for m in guild.members.values()
        if all_members or m.user_id == bot_id
    ]
    data.update(
        {
            "unavailable": False,
            "large": len(guild.members) >= 250,
            "member_count": len(guild.members),
            "joined_at": guild.joined_at,
            "channels": [_without_guild_id(channel(c)) for c in guild.channels],
            "threads": [channel(t) for t in guild.threads if not t.archived],
            "members": members,
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": list(guild.scheduled_events.values()),
            "soundboard_sounds": [],
        }
    )
    return data


def _without_guild_id(data: dict[str, Any]) -> dict[str, Any]:
    # Channels inside GUILD_CREATE omit guild_id on Discord; discord.py copes either way.
    data.pop("guild_id", None)
    return data


def _opt_id(value: int | None) -> str | None:
    return None if value is None else str(value)
