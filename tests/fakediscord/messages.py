"""Message storage: building message objects from request bodies, edits, deletes, CDN files.

Everything that creates a message (channel POSTs, interaction responses, followups, test users
talking) goes through :class:`MessageStore`, so all messages look alike and are dispatched over
the gateway the same way Discord does.
"""

from __future__ import annotations

import copy
import mimetypes
import re
from typing import TYPE_CHECKING, Any

from tests.fakediscord import errors, payloads
from tests.fakediscord.models import FakeChannel, FakeUser, UploadedFile
from tests.fakediscord.snowflakes import iso_now

if TYPE_CHECKING:
    from tests.fakediscord.state import FakeState

FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
# Flags a sender may set; everything else is Discord-managed and silently ignored.
_SETTABLE_FLAGS = (1 << 2) | (1 << 12) | (1 << 15) | FLAG_EPHEMERAL
_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")

MESSAGE_DEFAULT = 0
MESSAGE_REPLY = 19
MESSAGE_CHAT_INPUT_COMMAND = 20
MESSAGE_CONTEXT_MENU_COMMAND = 23


class MessageStore:
    def __init__(self, state: FakeState) -> None:
        self._state = state
        self.by_id: dict[int, dict[str, Any]] = {}
        self.history: dict[int, list[int]] = {}  # channel id -> visible message ids, in order
        self.attachments: dict[int, UploadedFile] = {}
        self.reactors: dict[int, dict[str, list[int]]] = {}  # message -> emoji -> user ids

    # ------------------------------------------------------------------- create
    def create(
        self,
        channel: FakeChannel,
        author: FakeUser,
        body: dict[str, Any],
        files: list[UploadedFile] | None = None,
        *,
        message_type: int | None = None,
        extra_flags: int = 0,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Store a new message built from a (validated) request body and dispatch it.

        Ephemeral messages (flag 64, interaction responses only) are stored but neither put in
        the channel history nor dispatched: only the invoking user ever sees them.
        ``extra_flags`` are Discord-managed flags (LOADING for deferrals); ``extra`` adds
        fields such as ``interaction_metadata`` and ``webhook_id``.
        """
        message_id = self._state.ids.next()
        flags = (int(body.get("flags") or 0) & _SETTABLE_FLAGS) | extra_flags
        reference = self._reference(channel, body.get("message_reference"))
        kind = (
            message_type
            if message_type is not None
            else (MESSAGE_REPLY if reference else MESSAGE_DEFAULT)
        )
        content = body.get("content") or ""
        message: dict[str, Any] = {
            "id": str(message_id),
            "type": kind,
            "channel_id": str(channel.id),
            "author": payloads.user(author),
            "content": content,
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": "@everyone" in content,
            "mentions": self._mentioned_users(channel, content),
            "mention_roles": _ROLE_MENTION.findall(content),
            "attachments": self._attachments(
                channel, message_id, body, files or [], [], ephemeral=bool(flags & FLAG_EPHEMERAL)
            ),
            "embeds": _normalized_embeds(body.get("embeds")),
            "components": copy.deepcopy(body.get("components") or []),
            "reactions": [],
            "pinned": False,
            "flags": flags,
            "nonce": body.get("nonce"),
            "sticker_items": [],
        }
        if channel.guild_id is not None:
            message["guild_id"] = str(channel.guild_id)
        if reference is not None:
            message["message_reference"] = reference
            message["referenced_message"] = self.by_id.get(int(reference["message_id"]))
        if body.get("poll"):
            message["poll"] = copy.deepcopy(body["poll"])
        message.update(extra or {})
        self.by_id[message_id] = message

        if not flags & FLAG_EPHEMERAL:
            self.history.setdefault(channel.id, []).append(message_id)
            channel.last_message_id = message_id
            if channel.is_thread:
                channel.message_count += 1
            self._state.sink.dispatch("MESSAGE_CREATE", self.gateway_form(message))
        created = copy.deepcopy(message)
        # Discord echoes the nonce to the sender only (this answer and MESSAGE_CREATE), never in
        # history or later fetches.
        message.pop("nonce", None)
        return created

    # --------------------------------------------------------------- edit/delete
    def edit(
        self,
        message_id: int,
        body: dict[str, Any],
        files: list[UploadedFile] | None = None,
    ) -> dict[str, Any]:
        """Apply a PATCH body: only the keys present change; ``attachments`` lists the ones to
        keep (by id) plus new uploads (by file index), as in Discord's API. An edit that would
        leave the message empty is refused with 50006."""
        stored = self.require(message_id)
        message = copy.deepcopy(stored)
        channel = self._state.channels[int(message["channel_id"])]
        if "content" in body:
            message["content"] = body["content"] or ""
        if "embeds" in body:
            message["embeds"] = _normalized_embeds(body["embeds"])
        if "components" in body:
            message["components"] = copy.deepcopy(body["components"] or [])
        if body.get("flags") is not None:
            # Only SUPPRESS_EMBEDS and IS_COMPONENTS_V2 may change; ephemeral stays as it was.
            editable = (1 << 2) | (1 << 15)
            message["flags"] = (message["flags"] & ~editable) | (int(body["flags"]) & editable)
        if "attachments" in body or files:
            message["attachments"] = self._attachments(
                channel,
                message_id,
                body,
                files or [],
                message["attachments"],
                ephemeral=bool(message["flags"] & FLAG_EPHEMERAL),
            )
        if self.is_empty(message):
            raise errors.empty_message()
        message["flags"] &= ~FLAG_LOADING  # editing a deferred response ends "thinking"
        message["edited_timestamp"] = iso_now()
        message["mentions"] = self._mentioned_users(channel, message["content"])
        message["mention_roles"] = _ROLE_MENTION.findall(message["content"])
        stored.clear()
        stored.update(message)
        if not message["flags"] & FLAG_EPHEMERAL:
            self._state.sink.dispatch("MESSAGE_UPDATE", self.gateway_form(message))
        return copy.deepcopy(message)

    def delete(self, message_id: int) -> None:
        message = self.by_id.pop(message_id, None)
        if message is None:
            raise errors.unknown_message()
        channel_id = int(message["channel_id"])
        self._state.pins.get(channel_id, {}).pop(message_id, None)  # a deleted message unpins
        visible = self.history.get(channel_id, [])
        if message_id in visible:
            visible.remove(message_id)
            data: dict[str, Any] = {"id": str(message_id), "channel_id": str(channel_id)}
            if "guild_id" in message:
                data["guild_id"] = message["guild_id"]
            self._state.sink.dispatch("MESSAGE_DELETE", data)

    # ------------------------------------------------------------------ queries
    def get(self, message_id: int) -> dict[str, Any] | None:
        message = self.by_id.get(message_id)
        return copy.deepcopy(message) if message is not None else None

    def require(self, message_id: int) -> dict[str, Any]:
        """The live stored dict (callers that mutate it must dispatch updates themselves)."""
        message = self.by_id.get(message_id)
        if message is None:
            raise errors.unknown_message()
        return message

    def in_channel(self, channel_id: int) -> list[dict[str, Any]]:
        return [copy.deepcopy(self.by_id[mid]) for mid in self.history.get(channel_id, [])]

    def gateway_form(self, message: dict[str, Any]) -> dict[str, Any]:
        """MESSAGE_CREATE/UPDATE payload: the message plus the author's partial member."""
        data = copy.deepcopy(message)
        guild_id = message.get("guild_id")
        if guild_id is not None:
            guild = self._state.guilds[int(guild_id)]
            member = guild.members.get(int(message["author"]["id"]))
            if member is not None and "webhook_id" not in message:
                data["member"] = payloads.member(self._state, guild, member, include_user=False)
        return data

    @staticmethod
    def body_is_empty(body: dict[str, Any], files: list[UploadedFile]) -> bool:
        """Whether a create body would produce a message with nothing to show."""
        return not files and not (
            body.get("content")
            or body.get("embeds")
            or body.get("components")
            or body.get("sticker_ids")
            or body.get("poll")
        )

    @staticmethod
    def is_empty(message: dict[str, Any]) -> bool:
        """Discord refuses (50006) a message with nothing to show."""
        return not (
            message.get("content")
            or message.get("embeds")
            or message.get("attachments")
            or message.get("components")
            or message.get("sticker_items")
            or message.get("poll")
        )

    # ------------------------------------------------------------------ helpers
    def _attachments(
        self,
        channel: FakeChannel,
        message_id: int,
        body: dict[str, Any],
        files: list[UploadedFile],
        existing: list[dict[str, Any]],
        *,
        ephemeral: bool,
    ) -> list[dict[str, Any]]:
        existing_by_id = {str(a["id"]): a for a in existing}
        descriptors = body.get("attachments")
        if descriptors is None:
            # No attachments array: keep what is there and append every uploaded file.
            descriptors = [{"id": str(a["id"])} for a in existing]
            descriptors += [{"id": index} for index in range(len(files))]
        result: list[dict[str, Any]] = []
        for descriptor in descriptors:
            key = str(descriptor.get("id"))
            if key in existing_by_id:
                result.append(existing_by_id[key])
                continue
            index = int(key) if key.isdigit() and int(key) < len(files) else None
            if index is None:
                continue  # references neither an upload nor a kept attachment: Discord drops it
            upload = files[index]
            result.append(self.store_upload(channel, upload, descriptor, ephemeral=ephemeral))
        return result

    def store_upload(
        self,
        channel: FakeChannel,
        upload: UploadedFile,
        descriptor: dict[str, Any],
        *,
        ephemeral: bool,
    ) -> dict[str, Any]:
        attachment_id = self._state.ids.next()
        filename = str(descriptor.get("filename") or upload.filename)
        # discord.py uploads every file as application/octet-stream; Discord sniffs the real
        # type from the name, and so does the fake.
        content_type = upload.content_type
        if content_type in ("", "application/octet-stream"):
            content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        self.attachments[attachment_id] = UploadedFile(filename, upload.content, content_type)
        url = f"{self._state.base_url}/attachments/{channel.id}/{attachment_id}/{filename}"
        data: dict[str, Any] = {
            "id": str(attachment_id),
            "filename": filename,
            "size": len(upload.content),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
        }
        if descriptor.get("description"):
            data["description"] = descriptor["description"]
        if ephemeral:
            data["ephemeral"] = True
        return data

    def _reference(self, channel: FakeChannel, raw: dict[str, Any] | None) -> dict[str, Any] | None:
        if not raw or raw.get("type", 0) != 0 or raw.get("message_id") is None:
            return None
        target = self.by_id.get(int(raw["message_id"]))
        if target is None:
            if raw.get("fail_if_not_exists", True):
                raise errors.invalid_form_body(
                    errors.form_error_at(
                        ["message_reference"],
                        "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                        "Unknown message",
                    )
                )
            return None
        return {
            "type": 0,
            "message_id": target["id"],
            "channel_id": target["channel_id"],
            "guild_id": target.get("guild_id"),
        }

    def _mentioned_users(self, channel: FakeChannel, content: str) -> list[dict[str, Any]]:
        mentioned: list[dict[str, Any]] = []
        guild = self._state.guilds.get(channel.guild_id) if channel.guild_id else None
        for raw_id in dict.fromkeys(_USER_MENTION.findall(content)):
            user = self._state.users.get(int(raw_id))
            if user is None:
                continue
            data = payloads.user(user)
            member = guild.members.get(user.id) if guild else None
            if guild is not None and member is not None:
                data["member"] = payloads.member(self._state, guild, member, include_user=False)
            mentioned.append(data)
        return mentioned


def _normalized_embeds(embeds: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    result = []
    for embed in embeds or []:
        stored = copy.deepcopy(embed)
        stored.setdefault("type", "rich")
        stored.setdefault("content_scan_version", 0)
        result.append(stored)
    return result
