"""``data.resolved`` of interactions and the conversion of test-supplied option values.

Discord sends every user, member, role, channel, attachment and message an interaction
references in ``data.resolved``; discord.py builds the objects a command receives from there,
so the shapes must be complete (channels need ``permissions``, threads ``thread_metadata`` ...).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from tests.fakediscord import payloads
from tests.fakediscord.models import FakeChannel, UploadedFile

if TYPE_CHECKING:
    from tests.fakediscord.guild import FakeGuild
    from tests.fakediscord.state import FakeState

STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)
_TYPE_NAMES = {
    STRING: "string",
    INTEGER: "integer",
    BOOLEAN: "boolean",
    USER: "user",
    CHANNEL: "channel",
    ROLE: "role",
    MENTIONABLE: "mentionable",
    NUMBER: "number",
    ATTACHMENT: "attachment",
}


_LIMIT_KEYS = ("min_value", "max_value", "min_length", "max_length", "choices")


class InteractionRefused(ValueError):
    """The Discord client would not let the user do this (hidden command, disabled button,
    missing required field...). A ValueError so ``pytest.raises(ValueError)`` catches it."""


class Resolved:
    """Collects the ``resolved`` map while options/values are converted."""

    def __init__(self, state: FakeState, guild: FakeGuild | None, invoker_id: int) -> None:
        self._state = state
        self._guild = guild
        self._invoker_id = invoker_id
        self.data: dict[str, dict[str, Any]] = {}

    def payload(self) -> dict[str, dict[str, Any]] | None:
        return self.data or None

    def user(self, user_id: int) -> str:
        user = self._state.users.get(user_id)
        if user is None:
            raise ValueError(f"unknown user id {user_id}")
        self.data.setdefault("users", {})[str(user_id)] = payloads.user(user)
        member = self._guild.members.get(user_id) if self._guild else None
        if self._guild is not None and member is not None:
            data = payloads.member(self._state, self._guild, member, include_user=False)
            data["permissions"] = str(self._guild.permissions_of(user_id))
            self.data.setdefault("members", {})[str(user_id)] = data
        return str(user_id)

    def role(self, role_id: int) -> str:
        if self._guild is None or role_id not in self._guild.roles:
            raise ValueError(f"role {role_id} is not in this guild")
        self.data.setdefault("roles", {})[str(role_id)] = payloads.role(self._guild.roles[role_id])
        return str(role_id)

    def channel(self, channel_id: int, allowed_types: list[int] | None = None) -> str:
        channel = self._state.channels.get(channel_id)
        if channel is None or self._guild is None or channel.guild_id != self._guild.id:
            raise ValueError(f"channel {channel_id} is not in this guild")
        if allowed_types and channel.type not in allowed_types:
            raise InteractionRefused(
                f"channel {channel.name!r} has type {channel.type}; the option only offers "
                f"types {allowed_types}"
            )
        self.data.setdefault("channels", {})[str(channel_id)] = self._channel_payload(channel)
        return str(channel_id)

    def _channel_payload(self, channel: FakeChannel) -> dict[str, Any]:
        data = payloads.channel(channel)
        data.pop("permission_overwrites", None)
        # "permissions" is the invoking member's computed permissions in that channel.
        data["permissions"] = str(self._state.permissions_in(self._invoker_id, channel))
        return data

    def mentionable(self, target_id: int) -> str:
        if target_id in self._state.users:
            return self.user(target_id)
        return self.role(target_id)

    def attachment(self, spec: Any, channel: FakeChannel) -> str:
        """Store an uploaded file the user "attached" and serve it on the fake CDN."""
        if isinstance(spec, UploadedFile):
            upload = spec
        elif isinstance(spec, dict) and "filename" in spec and "content" in spec:
            upload = UploadedFile(
                str(spec["filename"]), bytes(spec["content"]), str(spec.get("content_type") or "")
            )
        else:
            raise ValueError(
                "attachment options take {'filename', 'content': bytes, "
                "'content_type'} or an UploadedFile"
            )
        stored = self._state.messages.store_upload(channel, upload, {}, ephemeral=True)
        self.data.setdefault("attachments", {})[stored["id"]] = stored
        return str(stored["id"])

    def message(self, message: dict[str, Any]) -> str:
        self.data.setdefault("messages", {})[str(message["id"])] = copy.deepcopy(message)
        return str(message["id"])


def convert_option(
    definition: dict[str, Any],
    value: Any,
    resolved: Resolved,
    channel: FakeChannel,
    *,
    check_limits: bool = True,
) -> Any:
    """Turn a test's value into the wire value for one option, resolving entities.

    ``check_limits=False`` lets a value past min/max, length or choices through, as a
    client other than Discord's own could send it."""
    kind = definition["type"]
    name = definition["name"]
    if not check_limits:
        definition = {k: v for k, v in definition.items() if k not in _LIMIT_KEYS}
    if kind == STRING:
        _expect(name, value, str)
        _check_length(name, value, definition)
    elif kind == INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"option {name!r} is an integer option; got {value!r}")
        _check_range(name, value, definition)
    elif kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"option {name!r} is a number option; got {value!r}")
        _check_range(name, value, definition)
    elif kind == BOOLEAN:
        _expect(name, value, bool)
    elif kind == USER:
        return resolved.user(_as_id(name, value))
    elif kind == CHANNEL:
        return resolved.channel(_as_id(name, value), definition.get("channel_types"))
    elif kind == ROLE:
        return resolved.role(_as_id(name, value))
    elif kind == MENTIONABLE:
        return resolved.mentionable(_as_id(name, value))
    elif kind == ATTACHMENT:
        return resolved.attachment(value, channel)
    else:
        raise ValueError(f"option {name!r} has unsupported type {kind}")
    choices = definition.get("choices")
    if choices and value not in [choice["value"] for choice in choices]:
        allowed = [choice["value"] for choice in choices]
        raise InteractionRefused(f"option {name!r} only accepts the choices {allowed}")
    return value


def type_name(kind: int) -> str:
    return _TYPE_NAMES.get(kind, str(kind))


def _expect(name: str, value: Any, kind: type) -> None:
    if not isinstance(value, kind):
        raise ValueError(f"option {name!r} expects {kind.__name__}; got {value!r}")


def _as_id(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ValueError(f"option {name!r} takes an id (int); got {value!r}")
    return int(value)


def _check_length(name: str, value: str, definition: dict[str, Any]) -> None:
    low = definition.get("min_length")
    high = definition.get("max_length")
    if (low is not None and len(value) < low) or (high is not None and len(value) > high):
        raise InteractionRefused(f"option {name!r} must be {low}-{high} characters long")


def _check_range(name: str, value: float, definition: dict[str, Any]) -> None:
    low = definition.get("min_value")
    high = definition.get("max_value")
    if (low is not None and value < low) or (high is not None and value > high):
        raise InteractionRefused(f"option {name!r} must be between {low} and {high}")
