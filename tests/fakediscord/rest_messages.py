"""REST routes for channel messages, reactions and typing, with the bot's permissions enforced.

Permission failures use Discord's codes: a channel the bot cannot see answers 50001 Missing
Access; a channel it can see but not post in answers 50013 Missing Permissions.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tests.fakediscord import errors, nonces, payloads, reactions
from tests.fakediscord.labelled import label_of
from tests.fakediscord.limits import validate_message
from tests.fakediscord.messages import FLAG_EPHEMERAL, MessageStore
from tests.fakediscord.models import DM, FakeChannel
from tests.fakediscord.permissions import (
    ADD_REACTIONS,
    ATTACH_FILES,
    EMBED_LINKS,
    MANAGE_MESSAGES,
    READ_MESSAGE_HISTORY,
    VIEW_CHANNEL,
    can_send,
)
from tests.fakediscord.rest_common import (
    files_of,
    json_object,
    json_response,
    no_content,
    snowflake,
    state_of,
)
from tests.fakediscord.state import FakeState

_MESSAGE = "/api/v10/channels/{channel_id}/messages/{message_id}"


def setup(app: web.Application) -> None:
    base = "/api/v10/channels/{channel_id}"
    app.router.add_get(base, get_channel)
    app.router.add_post(base + "/typing", trigger_typing)
    app.router.add_get(base + "/messages", list_messages)
    app.router.add_post(base + "/messages", create_message)
    app.router.add_get(_MESSAGE, get_message)
    app.router.add_patch(_MESSAGE, edit_message)
    app.router.add_delete(_MESSAGE, delete_message)
    reaction = _MESSAGE + "/reactions/{emoji}"
    app.router.add_get(reaction, list_reactors)
    app.router.add_put(reaction + "/@me", add_own_reaction)
    app.router.add_delete(reaction + "/@me", remove_own_reaction)
    app.router.add_delete(reaction + "/{user_id}", remove_user_reaction)


# ------------------------------------------------------------------- access checks
def visible_channel(request: web.Request) -> tuple[FakeState, FakeChannel, int]:
    """The channel of the route, if the bot can see it, plus the bot's permissions there."""
    state = state_of(request)
    channel = state.channel(snowflake(request, "channel_id"))
    if channel is None:
        raise errors.unknown_channel()
    if channel.type == DM:
        return state, channel, state.permissions_in(state.bot_user.id, channel)
    guild = state.guild_of(channel)
    if guild is None or state.bot_user.id not in guild.members:
        raise errors.missing_access()
    permissions = state.permissions_in(state.bot_user.id, channel)
    if not permissions & VIEW_CHANNEL:
        raise errors.missing_access()
    return state, channel, permissions


def message_in(state: FakeState, channel: FakeChannel, request: web.Request) -> dict[str, Any]:
    message = state.messages.get(snowflake(request, "message_id"))
    if (
        message is None
        or int(message["channel_id"]) != channel.id
        or (message["flags"] & FLAG_EPHEMERAL)
    ):
        raise errors.unknown_message()
    return message


def _require(permissions: int, *flags: int) -> None:
    for flag in flags:
        if not permissions & flag:
            raise errors.missing_permissions()


# -------------------------------------------------------------------------- routes
async def get_channel(request: web.Request) -> web.Response:
    state, channel, _ = visible_channel(request)
    return json_response(state.channel_payload(channel))


async def trigger_typing(request: web.Request) -> web.Response:
    _, channel, permissions = visible_channel(request)
    if not can_send(permissions, channel):
        raise errors.missing_permissions()
    return no_content()


async def list_messages(request: web.Request) -> web.Response:
    state, channel, permissions = visible_channel(request)
    if not permissions & READ_MESSAGE_HISTORY:
        return json_response([])  # Discord answers an empty history, not an error
    limit = int(request.query.get("limit", "50"))
    if not 1 <= limit <= 100:
        raise errors.invalid_form_body(
            errors.form_error_at(
                ["limit"], "NUMBER_TYPE_MAX", "int value should be between 1 and 100."
            )
        )
    messages = state.messages.in_channel(channel.id)
    if "before" in request.query:
        messages = [m for m in messages if int(m["id"]) < int(request.query["before"])]
    if "after" in request.query:
        after = [m for m in messages if int(m["id"]) > int(request.query["after"])]
        return json_response(list(reversed(after[:limit])))
    return json_response(list(reversed(messages))[:limit])  # newest first, like Discord


async def create_message(request: web.Request) -> web.Response:
    state, channel, permissions = visible_channel(request)
    if channel.type == DM:
        recipient = state.user(channel.recipient_id or 0)
        if not recipient.dms_open or not state.shares_guild_with_bot(recipient.id):
            raise errors.cannot_dm_user()
    elif not can_send(permissions, channel):
        raise errors.missing_permissions()
    body = dict(json_object(request))
    files = files_of(request)
    validate_message(body, file_count=len(files))
    body["flags"] = int(body.get("flags") or 0) & ~FLAG_EPHEMERAL  # only for interactions
    if files and not permissions & ATTACH_FILES:
        raise errors.missing_permissions()
    if body.get("embeds") and not permissions & EMBED_LINKS:
        # Without Embed Links Discord silently drops the embeds, and refuses (50013) a
        # message that had nothing but embeds.
        body["embeds"] = []
        if MessageStore.body_is_empty(body, files):
            raise errors.missing_permissions()
    if MessageStore.body_is_empty(body, files):
        raise errors.empty_message()
    seen = nonces.registry(state)
    if (earlier := seen.earlier(state, state.bot_user.id, body)) is not None:
        return json_response(earlier)  # the same nonce again: the first message, not a second
    message = state.messages.create(channel, state.bot_user, body, files)
    state.created_via[int(message["id"])] = label_of(request, state)
    seen.remember(state, state.bot_user.id, body, message)
    state.changed.notify()
    return json_response(message)


async def get_message(request: web.Request) -> web.Response:
    state, channel, permissions = visible_channel(request)
    _require(permissions, READ_MESSAGE_HISTORY)
    return json_response(message_in(state, channel, request))


async def edit_message(request: web.Request) -> web.Response:
    state, channel, permissions = visible_channel(request)
    message = message_in(state, channel, request)
    if int(message["author"]["id"]) != state.bot_user.id:
        raise errors.cannot_edit_others_message()
    body = dict(json_object(request))
    files = files_of(request)
    validate_message(body, file_count=len(files))
    if body.get("embeds") and not permissions & EMBED_LINKS:
        body["embeds"] = []  # dropped as on create; an edit left empty gets 50006
    edited = state.messages.edit(int(message["id"]), body, files)
    state.changed.notify()
    return json_response(edited)


async def delete_message(request: web.Request) -> web.Response:
    state, channel, permissions = visible_channel(request)
    message = message_in(state, channel, request)
    if int(message["author"]["id"]) != state.bot_user.id:
        if channel.type == DM:
            raise errors.ApiError(403, 50003, "Cannot execute action on a DM channel")
        _require(permissions, MANAGE_MESSAGES)
    state.messages.delete(int(message["id"]))
    state.changed.notify()
    return no_content()


async def add_own_reaction(request: web.Request) -> web.Response:
    state, channel, permissions = visible_channel(request)
    message = message_in(state, channel, request)
    emoji = reactions.parse_emoji(request.match_info["emoji"])
    _require(permissions, READ_MESSAGE_HISTORY)
    if not reactions.reactors(state, int(message["id"]), emoji):
        _require(permissions, ADD_REACTIONS)  # joining an existing reaction needs no permission
        if len(message.get("reactions") or []) >= reactions.MAX_REACTIONS:
            raise errors.max_reactions()
    reactions.add_reaction(state, int(message["id"]), emoji, state.bot_user.id)
    state.changed.notify()
    return no_content()


async def remove_own_reaction(request: web.Request) -> web.Response:
    state, channel, _ = visible_channel(request)
    message = message_in(state, channel, request)
    emoji = reactions.parse_emoji(request.match_info["emoji"])
    reactions.remove_reaction(state, int(message["id"]), emoji, state.bot_user.id)
    state.changed.notify()
    return no_content()


async def remove_user_reaction(request: web.Request) -> web.Response:
    state, channel, permissions = visible_channel(request)
    message = message_in(state, channel, request)
    emoji = reactions.parse_emoji(request.match_info["emoji"])
    _require(permissions, MANAGE_MESSAGES)
    reactions.remove_reaction(state, int(message["id"]), emoji, snowflake(request, "user_id"))
    state.changed.notify()
    return no_content()


async def list_reactors(request: web.Request) -> web.Response:
    state, channel, _ = visible_channel(request)
    message = message_in(state, channel, request)
    emoji = reactions.parse_emoji(request.match_info["emoji"])
    users = [
        payloads.user(state.user(uid))
        for uid in reactions.reactors(state, int(message["id"]), emoji)
    ]
    return json_response(users)
