"""Plain records for the fake's world: users, roles, members, channels.

Messages, commands and scheduled events are kept as JSON dicts (they are created from request
bodies and returned nearly verbatim); the entities below have behaviour (permissions, hierarchy)
so they are typed records and are turned into JSON by :mod:`payloads`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Channel types (https://discord.com/developers/docs/resources/channel#channel-object-channel-types)
GUILD_TEXT = 0
DM = 1
GUILD_VOICE = 2
GUILD_CATEGORY = 4
GUILD_ANNOUNCEMENT = 5
ANNOUNCEMENT_THREAD = 10
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
GUILD_STAGE_VOICE = 13
GUILD_FORUM = 15
THREAD_TYPES = frozenset({ANNOUNCEMENT_THREAD, PUBLIC_THREAD, PRIVATE_THREAD})

# Overwrite target types.
OVERWRITE_ROLE = 0
OVERWRITE_MEMBER = 1


@dataclass
class FakeUser:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    # False simulates "Allow direct messages from server members" switched off.
    dms_open: bool = True


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int
    position: int
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    # Set for the role Discord creates for a bot when it joins (tags.bot_id).
    bot_id: int | None = None


@dataclass
class FakeMember:
    user_id: int
    role_ids: list[int]
    joined_at: str
    nick: str | None = None
    # When set, this value is reported as the member's permissions everywhere (tests that need an
    # exact permission set without building roles and overwrites).
    permissions_override: int | None = None


@dataclass
class FakeChannel:
    id: int
    type: int
    name: str | None
    guild_id: int | None
    created_at: str
    position: int = 0
    overwrites: list[dict[str, Any]] = field(default_factory=list)
    parent_id: int | None = None
    topic: str | None = None
    nsfw: bool = False
    rate_limit_per_user: int = 0
    last_message_id: int | None = None
    # DM channels only.
    recipient_id: int | None = None
    # Threads only.
    owner_id: int | None = None
    auto_archive_duration: int = 1440
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    message_count: int = 0
    # Who has joined the thread (rest_thread_members.py); a private thread is visible only to
    # them and to members with Manage Threads.
    thread_member_ids: set[int] = field(default_factory=set)

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def is_voice(self) -> bool:
        return self.type in (GUILD_VOICE, GUILD_STAGE_VOICE)


class UploadedFile(NamedTuple):
    """A file part of a multipart request, or an attachment the fake serves on its CDN."""

    filename: str
    content: bytes
    content_type: str


def normalize_overwrite(raw: dict[str, Any]) -> dict[str, Any]:
    """Bring an overwrite to Discord's wire form: string id/allow/deny, integer type."""
    kind = raw.get("type", OVERWRITE_ROLE)
    if kind in ("role", "member"):
        kind = OVERWRITE_ROLE if kind == "role" else OVERWRITE_MEMBER
    return {
        "id": str(raw["id"]),
        "type": int(kind),
        "allow": str(int(raw.get("allow", 0))),
        "deny": str(int(raw.get("deny", 0))),
    }
