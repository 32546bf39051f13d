"""What test users do: run commands, click, submit modals, talk, react.

Mixed into :class:`~tests.fakediscord.server.FakeDiscord`. Every action is sent to the bot over
the gateway exactly as Discord would send it; interaction methods return an
:class:`~tests.fakediscord.handles.Interaction` handle to inspect the bot's answer.
"""

from __future__ import annotations

import time
from typing import Any

from tests.fakediscord import component_builder, reactions
from tests.fakediscord.gateway import Gateway
from tests.fakediscord.handles import Interaction
from tests.fakediscord.interaction_builder import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionBuilder,
)
from tests.fakediscord.lifecycle import require_reachable
from tests.fakediscord.permissions import VIEW_CHANNEL, can_send
from tests.fakediscord.resolved import InteractionRefused, Resolved
from tests.fakediscord.state import FakeState


class UserActions:
    _state: FakeState
    _gateway: Gateway
    _builder: InteractionBuilder

    # ------------------------------------------------------------ interactions
    async def slash(
        self,
        guild_id: int | None,
        user_id: int,
        name: str,
        options: dict[str, Any] | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
        *,
        ignore_command_permissions: bool = False,
        ignore_option_limits: bool = False,
    ) -> Interaction:
        """Run ``/name`` ("cmd", "cmd sub" or "cmd group sub") as ``user_id``.

        Option values: str/int/float/bool as declared; user, channel, role and mentionable
        options take ids; attachments take ``{"filename", "content": bytes, "content_type"}``.
        ``guild_id=None`` runs the command in the user's DM with the bot. Commands the
        Discord client would hide (default_member_permissions, contexts) raise
        InteractionRefused unless ``ignore_command_permissions`` (an admin's override).
        ``ignore_option_limits`` sends values outside an option's min/max, length or choices,
        as a client other than Discord's own could; option types are still checked.
        """
        channel = self._builder.channel_for(guild_id, user_id, channel_id)
        payload = self._builder.envelope(APPLICATION_COMMAND, guild_id, user_id, channel, locale)
        payload["data"] = self._builder.slash(
            guild_id,
            user_id,
            name,
            options or {},
            channel,
            ignore_command_permissions=ignore_command_permissions,
            ignore_option_limits=ignore_option_limits,
        )
        return await self._send_interaction(payload)

    async def autocomplete(
        self,
        guild_id: int | None,
        user_id: int,
        name: str,
        focused: str,
        value: str = "",
        options: dict[str, Any] | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
        *,
        ignore_command_permissions: bool = False,
    ) -> Interaction:
        """The user typed ``value`` into option ``focused``; ``wait_response()`` gives the
        bot's choices (callback type 8)."""
        channel = self._builder.channel_for(guild_id, user_id, channel_id)
        payload = self._builder.envelope(AUTOCOMPLETE, guild_id, user_id, channel, locale)
        payload["data"] = self._builder.slash(
            guild_id,
            user_id,
            name,
            options or {},
            channel,
            focused=focused,
            focused_value=value,
            ignore_command_permissions=ignore_command_permissions,
        )
        return await self._send_interaction(payload)

    async def context_menu(
        self,
        guild_id: int | None,
        user_id: int,
        name: str,
        target_message: dict[str, Any] | None = None,
        target_user: int | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
        *,
        ignore_command_permissions: bool = False,
    ) -> Interaction:
        """Run a message (``target_message``) or user (``target_user``) context menu command."""
        if channel_id is None and target_message is not None:
            channel_id = int(target_message["channel_id"])
        channel = self._builder.channel_for(guild_id, user_id, channel_id)
        payload = self._builder.envelope(APPLICATION_COMMAND, guild_id, user_id, channel, locale)
        payload["data"] = self._builder.context_menu(
            guild_id,
            user_id,
            name,
            channel,
            target_message=target_message,
            target_user=target_user,
            ignore_command_permissions=ignore_command_permissions,
        )
        return await self._send_interaction(payload)

    async def click(
        self,
        guild_id: int | None,
        user_id: int,
        message: dict[str, Any],
        custom_id: str,
        values: list[str] | None = None,
        locale: str = "en-US",
    ) -> Interaction:
        """Press a button (or pick ``values`` in a select) on a message the bot sent."""
        stored = self._state.messages.get(int(message["id"])) or message
        channel = self._builder.channel_for(guild_id, user_id, int(stored["channel_id"]))
        payload = self._builder.envelope(MESSAGE_COMPONENT, guild_id, user_id, channel, locale)
        resolved = Resolved(self._state, self._state.guilds.get(guild_id or 0), user_id)
        payload["data"] = component_builder.click_data(
            self._state, stored, custom_id, values, user_id, resolved
        )
        payload["message"] = stored
        return await self._send_interaction(payload)

    async def submit_modal(
        self,
        guild_id: int | None,
        user_id: int,
        custom_id: str | None,
        fields: dict[str, Any],
        message: dict[str, Any] | None = None,
        locale: str = "en-US",
    ) -> Interaction:
        """Submit a modal the bot showed this user.

        ``custom_id`` may be the modal's custom_id, its title, or None (the last modal shown
        to the user); ``fields`` are keyed by each input's custom_id or label. Values are
        strings (text inputs) or lists of strings (selects inside labels).
        """
        modal, opener = component_builder.find_modal(self._state, user_id, custom_id)
        if message is None and opener.source_message_id is not None:
            message = self._state.messages.get(opener.source_message_id)
        channel = self._builder.channel_for(guild_id, user_id, opener.channel_id)
        payload = self._builder.envelope(MODAL_SUBMIT, guild_id, user_id, channel, locale)
        resolved = Resolved(self._state, self._state.guilds.get(guild_id or 0), user_id)
        payload["data"] = component_builder.modal_data(modal, fields, resolved)
        if message is not None:
            payload["message"] = self._state.messages.get(int(message["id"])) or message
        return await self._send_interaction(payload)

    async def _send_interaction(self, payload: dict[str, Any]) -> Interaction:
        guild_id = payload.get("guild_id")
        require_reachable(self._state, int(guild_id) if guild_id is not None else None)
        handle = Interaction(self._state, payload)
        self._state.interactions[handle.id] = handle
        self._state.interactions_by_token[handle.token] = handle
        # Stamped before sending so a fast callback never sees an unset time.
        handle.dispatched_at = time.monotonic()
        try:
            await self._gateway.dispatch_to_bot("INTERACTION_CREATE", payload)
        except BaseException:
            del self._state.interactions[handle.id]
            del self._state.interactions_by_token[handle.token]
            raise
        return handle

    # -------------------------------------------------------------- messages
    async def send_message(
        self, channel_id: int, user_id: int, content: str, *, reply_to: int | None = None
    ) -> dict[str, Any]:
        """A user posts in a guild channel or thread (MESSAGE_CREATE to the bot)."""
        channel = self._state.channel(channel_id)
        if channel is None:
            raise ValueError(f"unknown channel {channel_id}")
        guild = self._state.guild_of(channel)
        if guild is not None:
            require_reachable(self._state, guild.id)
            if user_id not in guild.members:
                raise InteractionRefused(f"user {user_id} is not in guild {guild.name!r}")
            if not can_send(self._state.permissions_in(user_id, channel), channel):
                raise InteractionRefused(f"user {user_id} cannot post in {channel.name!r}")
        body: dict[str, Any] = {"content": content}
        if reply_to is not None:
            body["message_reference"] = {"message_id": str(reply_to)}
        message = self._state.messages.create(channel, self._state.user(user_id), body)
        await self._gateway.flush()
        return message

    async def send_dm(self, user_id: int, content: str) -> dict[str, Any]:
        """A user writes to the bot in DMs (MESSAGE_CREATE without guild_id)."""
        channel = self._state.open_dm(user_id)
        message = self._state.messages.create(
            channel, self._state.user(user_id), {"content": content}
        )
        await self._gateway.flush()
        return message

    async def delete_message(self, message_id: int) -> None:
        """Its author or a moderator deletes a message (MESSAGE_DELETE to the bot); the bot's
        edits, replies-by-reference and reactions on it then fail with 10008 Unknown Message."""
        self._state.messages.delete(message_id)
        await self._gateway.flush()

    async def add_reaction(self, message_id: int, user_id: int, emoji: str) -> None:
        """A user reacts to a message (MESSAGE_REACTION_ADD to the bot)."""
        message = self._state.messages.require(message_id)
        channel = self._state.channels[int(message["channel_id"])]
        require_reachable(self._state, channel.guild_id)
        if not self._state.permissions_in(user_id, channel) & VIEW_CHANNEL:
            raise InteractionRefused(f"user {user_id} cannot see channel {channel.name!r}")
        reactions.add_reaction(self._state, message_id, reactions.parse_emoji(emoji), user_id)
        await self._gateway.flush()
