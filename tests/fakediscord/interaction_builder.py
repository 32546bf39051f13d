"""Builds INTERACTION_CREATE payloads for slash commands, autocomplete and context menus.

The fake looks commands up in what the bot actually synced (guild scope first, then global)
and builds options from those definitions, so a test cannot invoke a command, subcommand or
option the bot never registered, just as a user could not.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from tests.fakediscord import payloads
from tests.fakediscord.command_limits import (
    CHAT_INPUT,
    MESSAGE_COMMAND,
    SUB_COMMAND,
    SUB_COMMAND_GROUP,
    USER_COMMAND,
)
from tests.fakediscord.models import GUILD_TEXT, FakeChannel
from tests.fakediscord.permissions import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    USE_APPLICATION_COMMANDS,
    VIEW_CHANNEL,
)
from tests.fakediscord.resolved import InteractionRefused, Resolved, convert_option
from tests.fakediscord.rest_common import ATTACHMENT_SIZE_LIMIT

if TYPE_CHECKING:
    from tests.fakediscord.state import FakeState

# Interaction types.
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5
# Interaction contexts.
CONTEXT_GUILD = 0
CONTEXT_BOT_DM = 1


class InteractionBuilder:
    def __init__(self, state: FakeState) -> None:
        self._state = state

    # --------------------------------------------------------------- envelope
    def envelope(
        self, kind: int, guild_id: int | None, user_id: int, channel: FakeChannel, locale: str
    ) -> dict[str, Any]:
        """Fields every interaction has; ``member`` in guilds, ``user`` in DMs."""
        state = self._state
        user = state.user(user_id)
        payload: dict[str, Any] = {
            "id": str(state.ids.next()),
            "application_id": str(state.application_id),
            "type": kind,
            "token": "fake-interaction-" + secrets.token_urlsafe(32),
            "version": 1,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "channel_id": str(channel.id),
            "app_permissions": str(state.permissions_in(state.bot_user.id, channel)),
        }
        if guild_id is None:
            payload["channel"] = state.dm_payload(channel)
            payload["user"] = payloads.user(user)
            payload["context"] = CONTEXT_BOT_DM
            payload["authorizing_integration_owners"] = {"0": str(state.application_id)}
            return payload
        guild = state.guild(guild_id)
        member = guild.members.get(user_id)
        if member is None:
            raise InteractionRefused(f"user {user_id} is not a member of {guild.name!r}")
        channel_data = payloads.channel(channel)
        channel_data["permissions"] = str(state.permissions_in(user_id, channel))
        member_data = payloads.member(state, guild, member)
        member_data["permissions"] = str(state.permissions_in(user_id, channel))
        payload.update(
            {
                "guild_id": str(guild.id),
                "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
                "guild_locale": "en-US",
                "channel": channel_data,
                "member": member_data,
                "context": CONTEXT_GUILD,
                "authorizing_integration_owners": {"0": str(guild.id)},
            }
        )
        return payload

    def channel_for(
        self, guild_id: int | None, user_id: int, channel_id: int | None
    ) -> FakeChannel:
        """The channel the user acts in: the given one, the DM, or the first visible text
        channel of the guild."""
        state = self._state
        if guild_id is None:
            if channel_id is not None and channel_id != state.open_dm(user_id).id:
                raise ValueError("a DM interaction happens in the DM channel with the bot")
            return state.open_dm(user_id)
        guild = state.guild(guild_id)
        if channel_id is not None:
            channel = state.channels.get(channel_id)
            if channel is None or channel.guild_id != guild_id:
                raise ValueError(f"channel {channel_id} is not in guild {guild.name!r}")
        else:
            channel = next(
                (
                    c
                    for c in guild.channels
                    if c.type == GUILD_TEXT and state.permissions_in(user_id, c) & VIEW_CHANNEL
                ),
                None,
            )
            if channel is None:
                raise ValueError(
                    f"guild {guild.name!r} has no text channel the user can see; "
                    "add one or pass channel_id"
                )
        if user_id in guild.members and not state.permissions_in(user_id, channel) & VIEW_CHANNEL:
            raise InteractionRefused(f"user {user_id} cannot see channel {channel.name!r}")
        return channel

    # -------------------------------------------------------------- commands
    def slash(
        self,
        guild_id: int | None,
        user_id: int,
        name: str,
        options: dict[str, Any],
        channel: FakeChannel,
        *,
        focused: str | None = None,
        focused_value: str = "",
        ignore_command_permissions: bool = False,
        ignore_option_limits: bool = False,
    ) -> dict[str, Any]:
        """``data`` of a chat-input command or autocomplete interaction."""
        parts = name.split()
        if not 1 <= len(parts) <= 3:
            raise ValueError(f"command name {name!r} must be 'cmd', 'cmd sub' or 'cmd group sub'")
        command = self._find(guild_id, parts[0], CHAT_INPUT)
        self._check_access(command, guild_id, user_id, channel, ignore_command_permissions)
        guild = self._state.guilds.get(guild_id) if guild_id is not None else None
        resolved = Resolved(self._state, guild, user_id)

        definitions: list[dict[str, Any]] = command.get("options") or []
        chain: list[dict[str, Any]] = []  # subcommand group / subcommand wrappers, outermost first
        for part in parts[1:]:
            sub = next(
                (
                    o
                    for o in definitions
                    if o["name"] == part and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
                ),
                None,
            )
            if sub is None:
                available = [
                    o["name"] for o in definitions if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
                ]
                raise ValueError(f"/{name}: {part!r} is not a subcommand (have {available})")
            chain.append({"type": sub["type"], "name": sub["name"]})
            definitions = sub.get("options") or []
        if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in definitions):
            raise ValueError(f"/{name} needs a subcommand: {[o['name'] for o in definitions]}")

        leaves = self._leaf_options(
            name,
            definitions,
            options,
            resolved,
            channel,
            focused=focused,
            focused_value=focused_value,
            check_limits=not ignore_option_limits,
        )
        for wrapper in reversed(chain):
            wrapper["options"] = leaves
            leaves = [wrapper]
        data: dict[str, Any] = {
            "id": command["id"],
            "name": command["name"],
            "type": CHAT_INPUT,
            "options": leaves,
        }
        return self._finish(data, command, resolved)

    def context_menu(
        self,
        guild_id: int | None,
        user_id: int,
        name: str,
        channel: FakeChannel,
        *,
        target_message: dict[str, Any] | None,
        target_user: int | None,
        ignore_command_permissions: bool = False,
    ) -> dict[str, Any]:
        if (target_message is None) == (target_user is None):
            raise ValueError("pass exactly one of target_message / target_user")
        kind = MESSAGE_COMMAND if target_message is not None else USER_COMMAND
        command = self._find(guild_id, name, kind)
        self._check_access(command, guild_id, user_id, channel, ignore_command_permissions)
        guild = self._state.guilds.get(guild_id) if guild_id is not None else None
        resolved = Resolved(self._state, guild, user_id)
        if target_message is not None:
            stored = self._state.messages.get(int(target_message["id"])) or target_message
            target_id = resolved.message(stored)
        else:
            assert target_user is not None
            target_id = resolved.user(target_user)
        data = {"id": command["id"], "name": command["name"], "type": kind, "target_id": target_id}
        return self._finish(data, command, resolved)

    # --------------------------------------------------------------- helpers
    def _find(self, guild_id: int | None, name: str, kind: int) -> dict[str, Any]:
        command = self._state.commands.find(guild_id, name, kind)
        if command is None:
            scopes: list[Any] = ["global"] if guild_id is None else [guild_id, "global"]
            known = sorted(
                {
                    c["name"]
                    for scope in scopes
                    for c in self._state.commands.list(scope)
                    if c["type"] == kind
                }
            )
            raise ValueError(
                f"no registered command {name!r} of type {kind} for guild "
                f"{guild_id} (registered: {known}); did the bot sync its tree?"
            )
        return command

    def _check_access(
        self,
        command: dict[str, Any],
        guild_id: int | None,
        user_id: int,
        channel: FakeChannel,
        ignore_command_permissions: bool,
    ) -> None:
        """Refuse what the Discord client would hide from this user.

        ``ignore_command_permissions`` skips default_member_permissions, like a server admin
        granting the command to everyone under Server Settings > Integrations.
        """
        if guild_id is None:
            contexts = command.get("contexts")
            if command.get("dm_permission") is False or (
                contexts is not None and CONTEXT_BOT_DM not in contexts
            ):
                raise InteractionRefused(f"/{command['name']} is not available in DMs")
            return
        guild = self._state.guild(guild_id)
        contexts = command.get("contexts")
        if contexts is not None and CONTEXT_GUILD not in contexts:
            raise InteractionRefused(f"/{command['name']} is not available in guilds")
        base = guild.permissions_of(user_id)
        required = command.get("default_member_permissions")
        if (
            required is not None
            and not ignore_command_permissions
            and base != ALL_PERMISSIONS
            and not base & ADMINISTRATOR
        ):
            needed = int(required)
            # "0" means "admins only"; otherwise every listed bit is needed.
            if needed == 0 or base & needed != needed:
                raise InteractionRefused(
                    f"Discord hides /{command['name']} from user {user_id}: it needs "
                    f"permissions {needed}, the member has {base}"
                )
        if not self._state.permissions_in(user_id, channel) & USE_APPLICATION_COMMANDS:
            raise InteractionRefused(
                f"user {user_id} lacks Use Application Commands in channel {channel.name!r}"
            )

    def _leaf_options(
        self,
        command_name: str,
        definitions: list[dict[str, Any]],
        values: dict[str, Any],
        resolved: Resolved,
        channel: FakeChannel,
        *,
        focused: str | None,
        focused_value: str,
        check_limits: bool = True,
    ) -> list[dict[str, Any]]:
        by_name = {d["name"]: d for d in definitions}
        unknown = sorted(set(values) - set(by_name))
        if unknown or (focused is not None and focused not in by_name):
            raise ValueError(
                f"/{command_name} has no option(s) {unknown or [focused]}; "
                f"options are {list(by_name)}"
            )
        if focused is not None and not by_name[focused].get("autocomplete"):
            raise ValueError(f"option {focused!r} of /{command_name} has no autocomplete")
        options: list[dict[str, Any]] = []
        for definition in definitions:
            option_name = definition["name"]
            if option_name == focused:
                # The text typed so far, always a string, whatever the option's type.
                options.append(
                    {
                        "type": definition["type"],
                        "name": option_name,
                        "value": focused_value,
                        "focused": True,
                    }
                )
            elif option_name in values:
                value = convert_option(
                    definition, values[option_name], resolved, channel, check_limits=check_limits
                )
                options.append({"type": definition["type"], "name": option_name, "value": value})
            elif definition.get("required") and focused is None:
                raise InteractionRefused(f"/{command_name}: option {option_name!r} is required")
        return options

    @staticmethod
    def _finish(
        data: dict[str, Any], command: dict[str, Any], resolved: Resolved
    ) -> dict[str, Any]:
        if resolved.payload():
            data["resolved"] = resolved.payload()
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]  # discord.py routes guild commands by this
        return data
