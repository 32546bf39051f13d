"""Interaction callbacks and the interaction webhook (followups, @original edits).

These routes take no bot token, like Discord's. Timing rules are enforced: the first callback
must come within 3 s of the dispatch (else 10062), only one callback is accepted (else 40060),
and the webhook token works for 15 minutes.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from tests.fakediscord import errors
from tests.fakediscord.command_limits import validate_autocomplete, validate_modal
from tests.fakediscord.errors import ApiError
from tests.fakediscord.handles import (
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    MODAL,
    PONG,
    UPDATE_MESSAGE,
    Interaction,
)
from tests.fakediscord.limits import validate_message
from tests.fakediscord.messages import (
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    MESSAGE_CHAT_INPUT_COMMAND,
    MESSAGE_CONTEXT_MENU_COMMAND,
    MESSAGE_DEFAULT,
    MessageStore,
)
from tests.fakediscord.models import UploadedFile
from tests.fakediscord.rest_common import (
    files_of,
    json_object,
    json_response,
    no_content,
    public,
    snowflake,
    state_of,
)
from tests.fakediscord.state import FakeState

# Interaction types.
PING = 1
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Which callback types Discord accepts for which interaction types.
_ALLOWED_CALLBACKS = {
    PING: {PONG},
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {
        CHANNEL_MESSAGE,
        DEFERRED_CHANNEL_MESSAGE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
        MODAL,
    },
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {
        CHANNEL_MESSAGE,
        DEFERRED_CHANNEL_MESSAGE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
    },
}


def setup(app: web.Application) -> None:
    base = "/api/v10"
    app.router.add_post(base + "/interactions/{interaction_id}/{token}/callback", create_callback)
    hook = base + "/webhooks/{application_id}/{token}"
    app.router.add_post(hook, create_followup)
    app.router.add_get(hook + "/messages/{message_id}", get_webhook_message)
    app.router.add_patch(hook + "/messages/{message_id}", edit_webhook_message)
    app.router.add_delete(hook + "/messages/{message_id}", delete_webhook_message)


# ---------------------------------------------------------------------- callback
@public
async def create_callback(request: web.Request) -> web.Response:
    state = state_of(request)
    arrived = time.monotonic()
    interaction = state.interactions.get(snowflake(request, "interaction_id"))
    if interaction is None or interaction.token != request.match_info["token"]:
        raise errors.unknown_interaction()
    try:
        body, message = _accept(
            state, interaction, json_object(request), files_of(request), arrived
        )
    except ApiError as exc:
        # Kept so a test waiting for a response can say why the bot never got one through.
        interaction.rejected.append((exc.status, exc.body()))
        state.changed.notify()
        raise
    if request.query.get("with_response") not in ("1", "true", "True"):
        return no_content()
    return json_response(_callback_response(interaction, body["type"], message))


def _accept(
    state: FakeState,
    interaction: Interaction,
    body: dict[str, Any],
    files: list[UploadedFile],
    arrived: float,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    if interaction.callback is not None:
        raise errors.already_acknowledged()
    assert interaction.dispatched_at is not None
    if arrived - interaction.dispatched_at > state.interaction_deadline:
        raise errors.unknown_interaction()
    kind = body.get("type")
    if kind not in _ALLOWED_CALLBACKS.get(interaction.type, set()):
        raise errors.invalid_form_body(
            errors.form_error_at(
                ["type"],
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Callback type {kind} is not valid for interaction type {interaction.type}",
            )
        )
    data = body.get("data") or {}
    message: dict[str, Any] | None = None
    if kind == CHANNEL_MESSAGE:
        message = _create_response_message(state, interaction, data, files, loading=False)
    elif kind == DEFERRED_CHANNEL_MESSAGE:
        message = _create_response_message(state, interaction, data, [], loading=True)
    elif kind == UPDATE_MESSAGE:
        message = _update_source_message(state, interaction, data, files)
    elif kind == DEFERRED_UPDATE_MESSAGE:
        _require_source(interaction)
    elif kind == AUTOCOMPLETE_RESULT:
        validate_autocomplete(data)
    elif kind == MODAL:
        validate_modal(data)
    interaction.uploaded.extend(files)
    interaction.accept_callback(body, arrived, int(message["id"]) if message else None)
    return body, message


def _create_response_message(
    state: FakeState,
    interaction: Interaction,
    data: dict[str, Any],
    files: list[UploadedFile],
    *,
    loading: bool,
) -> dict[str, Any]:
    if loading:
        # A deferral only carries flags; the "thinking" message is filled in by a later edit.
        body: dict[str, Any] = {"flags": int(data.get("flags") or 0) & FLAG_EPHEMERAL}
    else:
        validate_message(data, file_count=len(files), prefix=("data",))
        if MessageStore.body_is_empty(data, files):
            raise errors.empty_message()
        body = data
    return state.messages.create(
        state.channels[interaction.channel_id],
        state.bot_user,
        body,
        files,
        message_type=_message_type(interaction),
        extra_flags=FLAG_LOADING if loading else 0,
        extra=_interaction_fields(state, interaction),
    )


def _update_source_message(
    state: FakeState, interaction: Interaction, data: dict[str, Any], files: list[UploadedFile]
) -> dict[str, Any]:
    source_id = _require_source(interaction)
    validate_message(data, file_count=len(files), prefix=("data",))
    return state.messages.edit(source_id, data, files)


def _require_source(interaction: Interaction) -> int:
    if interaction.source_message_id is None:
        raise errors.invalid_form_body(
            errors.form_error_at(
                ["type"],
                "INTERACTION_RESPONSE_TYPE_INVALID",
                "This interaction has no message to update",
            )
        )
    return interaction.source_message_id


def _callback_response(
    interaction: Interaction, kind: int, message: dict[str, Any] | None
) -> dict[str, Any]:
    info: dict[str, Any] = {
        "id": str(interaction.id),
        "type": interaction.type,
        "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
        "response_message_ephemeral": bool(message and message["flags"] & FLAG_EPHEMERAL),
    }
    resource: dict[str, Any] = {"type": kind}
    if message is not None:
        info["response_message_id"] = message["id"]
        resource["message"] = message
    return {"interaction": info, "resource": resource}


# ----------------------------------------------------------------------- webhook
def _interaction_for_webhook(request: web.Request) -> tuple[FakeState, Interaction]:
    state = state_of(request)
    interaction = state.interactions_by_token.get(request.match_info["token"])
    if interaction is None or snowflake(request, "application_id") != state.application_id:
        raise errors.unknown_webhook()
    assert interaction.dispatched_at is not None
    if time.monotonic() - interaction.dispatched_at > state.followup_ttl:
        raise errors.invalid_webhook_token()
    if interaction.callback is None:
        # The webhook only exists once the interaction was acknowledged.
        raise errors.unknown_webhook()
    return state, interaction


@public
async def create_followup(request: web.Request) -> web.Response:
    state, interaction = _interaction_for_webhook(request)
    body = json_object(request)
    files = files_of(request)
    validate_message(body, file_count=len(files))
    original = interaction.original
    assert interaction.callback is not None
    if (
        interaction.callback["type"] == DEFERRED_CHANNEL_MESSAGE
        and original is not None
        and original["flags"] & FLAG_LOADING
    ):
        # Discord quirk: the first followup after a "thinking" deferral replaces the loading
        # message instead of creating a new one, and keeps the deferral's ephemeral flag.
        message = state.messages.edit(int(original["id"]), body, files)
    else:
        if MessageStore.body_is_empty(body, files):
            raise errors.empty_message()
        message = state.messages.create(
            state.channels[interaction.channel_id],
            state.bot_user,
            body,
            files,
            message_type=_message_type(interaction),
            extra=_interaction_fields(state, interaction),
        )
    interaction.uploaded.extend(files)
    interaction.message_touched(int(message["id"]), followup=True)
    if request.query.get("wait") in ("1", "true", "True"):
        return json_response(message)
    return no_content()


def _webhook_message_id(request: web.Request, interaction: Interaction) -> int:
    raw = request.match_info["message_id"]
    if raw == "@original":
        if interaction.original_message_id is None:
            raise errors.unknown_message()
        return interaction.original_message_id
    message_id = snowflake(request, "message_id")
    if message_id != interaction.original_message_id and message_id not in (
        interaction.followup_ids
    ):
        raise errors.unknown_message()
    return message_id


@public
async def get_webhook_message(request: web.Request) -> web.Response:
    state, interaction = _interaction_for_webhook(request)
    message = state.messages.get(_webhook_message_id(request, interaction))
    if message is None:
        raise errors.unknown_message()
    return json_response(message)


@public
async def edit_webhook_message(request: web.Request) -> web.Response:
    state, interaction = _interaction_for_webhook(request)
    message_id = _webhook_message_id(request, interaction)
    body = json_object(request)
    files = files_of(request)
    validate_message(body, file_count=len(files))
    message = state.messages.edit(message_id, body, files)
    interaction.uploaded.extend(files)
    interaction.message_touched(message_id)
    return json_response(message)


@public
async def delete_webhook_message(request: web.Request) -> web.Response:
    state, interaction = _interaction_for_webhook(request)
    state.messages.delete(_webhook_message_id(request, interaction))
    state.changed.notify()
    return no_content()


# ----------------------------------------------------------------------- helpers
def _message_type(interaction: Interaction) -> int:
    if interaction.type != APPLICATION_COMMAND:
        return MESSAGE_DEFAULT
    command_type = (interaction.payload.get("data") or {}).get("type", 1)
    return MESSAGE_CHAT_INPUT_COMMAND if command_type == 1 else MESSAGE_CONTEXT_MENU_COMMAND


def _interaction_fields(state: FakeState, interaction: Interaction) -> dict[str, Any]:
    """Fields Discord adds to messages sent through an interaction's webhook."""
    payload = interaction.payload
    user = payload["member"]["user"] if "member" in payload else payload["user"]
    metadata: dict[str, Any] = {
        "id": str(interaction.id),
        "type": interaction.type,
        "user": user,
        "authorizing_integration_owners": payload.get("authorizing_integration_owners", {}),
    }
    data = payload.get("data") or {}
    if interaction.type == APPLICATION_COMMAND:
        metadata["name"] = data.get("name")
        metadata["command_type"] = data.get("type", 1)
    if interaction.source_message_id is not None:
        metadata["interacted_message_id"] = str(interaction.source_message_id)
    return {
        "webhook_id": str(state.application_id),
        "application_id": str(state.application_id),
        "interaction_metadata": metadata,
    }
