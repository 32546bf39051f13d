"""REST routes about the bot itself: users/@me, the application, the gateway, commands."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tests.fakediscord import errors, payloads
from tests.fakediscord.commands import Scope
from tests.fakediscord.rest_common import (
    body_of,
    json_object,
    json_response,
    no_content,
    snowflake,
    state_of,
)
from tests.fakediscord.state import FakeState


def setup(app: web.Application) -> None:
    base = "/api/v10"
    app.router.add_get(base + "/users/@me", get_current_user)
    app.router.add_get(base + "/users/{user_id}", get_user)
    app.router.add_get(base + "/oauth2/applications/@me", get_application)
    app.router.add_get(base + "/applications/@me", get_application)
    app.router.add_get(base + "/gateway", get_gateway)
    app.router.add_get(base + "/gateway/bot", get_gateway_bot)
    for prefix in (
        "/applications/{application_id}",
        "/applications/{application_id}/guilds/{guild_id}",
    ):
        commands = base + prefix + "/commands"
        app.router.add_get(commands, list_commands)
        app.router.add_put(commands, overwrite_commands)
        app.router.add_post(commands, create_command)
        app.router.add_get(commands + "/{command_id}", get_command)
        app.router.add_delete(commands + "/{command_id}", delete_command)


async def get_current_user(request: web.Request) -> web.Response:
    return json_response(payloads.bot_self(state_of(request).bot_user))


async def get_user(request: web.Request) -> web.Response:
    user = state_of(request).users.get(snowflake(request, "user_id"))
    if user is None:
        raise errors.unknown_user()
    return json_response(payloads.user(user))


async def get_application(request: web.Request) -> web.Response:
    state = state_of(request)
    return json_response(
        {
            "id": str(state.application_id),
            "name": state.bot_user.username,
            "description": "Fake application for end-to-end tests",
            "icon": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": payloads.user(state.user(state.app_owner_id)),
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "summary": "",
            "bot": payloads.user(state.bot_user),
            "approximate_guild_count": len(state.bot_guilds()),
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
        }
    )


async def get_gateway(request: web.Request) -> web.Response:
    return json_response({"url": state_of(request).gateway_url})


async def get_gateway_bot(request: web.Request) -> web.Response:
    # Only AutoShardedClient asks for this; a plain Client uses DEFAULT_GATEWAY directly.
    state = state_of(request)
    return json_response(state.sharding.gateway_bot(state.gateway_url))


def _scope(request: web.Request, state: FakeState) -> Scope:
    if snowflake(request, "application_id") != state.application_id:
        # Discord answers 403 Missing Access for another application's commands.
        raise errors.missing_access()
    if "guild_id" not in request.match_info:
        return "global"
    guild_id = snowflake(request, "guild_id")
    if guild_id not in state.guilds or state.bot_user.id not in state.guilds[guild_id].members:
        raise errors.missing_access()
    return guild_id


async def list_commands(request: web.Request) -> web.Response:
    state = state_of(request)
    return json_response(state.commands.list(_scope(request, state)))


async def overwrite_commands(request: web.Request) -> web.Response:
    state = state_of(request)
    scope = _scope(request, state)
    body: Any = body_of(request)
    if not isinstance(body, list):
        raise errors.invalid_form_body(
            errors.field_error("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        )
    return json_response(state.commands.overwrite(scope, body))


async def create_command(request: web.Request) -> web.Response:
    state = state_of(request)
    scope = _scope(request, state)
    return json_response(state.commands.upsert(scope, json_object(request)), status=201)


async def get_command(request: web.Request) -> web.Response:
    state = state_of(request)
    command = state.commands.get(_scope(request, state), snowflake(request, "command_id"))
    if command is None:
        raise errors.unknown_command()
    return json_response(command)


async def delete_command(request: web.Request) -> web.Response:
    state = state_of(request)
    if not state.commands.delete(_scope(request, state), snowflake(request, "command_id")):
        raise errors.unknown_command()
    return no_content()
