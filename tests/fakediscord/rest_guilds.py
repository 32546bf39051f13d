"""REST routes for guilds, their channels, roles and members (including role assignment)."""

from __future__ import annotations

from aiohttp import web

from tests.fakediscord import errors, payloads
from tests.fakediscord.guild import FakeGuild
from tests.fakediscord.limits import FormErrors
from tests.fakediscord.models import FakeRole
from tests.fakediscord.permissions import MANAGE_ROLES, base_permissions, has
from tests.fakediscord.rest_common import (
    json_object,
    json_response,
    no_content,
    snowflake,
    state_of,
)
from tests.fakediscord.state import FakeState

MAX_ROLES = 250


def setup(app: web.Application) -> None:
    base = "/api/v10/guilds/{guild_id}"
    app.router.add_get(base, get_guild)
    app.router.add_get(base + "/channels", list_channels)
    app.router.add_get(base + "/roles", list_roles)
    app.router.add_post(base + "/roles", create_role)
    app.router.add_get(base + "/members", list_members)
    app.router.add_get(base + "/members/{user_id}", get_member)
    app.router.add_put(base + "/members/{user_id}/roles/{role_id}", add_member_role)
    app.router.add_delete(base + "/members/{user_id}/roles/{role_id}", remove_member_role)


def bot_guild(request: web.Request) -> tuple[FakeState, FakeGuild]:
    """The route's guild, which the bot must be a member of."""
    state = state_of(request)
    guild = state.guilds.get(snowflake(request, "guild_id"))
    if guild is None:
        raise errors.unknown_guild()
    if state.bot_user.id not in guild.members:
        raise errors.missing_access()
    return state, guild


async def get_guild(request: web.Request) -> web.Response:
    _, guild = bot_guild(request)
    data = payloads.guild_base(guild)
    if request.query.get("with_counts") in ("1", "true", "True"):
        data["approximate_member_count"] = len(guild.members)
        data["approximate_presence_count"] = 0
    return json_response(data)


async def list_channels(request: web.Request) -> web.Response:
    _, guild = bot_guild(request)
    return json_response([payloads.channel(c) for c in guild.channels])


async def list_roles(request: web.Request) -> web.Response:
    _, guild = bot_guild(request)
    ordered = sorted(guild.roles.values(), key=lambda r: r.position)
    return json_response([payloads.role(r) for r in ordered])


async def create_role(request: web.Request) -> web.Response:
    state, guild = bot_guild(request)
    bot_permissions = base_permissions(guild, state.bot_user.id)
    if not has(bot_permissions, MANAGE_ROLES):
        raise errors.missing_permissions()
    body = json_object(request)
    form = FormErrors()
    form.max_length(["name"], body.get("name"), 100)
    form.raise_if_any()
    permissions = int(str(body.get("permissions") or 0))
    if permissions & ~bot_permissions:
        raise errors.missing_permissions()  # a bot cannot grant permissions it lacks
    if len(guild.roles) >= MAX_ROLES:  # @everyone counts, as on Discord
        raise errors.max_roles()
    role_id = guild.add_role(
        str(body.get("name") or "new role"),
        permissions,
        color=int(str(body.get("color") or 0)),
        hoist=bool(body.get("hoist")),
        mentionable=bool(body.get("mentionable")),
    )
    return json_response(payloads.role(guild.roles[role_id]))


async def list_members(request: web.Request) -> web.Response:
    state, guild = bot_guild(request)
    limit = int(request.query.get("limit", "1"))
    after = int(request.query.get("after", "0"))
    members = sorted(
        (m for m in guild.members.values() if m.user_id > after), key=lambda m: m.user_id
    )
    return json_response([payloads.member(state, guild, m) for m in members[:limit]])


async def get_member(request: web.Request) -> web.Response:
    state, guild = bot_guild(request)
    member = guild.members.get(snowflake(request, "user_id"))
    if member is None:
        raise errors.unknown_member()
    return json_response(payloads.member(state, guild, member))


def _assignable_role(request: web.Request) -> tuple[FakeState, FakeGuild, int, FakeRole]:
    """Check everything Discord checks before a role change, in Discord's order."""
    state, guild = bot_guild(request)
    user_id = snowflake(request, "user_id")
    if user_id not in guild.members:
        raise errors.unknown_member()
    role = guild.roles.get(snowflake(request, "role_id"))
    if role is None:
        raise errors.unknown_role()
    bot_id = state.bot_user.id
    if not has(base_permissions(guild, bot_id), MANAGE_ROLES):
        raise errors.missing_permissions()
    # Hierarchy: a bot can only manage roles strictly below its own highest role, and never
    # @everyone or a managed (integration) role.
    if role.id == guild.id or role.managed:
        raise errors.missing_permissions()
    if guild.owner_id != bot_id and role.position >= guild.top_role_position(bot_id):
        raise errors.missing_permissions()
    return state, guild, user_id, role


async def add_member_role(request: web.Request) -> web.Response:
    state, guild, user_id, role = _assignable_role(request)
    guild.give_role(user_id, role.id)
    state.changed.notify()
    return no_content()


async def remove_member_role(request: web.Request) -> web.Response:
    state, guild, user_id, role = _assignable_role(request)
    guild.take_role(user_id, role.id)
    state.changed.notify()
    return no_content()
