"""REST routes for a thread's members: adding someone to a thread and taking them out.

As on Discord (https://discord.com/developers/docs/resources/channel#add-thread-member):
- PUT `/channels/{thread}/thread-members/{user}` needs the ability to send messages in the
  thread; in a private thread that is not invitable, also the thread's creator or Manage
  Threads. The user must be in the server (10007 otherwise). 204, THREAD_MEMBERS_UPDATE.
- DELETE the same path needs Manage Threads, or being the creator of a private thread. 204.
- Both refuse an archived thread (50083) and a channel that isn't a thread (50024).
A private thread is visible only to its members and to members with Manage Threads
(`permissions.channel_permissions`), so adding someone is what lets them read it.
"""

from __future__ import annotations

from aiohttp import web

from tests.fakediscord import errors
from tests.fakediscord.models import PRIVATE_THREAD, FakeChannel
from tests.fakediscord.permissions import MANAGE_THREADS, can_send
from tests.fakediscord.rest_common import no_content, snowflake
from tests.fakediscord.rest_messages import visible_channel
from tests.fakediscord.snowflakes import iso_now
from tests.fakediscord.state import FakeState

_PATH = "/api/v10/channels/{channel_id}/thread-members/{user_id}"


def setup(app: web.Application) -> None:
    app.router.add_put(_PATH, add_thread_member)
    app.router.add_delete(_PATH, remove_thread_member)


def _thread_of(request: web.Request) -> tuple[FakeState, FakeChannel, int, int]:
    state, thread, permissions = visible_channel(request)
    if not thread.is_thread:
        raise errors.ApiError(400, 50024, "Cannot execute action on this channel type")
    if thread.archived:
        raise errors.ApiError(400, 50083, "Thread is archived")
    user_id = snowflake(request, "user_id")
    guild = state.guild_of(thread)
    if guild is None or user_id not in guild.members:
        raise errors.unknown_member()
    return state, thread, permissions, user_id


def _is_owner_of_private(state: FakeState, thread: FakeChannel) -> bool:
    return thread.type == PRIVATE_THREAD and thread.owner_id == state.bot_user.id


async def add_thread_member(request: web.Request) -> web.Response:
    state, thread, permissions, user_id = _thread_of(request)
    if not can_send(permissions, thread):
        raise errors.missing_permissions()
    if (
        thread.type == PRIVATE_THREAD
        and not thread.invitable
        and not _is_owner_of_private(state, thread)
        and not permissions & MANAGE_THREADS
    ):
        raise errors.missing_permissions()
    if user_id not in thread.thread_member_ids:
        thread.thread_member_ids.add(user_id)
        _members_update(state, thread, added=user_id)
    return no_content()


async def remove_thread_member(request: web.Request) -> web.Response:
    state, thread, permissions, user_id = _thread_of(request)
    if not permissions & MANAGE_THREADS and not _is_owner_of_private(state, thread):
        raise errors.missing_permissions()
    if user_id in thread.thread_member_ids:
        thread.thread_member_ids.discard(user_id)
        _members_update(state, thread, removed=user_id)
    return no_content()


def _members_update(
    state: FakeState, thread: FakeChannel, *, added: int | None = None, removed: int | None = None
) -> None:
    data: dict[str, object] = {
        "id": str(thread.id),
        "guild_id": str(thread.guild_id),
        "member_count": min(len(thread.thread_member_ids), 50),
    }
    if added is not None:
        data["added_members"] = [
            {
                "id": str(thread.id),
                "user_id": str(added),
                "join_timestamp": iso_now(),
                "flags": 0,
            }
        ]
    if removed is not None:
        data["removed_member_ids"] = [str(removed)]
    state.sink.dispatch("THREAD_MEMBERS_UPDATE", data)
    state.changed.notify()
