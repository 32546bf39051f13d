"""Pinned messages: pin, unpin and list, on the current routes (``/messages/pins``, used by
discord.py 2.7) and the older ones (``/pins``).

As on Discord: at most 50 pins per channel (the 51st answers 400/30003), pinning needs Pin
Messages or Manage Messages in guild channels, each pin posts a "pinned a message" system message
(type 6) and sends CHANNEL_PINS_UPDATE; deleting a message unpins it.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tests.fakediscord import errors
from tests.fakediscord.errors import ApiError
from tests.fakediscord.models import DM
from tests.fakediscord.permissions import MANAGE_MESSAGES, PIN_MESSAGES, READ_MESSAGE_HISTORY
from tests.fakediscord.rest_common import json_response, no_content
from tests.fakediscord.rest_messages import message_in, visible_channel
from tests.fakediscord.snowflakes import iso_now, parse_iso
from tests.fakediscord.state import FakeState

MAX_PINS = 50
MESSAGE_CHANNEL_PINNED = 6


def setup(app: web.Application) -> None:
    # Registered before the message routes: "/messages/pins" would otherwise be taken for
    # "/messages/{message_id}".
    base = "/api/v10/channels/{channel_id}"
    for pins in (base + "/messages/pins", base + "/pins"):
        app.router.add_put(pins + "/{message_id}", pin_message)
        app.router.add_delete(pins + "/{message_id}", unpin_message)
    app.router.add_get(base + "/messages/pins", list_pins)
    app.router.add_get(base + "/pins", list_pins_legacy)


def max_pins_reached() -> ApiError:
    return ApiError(400, 30003, f"Maximum number of pins reached for the channel ({MAX_PINS})")


async def pin_message(request: web.Request) -> web.Response:
    state, channel, permissions = visible_channel(request)
    message = message_in(state, channel, request)
    if channel.type != DM and not permissions & (PIN_MESSAGES | MANAGE_MESSAGES):
        raise errors.missing_permissions()
    pins = state.pins.setdefault(channel.id, {})
    message_id = int(message["id"])
    if message_id in pins:
        return no_content()
    if len(pins) >= MAX_PINS:
        raise max_pins_reached()
    pinned_at = iso_now()
    pins[message_id] = pinned_at
    state.messages.require(message_id)["pinned"] = True
    state.messages.create(
        channel,
        state.bot_user,
        {"message_reference": {"message_id": str(message_id), "fail_if_not_exists": False}},
        message_type=MESSAGE_CHANNEL_PINNED,
    )
    _pins_update(state, channel.id, channel.guild_id, pinned_at)
    state.changed.notify()
    return no_content()


async def unpin_message(request: web.Request) -> web.Response:
    state, channel, permissions = visible_channel(request)
    message = message_in(state, channel, request)
    if channel.type != DM and not permissions & (PIN_MESSAGES | MANAGE_MESSAGES):
        raise errors.missing_permissions()
    pins = state.pins.get(channel.id, {})
    if pins.pop(int(message["id"]), None) is not None:
        state.messages.require(int(message["id"]))["pinned"] = False
        _pins_update(state, channel.id, channel.guild_id, max(pins.values(), default=None))
        state.changed.notify()
    return no_content()


async def list_pins(request: web.Request) -> web.Response:
    """``{"items": [{"pinned_at", "message"}], "has_more"}``, most recently pinned first."""
    state, channel, permissions = visible_channel(request)
    if not permissions & READ_MESSAGE_HISTORY:
        return json_response({"items": [], "has_more": False})
    limit = int(request.query.get("limit", str(MAX_PINS)))
    if not 1 <= limit <= MAX_PINS:
        raise errors.invalid_form_body(
            errors.form_error_at(["limit"], "NUMBER_TYPE_MAX", "int value should be <= 50.")
        )
    items = _pinned(state, channel.id)
    if "before" in request.query:
        before = parse_iso(request.query["before"])
        items = [i for i in items if parse_iso(i["pinned_at"]) < before]
    return json_response({"items": items[:limit], "has_more": len(items) > limit})


async def list_pins_legacy(request: web.Request) -> web.Response:
    state, channel, permissions = visible_channel(request)
    if not permissions & READ_MESSAGE_HISTORY:
        return json_response([])
    return json_response([item["message"] for item in _pinned(state, channel.id)])


def _pinned(state: FakeState, channel_id: int) -> list[dict[str, Any]]:
    pins = state.pins.get(channel_id, {})
    items = []
    for message_id, pinned_at in reversed(list(pins.items())):
        message = state.messages.get(message_id)
        if message is not None:
            items.append({"pinned_at": pinned_at, "message": message})
    return items


def _pins_update(
    state: FakeState, channel_id: int, guild_id: int | None, last_pin: str | None
) -> None:
    data: dict[str, Any] = {"channel_id": str(channel_id), "last_pin_timestamp": last_pin}
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    state.sink.dispatch("CHANNEL_PINS_UPDATE", data)
