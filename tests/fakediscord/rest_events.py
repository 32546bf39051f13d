"""Guild scheduled events: create, list, fetch, edit (incl. status changes), delete."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from aiohttp import web

from tests.fakediscord import errors, payloads
from tests.fakediscord.guild import FakeGuild
from tests.fakediscord.limits import FormErrors
from tests.fakediscord.models import GUILD_STAGE_VOICE, GUILD_VOICE
from tests.fakediscord.permissions import CREATE_EVENTS, MANAGE_EVENTS, base_permissions, has
from tests.fakediscord.rest_common import json_object, json_response, no_content, snowflake
from tests.fakediscord.rest_guilds import bot_guild
from tests.fakediscord.snowflakes import parse_iso
from tests.fakediscord.state import FakeState

STAGE_INSTANCE = 1
VOICE = 2
EXTERNAL = 3
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
GUILD_ONLY = 2
_TRANSITIONS = {SCHEDULED: {ACTIVE, CANCELED}, ACTIVE: {COMPLETED}}
MAX_UNCOMPLETED_EVENTS = 100
_EDITABLE = (
    "name",
    "description",
    "channel_id",
    "entity_type",
    "entity_metadata",
    "scheduled_start_time",
    "scheduled_end_time",
    "privacy_level",
    "image",
    "recurrence_rule",
)


def setup(app: web.Application) -> None:
    base = "/api/v10/guilds/{guild_id}/scheduled-events"
    app.router.add_get(base, list_events)
    app.router.add_post(base, create_event)
    app.router.add_get(base + "/{event_id}", get_event)
    app.router.add_patch(base + "/{event_id}", edit_event)
    app.router.add_delete(base + "/{event_id}", delete_event)


async def list_events(request: web.Request) -> web.Response:
    _, guild = bot_guild(request)
    return json_response([copy.deepcopy(e) for e in guild.scheduled_events.values()])


async def get_event(request: web.Request) -> web.Response:
    _, guild = bot_guild(request)
    return json_response(copy.deepcopy(_event(request, guild)))


async def create_event(request: web.Request) -> web.Response:
    state, guild = bot_guild(request)
    if not has(base_permissions(guild, state.bot_user.id), CREATE_EVENTS) and not has(
        base_permissions(guild, state.bot_user.id), MANAGE_EVENTS
    ):
        raise errors.missing_permissions()
    body = json_object(request)
    event: dict[str, Any] = {
        "id": str(state.ids.next()),
        "guild_id": str(guild.id),
        "creator_id": str(state.bot_user.id),
        "creator": payloads.user(state.bot_user),
        "name": body.get("name"),
        "description": body.get("description"),
        "channel_id": _opt_str(body.get("channel_id")),
        "entity_type": body.get("entity_type"),
        "entity_id": None,
        "entity_metadata": body.get("entity_metadata"),
        "scheduled_start_time": body.get("scheduled_start_time"),
        "scheduled_end_time": body.get("scheduled_end_time"),
        "privacy_level": body.get("privacy_level", GUILD_ONLY),
        "status": SCHEDULED,
        "user_count": 0,
        "image": None,
        "recurrence_rule": body.get("recurrence_rule"),
    }
    _validate(state, guild, event, new=True)
    uncompleted = [e for e in guild.scheduled_events.values() if e["status"] in (SCHEDULED, ACTIVE)]
    if len(uncompleted) >= MAX_UNCOMPLETED_EVENTS:
        raise errors.max_scheduled_events()
    guild.scheduled_events[int(event["id"])] = event
    state.sink.dispatch("GUILD_SCHEDULED_EVENT_CREATE", copy.deepcopy(event))
    state.changed.notify()
    return json_response(copy.deepcopy(event))


async def edit_event(request: web.Request) -> web.Response:
    state, guild = bot_guild(request)
    stored = _event(request, guild)
    _require_manage(state, guild, stored)
    body = json_object(request)
    event = copy.deepcopy(stored)
    for key in _EDITABLE:
        if key in body:
            event[key] = _opt_str(body[key]) if key == "channel_id" else body[key]
    if event["entity_type"] == EXTERNAL and "channel_id" not in body:
        event["channel_id"] = None  # switching to an external event detaches the channel
    if "status" in body and body["status"] != stored["status"]:
        if body["status"] not in _TRANSITIONS.get(stored["status"], set()):
            raise errors.invalid_form_body(
                errors.form_error_at(
                    ["status"],
                    "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION",
                    f"Cannot change status from {stored['status']} to {body['status']}",
                )
            )
        event["status"] = body["status"]
    _validate(state, guild, event, new=False, changed_start="scheduled_start_time" in body)
    stored.clear()
    stored.update(event)
    state.sink.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", copy.deepcopy(event))
    state.changed.notify()
    return json_response(copy.deepcopy(event))


async def delete_event(request: web.Request) -> web.Response:
    state, guild = bot_guild(request)
    event = _event(request, guild)
    _require_manage(state, guild, event)
    del guild.scheduled_events[int(event["id"])]
    state.sink.dispatch("GUILD_SCHEDULED_EVENT_DELETE", copy.deepcopy(event))
    state.changed.notify()
    return no_content()


def _event(request: web.Request, guild: FakeGuild) -> dict[str, Any]:
    event = guild.scheduled_events.get(snowflake(request, "event_id"))
    if event is None:
        raise errors.unknown_scheduled_event()
    return event


def _require_manage(state: FakeState, guild: FakeGuild, event: dict[str, Any]) -> None:
    permissions = base_permissions(guild, state.bot_user.id)
    own = event.get("creator_id") == str(state.bot_user.id)
    # CREATE_EVENTS lets a member manage the events they created; MANAGE_EVENTS covers all.
    if not has(permissions, MANAGE_EVENTS) and not (own and has(permissions, CREATE_EVENTS)):
        raise errors.missing_permissions()


def _validate(
    state: FakeState,
    guild: FakeGuild,
    event: dict[str, Any],
    *,
    new: bool,
    changed_start: bool = False,
) -> None:
    form = FormErrors()
    form.length_between(["name"], event.get("name") or "", 1, 100)
    form.max_length(["description"], event.get("description"), 1000)
    if event.get("privacy_level") != GUILD_ONLY:
        form.add(["privacy_level"], "BASE_TYPE_CHOICES", "Value must be one of {2}.")
    kind = event.get("entity_type")
    start = _time(form, event, "scheduled_start_time", required=True)
    end = _time(form, event, "scheduled_end_time", required=kind == EXTERNAL)
    if start and (new or changed_start) and start <= state.now():
        form.add(
            ["scheduled_start_time"],
            "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
            "Cannot schedule event in the past.",
        )
    if start and end and end <= start:
        form.add(
            ["scheduled_end_time"],
            "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
            "Cannot schedule event to end before starting.",
        )
    if kind == EXTERNAL:
        location = (event.get("entity_metadata") or {}).get("location")
        form.length_between(["entity_metadata", "location"], location or "", 1, 100)
        if event.get("channel_id"):
            form.add(
                ["channel_id"],
                "GUILD_SCHEDULED_EVENT_CHANNEL_NOT_ALLOWED",
                "External events cannot have a channel",
            )
    elif kind in (STAGE_INSTANCE, VOICE):
        wanted = GUILD_STAGE_VOICE if kind == STAGE_INSTANCE else GUILD_VOICE
        channel = guild.channel_record(int(event["channel_id"] or 0))
        if channel is None or channel.type != wanted:
            form.add(
                ["channel_id"],
                "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL",
                "Channel must be a voice/stage channel of this guild",
            )
    else:
        form.add(["entity_type"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.")
    form.raise_if_any()


def _time(form: FormErrors, event: dict[str, Any], key: str, *, required: bool) -> datetime | None:
    raw = event.get(key)
    if raw is None:
        if required:
            form.add([key], "BASE_TYPE_REQUIRED", "This field is required")
        return None
    try:
        return parse_iso(str(raw))
    except ValueError:
        form.add([key], "DATE_TIME_TYPE_PARSE", "Could not parse the date/time.")
        return None


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)
