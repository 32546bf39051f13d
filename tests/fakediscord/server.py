"""FakeDiscord: a Discord-compatible REST v10 + gateway server on 127.0.0.1 for e2e tests.

Point the real discord.py client at it (see :func:`tests.fakediscord.harness.patched_discord`),
shape the world (guilds, channels, roles, users), act as users (actions.py), then assert on what
the bot did: messages, interaction responses, recorded REST calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from tests.fakediscord import (
    cdn,
    payloads,
    rest_app,
    rest_channels,
    rest_events,
    rest_guilds,
    rest_interactions,
    rest_messages,
    rest_pins,
    rest_thread_members,
)
from tests.fakediscord.actions import UserActions
from tests.fakediscord.commands import Scope
from tests.fakediscord.fault_log import FaultEvent
from tests.fakediscord.faults import RestFaults
from tests.fakediscord.gateway import GATEWAY_PATH, RESUMABLE_CLOSE_CODE, Gateway, GatewaySession
from tests.fakediscord.gateway_intents import PRIVILEGED_INTENTS
from tests.fakediscord.gateway_shards import Sharding
from tests.fakediscord.guild import FakeGuild
from tests.fakediscord.interaction_builder import InteractionBuilder
from tests.fakediscord.labelled import open_labelled_site
from tests.fakediscord.lifecycle import GuildLifecycle
from tests.fakediscord.models import FakeChannel, FakeUser, UploadedFile
from tests.fakediscord.permissions import DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS
from tests.fakediscord.ratelimits import RateLimits
from tests.fakediscord.rest_common import API_PREFIX, STATE_KEY, api_middleware
from tests.fakediscord.state import FakeState, RecordedRequest

_MAX_REQUEST_BYTES = 64 * 1024 * 1024


class FakeDiscord(UserActions, GuildLifecycle):
    """Use as ``async with FakeDiscord() as fake:``; the server listens on a free port."""

    def __init__(
        self,
        token: str = "fake-bot-token",
        *,
        bot_name: str = "Hearth",
        privileged_intents: int = PRIVILEGED_INTENTS,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """``privileged_intents``: the privileged intents "switched on in the developer
        portal"; identifying with any other privileged intent is refused with close code
        4014, as Discord does. ``clock``: the fake's "now" (default: the wall clock); pass the
        bot's test clock so both agree on what is past."""
        self._state = FakeState(token, bot_name, clock)
        self._gateway = Gateway(self._state, "", privileged_intents)
        self._state.sink = self._gateway
        self._builder = InteractionBuilder(self._state)
        self._runner: web.AppRunner | None = None
        self._base_url = ""

    # -------------------------------------------------------------- lifecycle
    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application(middlewares=[api_middleware], client_max_size=_MAX_REQUEST_BYTES)
        app[STATE_KEY] = self._state
        for module in (
            rest_app,
            rest_pins,  # before rest_messages: "/messages/pins" is not a message id
            rest_messages,
            rest_channels,
            rest_thread_members,
            rest_guilds,
            rest_events,
            rest_interactions,
            cdn,
        ):
            module.setup(app)
        app.router.add_get(GATEWAY_PATH, self._gateway.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self._base_url = f"http://{host}:{port}"
        self._state.base_url = self._base_url
        self._state.gateway_url = f"ws://{host}:{port}{GATEWAY_PATH}"
        self._gateway.gateway_url = self._state.gateway_url

    async def stop(self) -> None:
        if self._runner is None:
            return
        self._state.faults.release()  # held requests end now, so shutdown never waits on them
        await self._gateway.close_all()
        await self._runner.cleanup()
        self._runner = None

    # -------------------------------------------------------------- addresses
    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE``."""
        return self._base_url + API_PREFIX

    async def labelled_api_base(self, label: str) -> str:
        """Another API base on this server (its own port) for one bot process: every request
        sent there is recorded with ``via=label``, so a test can tell processes apart."""
        if self._runner is None:
            raise RuntimeError("start the fake first")
        return await open_labelled_site(self._runner, self._state, label) + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """Value for ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (as a yarl.URL)."""
        return self._state.gateway_url

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def token(self) -> str:
        return self._state.token

    @property
    def bot_user(self) -> dict[str, Any]:
        return payloads.bot_self(self._state.bot_user)

    @property
    def bot_user_id(self) -> int:
        return self._state.bot_user.id

    @property
    def application_id(self) -> int:
        return self._state.application_id

    @property
    def state(self) -> FakeState:
        """The raw in-memory world, for assertions the helpers below do not cover."""
        return self._state

    # ------------------------------------------------------------ world setup
    def add_guild(
        self,
        name: str,
        *,
        owner_id: int | None = None,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        on_shard: tuple[int, int] | None = None,
    ) -> FakeGuild:
        """A guild with @everyone, an owner (a new user unless given) and the bot, whose
        managed role (named like the bot) carries ``bot_permissions``. ``on_shard=(shard_id,
        shard_count)`` gives it an id that lives on that shard."""
        return self._state.add_guild(
            name,
            owner_id=owner_id,
            everyone_permissions=everyone_permissions,
            bot_permissions=bot_permissions,
            on_shard=on_shard,
        )

    def add_user(self, username: str, *, global_name: str | None = None, bot: bool = False) -> int:
        return self._state.add_user(username, global_name=global_name, bot=bot)

    def guild(self, guild_id: int) -> FakeGuild:
        return self._state.guild(guild_id)

    def user(self, user_id: int) -> FakeUser:
        return self._state.user(user_id)

    def channel(self, channel_id: int) -> FakeChannel:
        channel = self._state.channel(channel_id)
        if channel is None:
            raise KeyError(f"unknown channel {channel_id}")
        return channel

    def close_dms(self, user_id: int) -> None:
        """The user blocks DMs from server members: the bot's DMs fail with 403/50007."""
        self._state.user(user_id).dms_open = False

    def open_dms(self, user_id: int) -> None:
        self._state.user(user_id).dms_open = True

    # ----------------------------------------------------------------- faults
    @property
    def rate_limits(self) -> RateLimits:
        """Discord's 429s, off until ``fake.rate_limits.enable()`` (see ratelimits.py)."""
        return self._state.rate_limits

    @property
    def faults(self) -> RestFaults:
        """Injected 5xx answers and hanging requests (see faults.py)."""
        return self._state.faults

    @property
    def fault_log(self) -> list[FaultEvent]:
        """Every failure served, in order: 429s, injected errors and timeouts, gateway faults,
        guild outages and removals (``FaultEvent.kind`` is a constant of fault_log.py)."""
        return list(self._state.fault_log.events)

    @property
    def interaction_deadline(self) -> float:
        return self._state.interaction_deadline

    @interaction_deadline.setter
    def interaction_deadline(self, seconds: float) -> None:
        self._state.interaction_deadline = seconds

    @property
    def followup_ttl(self) -> float:
        return self._state.followup_ttl

    @followup_ttl.setter
    def followup_ttl(self, seconds: float) -> None:
        self._state.followup_ttl = seconds

    # --------------------------------------------------------------- messages
    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        """Visible (non-ephemeral, not deleted) messages of a channel, oldest first."""
        return self._state.messages.in_channel(channel_id)

    def dm_channel_id(self, user_id: int) -> int | None:
        return self._state.dm_channel_ids.get(user_id)

    def dm_messages(self, user_id: int) -> list[dict[str, Any]]:
        """Messages the bot sent to this user in DMs, oldest first."""
        channel_id = self.dm_channel_id(user_id)
        if channel_id is None:
            return []
        bot_id = str(self.bot_user_id)
        return [m for m in self.channel_messages(channel_id) if m["author"]["id"] == bot_id]

    def message(self, message_id: int) -> dict[str, Any] | None:
        """Any stored message by id (ephemeral ones included)."""
        return self._state.messages.get(message_id)

    def sent_via(self, message_id: int) -> str | None:
        """The label of the address whose POST created the message (None: the main one; the
        first POST: a repeat with the same nonce creates nothing). KeyError: Hearth never
        posted it."""
        return self._state.created_via[message_id]

    def attachment(self, attachment_id: int) -> UploadedFile:
        """The bytes behind an attachment the bot uploaded (or a test user attached)."""
        return self._state.messages.attachments[attachment_id]

    # --------------------------------------------------------------- requests
    @property
    def requests(self) -> list[RecordedRequest]:
        return self._state.requests

    @property
    def internal_errors(self) -> list[str]:
        """Tracebacks of bugs in the fake itself; worth asserting empty in fixtures."""
        return self._state.internal_errors

    async def wait_for_request(
        self,
        method: str,
        path_regex: str,
        *,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 5.0,
        since: int | None = None,
    ) -> RecordedRequest:
        """First answered request matching method and ``re.fullmatch(path_regex, path)``,
        among those recorded at index ``since`` or later (default: all of them)."""
        start = since or 0

        def find() -> RecordedRequest | None:
            for record in self._state.requests[start:]:
                if (
                    record.status is not None
                    and record.matches(method, path_regex)
                    and (predicate is None or predicate(record))
                ):
                    return record
            return None

        re.compile(path_regex)  # fail fast on a broken pattern
        return await self._state.request_signal.wait_for(
            find, timeout, f"{method} {path_regex} (since request #{start})"
        )

    # --------------------------------------------------------------- commands
    @property
    def command_syncs(self) -> list[tuple[Scope, list[dict[str, Any]]]]:
        """Every bulk overwrite: (``"global"`` or guild id, commands with ids)."""
        return list(self._state.commands.syncs)

    def commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        return self._state.commands.list("global" if guild_id is None else guild_id)

    # ---------------------------------------------------------------- gateway
    async def wait_until_ready(self, timeout: float = 10.0) -> GatewaySession:
        """Until a bot session is connected and got READY (+ GUILD_CREATEs) or RESUMED."""
        return await self._gateway.ready_signal.wait_for(
            self._gateway.active_session, timeout, "a bot to connect and IDENTIFY"
        )

    @property
    def sharding(self) -> Sharding:
        """Shard count and ``max_concurrency`` GET /gateway/bot announces, the guild limit per
        connection (4011 past it), identify pacing records (``identifies``, ``too_fast()``) and
        ``enforce_identify_rate``."""
        return self._state.sharding

    @property
    def sessions(self) -> int:
        """How many gateway sessions were started (IDENTIFYs); a RESUME adds none."""
        return len(self._gateway.sessions)

    @property
    def gateway_sessions(self) -> list[GatewaySession]:
        """Every session, oldest first (session_id, intents, resume_count, connected...)."""
        return list(self._gateway.sessions.values())

    @property
    def connection_count(self) -> int:
        """Websocket connections accepted so far (a RESUME is a new connection)."""
        return self._gateway.connection_count

    @property
    def heartbeat_interval_ms(self) -> int:
        """The ``heartbeat_interval`` sent in HELLO to new connections (Discord: 41250)."""
        return self._gateway.heartbeat_interval_ms

    @heartbeat_interval_ms.setter
    def heartbeat_interval_ms(self, value: int) -> None:
        if value < 10:
            raise ValueError("heartbeat_interval_ms must be at least 10")
        self._gateway.heartbeat_interval_ms = value

    async def disconnect_bot(
        self, code: int = RESUMABLE_CLOSE_CODE, *, expire_session: bool = False
    ) -> list[str]:
        """Drop the bot's websocket(s) with ``code``; returns session ids. The bot RESUMEs;
        with ``expire_session`` the RESUME gets op 9 d=false and it IDENTIFYs anew. A code
        discord.py treats as fatal (4004, 4010-4014) makes it give up instead."""
        return await self._gateway.disconnect(code, expire_session=expire_session)

    def request_reconnect(self) -> list[str]:
        """Ask the bot to reconnect with op 7 RECONNECT (it closes and RESUMEs)."""
        return self._gateway.request_reconnect()

    def invalidate_session(self, *, resumable: bool = False) -> list[str]:
        """Send op 9 INVALID_SESSION (``d=resumable``): d=false ends the session and the bot
        IDENTIFYs again (events meanwhile are lost); d=true makes it RESUME."""
        return self._gateway.invalidate_session(resumable=resumable)

    def make_zombie(self) -> list[str]:
        """The bot's connection goes silent: no heartbeat ACKs, no dispatches. discord.py
        notices after its ``heartbeat_timeout`` and RESUMEs on a new connection, which gets
        the events held back meanwhile."""
        return self._gateway.make_zombie()
