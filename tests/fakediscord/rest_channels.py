"""REST routes that create channels: threads (THREAD_CREATE) and DM channels."""

from __future__ import annotations

from aiohttp import web

from tests.fakediscord import errors, payloads
from tests.fakediscord.limits import FormErrors
from tests.fakediscord.models import (
    GUILD_ANNOUNCEMENT,
    GUILD_TEXT,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    FakeChannel,
)
from tests.fakediscord.permissions import (
    CREATE_PRIVATE_THREADS,
    CREATE_PUBLIC_THREADS,
    READ_MESSAGE_HISTORY,
)
from tests.fakediscord.rest_common import json_object, json_response, snowflake, state_of
from tests.fakediscord.rest_messages import visible_channel
from tests.fakediscord.snowflakes import iso_now
from tests.fakediscord.state import FakeState

_ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)


def setup(app: web.Application) -> None:
    base = "/api/v10/channels/{channel_id}"
    app.router.add_post(base + "/threads", start_thread)
    app.router.add_post(base + "/messages/{message_id}/threads", start_thread_from_message)
    app.router.add_post("/api/v10/users/@me/channels", open_dm)


async def start_thread(request: web.Request) -> web.Response:
    """Thread without a starter message (public type 11 or private type 12)."""
    state, parent, permissions = visible_channel(request)
    body = json_object(request)
    kind = int(body.get("type", PRIVATE_THREAD))  # Discord's default here is private
    needed = CREATE_PRIVATE_THREADS if kind == PRIVATE_THREAD else CREATE_PUBLIC_THREADS
    if parent.type not in (GUILD_TEXT, GUILD_ANNOUNCEMENT) or kind not in (
        PUBLIC_THREAD,
        PRIVATE_THREAD,
    ):
        raise errors.invalid_form_body(
            errors.form_error_at(
                ["type"], "THREAD_TYPE_INVALID", "Threads cannot be created here with this type"
            )
        )
    if not permissions & needed:
        raise errors.missing_permissions()
    thread = _create_thread(state, parent, body, thread_id=state.ids.next(), kind=kind)
    return json_response(payloads.channel(thread), status=201)


async def start_thread_from_message(request: web.Request) -> web.Response:
    """Public thread on an existing message; Discord reuses the message id as the thread id."""
    state, parent, permissions = visible_channel(request)
    message_id = snowflake(request, "message_id")
    message = state.messages.get(message_id)
    if message is None or int(message["channel_id"]) != parent.id:
        raise errors.unknown_message()
    if not permissions & CREATE_PUBLIC_THREADS or not permissions & READ_MESSAGE_HISTORY:
        raise errors.missing_permissions()
    if message_id in state.channels:
        raise errors.ApiError(400, 160004, "A thread has already been created for this message")
    thread = _create_thread(
        state, parent, json_object(request), thread_id=message_id, kind=PUBLIC_THREAD
    )
    stored = state.messages.require(message_id)
    stored["thread"] = payloads.channel(thread)
    return json_response(payloads.channel(thread), status=201)


def _create_thread(
    state: FakeState, parent: FakeChannel, body: dict[str, object], *, thread_id: int, kind: int
) -> FakeChannel:
    form = FormErrors()
    form.length_between(["name"], body.get("name") or "", 1, 100)
    duration = int(str(body.get("auto_archive_duration") or 4320))
    if duration not in _ARCHIVE_DURATIONS:
        form.add(
            ["auto_archive_duration"],
            "BASE_TYPE_CHOICES",
            f"Value must be one of {_ARCHIVE_DURATIONS}.",
        )
    form.raise_if_any()
    thread = FakeChannel(
        id=thread_id,
        type=kind,
        name=str(body["name"]),
        guild_id=parent.guild_id,
        created_at=iso_now(),
        parent_id=parent.id,
        owner_id=state.bot_user.id,
        auto_archive_duration=duration,
        invitable=bool(body.get("invitable", True)),
        rate_limit_per_user=int(str(body.get("rate_limit_per_user") or 0)),
        thread_member_ids={state.bot_user.id},  # the creator joins its thread
    )
    state.channels[thread.id] = thread
    data = payloads.channel(thread)
    data["newly_created"] = True
    data["member"] = {
        "id": str(thread.id),
        "user_id": str(state.bot_user.id),
        "join_timestamp": thread.created_at,
        "flags": 0,
    }
    state.sink.dispatch("THREAD_CREATE", data)
    state.changed.notify()
    return thread


async def open_dm(request: web.Request) -> web.Response:
    state = state_of(request)
    body = json_object(request)
    try:
        recipient_id = int(str(body.get("recipient_id")))
    except ValueError:
        raise errors.invalid_form_body(
            errors.form_error_at(["recipient_id"], "NUMBER_TYPE_COERCE", "Value is not snowflake.")
        ) from None
    if recipient_id not in state.users:
        raise errors.unknown_user()
    # Opening the channel always works; sending into it is where closed DMs fail (50007).
    return json_response(state.dm_payload(state.open_dm(recipient_id)))
