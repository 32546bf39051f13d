"""The gateway: HELLO / IDENTIFY / READY / RESUME over a websocket with JSON text frames.

Sessions outlive connections: every dispatch is numbered and kept in a bounded backlog, so a
client that reconnects with RESUME gets the events it missed, as on Discord. A client that
closes with 1000 ends its session. (discord.py's ``Client.close()`` asks for 1000 but its
reader task wins the race and the frame says 4000, so its sessions stay resumable - as they
do on Discord.)
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
import traceback
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tests.fakediscord import payloads
from tests.fakediscord.gateway_faults import GatewayFaults
from tests.fakediscord.gateway_intents import (
    GUILD_PRESENCES,
    PRIVILEGED_INTENTS,
    payload_for_session,
)
from tests.fakediscord.gateway_session import (
    CLOSE_ALREADY_AUTHENTICATED,
    CLOSE_AUTHENTICATION_FAILED,
    CLOSE_DISALLOWED_INTENTS,
    CLOSE_NOT_AUTHENTICATED,
    CLOSE_UNKNOWN_OPCODE,
    GATEWAY_PATH,
    HEARTBEAT_INTERVAL_MS,
    OP_HEARTBEAT,
    OP_HEARTBEAT_ACK,
    OP_HELLO,
    OP_IDENTIFY,
    OP_INVALID_SESSION,
    OP_PRESENCE_UPDATE,
    OP_REQUEST_GUILD_MEMBERS,
    OP_RESUME,
    OP_VOICE_STATE_UPDATE,
    RESUMABLE_CLOSE_CODE,
    Connection,
    GatewaySession,
)
from tests.fakediscord.gateway_shards import (
    CLOSE_INVALID_SHARD,
    CLOSE_SHARDING_REQUIRED,
    event_guild_id,
    parse_shard,
    receives,
    shard_of,
)
from tests.fakediscord.signals import Signal

if TYPE_CHECKING:
    from tests.fakediscord.guild import FakeGuild
    from tests.fakediscord.state import FakeState

__all__ = ["GATEWAY_PATH", "RESUMABLE_CLOSE_CODE", "Gateway", "GatewaySession"]

_log = logging.getLogger(__name__)


class Gateway(GatewayFaults):
    """Implements the state's EventSink and serves the websocket route."""

    def __init__(
        self, state: FakeState, gateway_url: str, privileged_intents: int = PRIVILEGED_INTENTS
    ) -> None:
        self._state = state
        self.gateway_url = gateway_url
        self.privileged_intents = privileged_intents
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: list[Connection] = []
        self.connection_count = 0
        self.ready_signal = Signal()
        # Sent in HELLO; tests shorten it (with a short client heartbeat_timeout) to see a
        # zombie connection detected quickly.
        self.heartbeat_interval_ms = HEARTBEAT_INTERVAL_MS

    # --------------------------------------------------------------- EventSink
    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        if self._hidden_guild(data):
            return  # an unavailable guild, or one the bot is not in, sends no events
        guild_id = event_guild_id(event, data)
        for session in self._live_sessions():
            if not receives(session.shard, guild_id):
                continue  # another shard's guild; events outside guilds go to shard 0
            filtered = payload_for_session(event, data, session.intents, self._state)
            if filtered is not None:
                session.push(event, filtered)

    def guild_available(self, guild: FakeGuild, *, joined: bool = False) -> None:
        """GUILD_CREATE to every session. Discord omits ``unavailable`` when the bot has just
        joined (discord.py then fires on_guild_join) and sends ``false`` when a guild comes
        back from an outage (on_guild_available)."""
        if guild.unavailable or self._state.bot_user.id not in guild.members:
            return
        for session in self._live_sessions():
            if not receives(session.shard, guild.id):
                continue
            data = self._guild_create(guild, session)
            if joined:
                del data["unavailable"]
            session.push("GUILD_CREATE", data)

    # -------------------------------------------------------------- test hooks
    def active_session(self) -> GatewaySession | None:
        """The most recently identified session that is connected and past READY."""
        candidates = [s for s in self.sessions.values() if s.connected and s.ready]
        return max(candidates, key=lambda s: s.identified_at, default=None)

    def session_for(self, guild_id: int | None) -> GatewaySession | None:
        """The most recently identified ready session that gets events of ``guild_id`` (None:
        outside any guild, i.e. shard 0)."""
        candidates = [
            s
            for s in self.sessions.values()
            if s.connected and s.ready and receives(s.shard, guild_id)
        ]
        return max(candidates, key=lambda s: s.identified_at, default=None)

    async def dispatch_to_bot(self, event: str, data: dict[str, Any]) -> float:
        """Send one event to the bot's session that owns its guild (shard 0 outside guilds)
        and return when it left (time.monotonic())."""
        guild_id = event_guild_id(event, data)
        session = self.session_for(guild_id)
        if session is None or session.connection is None:
            if self.active_session() is not None:
                count = self._state.sharding.shard_count
                where = "DMs" if guild_id is None else f"guild {guild_id}"
                home = 0 if guild_id is None else shard_of(guild_id, count)
                raise RuntimeError(
                    f"no connected shard gets {where} (shard {home} of {count} when the bot "
                    "uses the recommended count): is the process that owns it running?"
                )
            raise RuntimeError(
                "no bot is connected to the fake gateway: start the bot (and await "
                "fake.wait_until_ready()) before sending interactions"
            )
        seq = session.push(event, data)
        return await session.connection.wait_sent(seq)

    async def close_all(self) -> None:
        for connection in list(self.connections):
            connection.closed_by_server = True
            await connection.ws.close(code=1001, message=b"fake discord shutting down")

    # --------------------------------------------------------------- websocket
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        connection = Connection(ws)
        self.connections.append(connection)
        self.connection_count += 1
        writer = asyncio.create_task(connection.run_writer())
        connection.send_op(OP_HELLO, {"heartbeat_interval": self.heartbeat_interval_ms})
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue  # the client never sends binary frames
                try:
                    await self._on_frame(connection, json.loads(message.data))
                except Exception as exc:  # a bug in the fake: keep the socket, report it
                    self._state.internal_errors.append(
                        "gateway: " + "".join(traceback.format_exception(exc))
                    )
                    _log.exception("fakediscord gateway failed on a frame")
        finally:
            self._on_closed(connection)
            connection.stop()
            await writer
        return ws

    def _on_closed(self, connection: Connection) -> None:
        self.connections.remove(connection)
        self._note_closed(connection)
        session = connection.session
        if session is None or session.connection is not connection:
            return
        session.connection = None
        session.ready = False
        if not connection.closed_by_server and connection.ws.close_code == 1000:
            # A clean client close ends the session, as on Discord.
            session.invalidated = True

    async def _on_frame(self, connection: Connection, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        data = frame.get("d")
        if op == OP_HEARTBEAT:
            if not connection.silent:
                connection.send_op(OP_HEARTBEAT_ACK, None)
        elif op == OP_IDENTIFY:
            await self._identify(connection, data or {})
        elif op == OP_RESUME:
            await self._resume(connection, data or {})
        elif connection.session is None and op in (
            OP_PRESENCE_UPDATE,
            OP_REQUEST_GUILD_MEMBERS,
            OP_VOICE_STATE_UPDATE,
        ):
            await connection.ws.close(code=CLOSE_NOT_AUTHENTICATED, message=b"Not authenticated.")
        elif op == OP_PRESENCE_UPDATE:
            assert connection.session is not None
            connection.session.presence = data
        elif op == OP_REQUEST_GUILD_MEMBERS:
            self._members_chunk(connection, data or {})
        elif op == OP_VOICE_STATE_UPDATE:
            pass  # voice is out of scope for the fake
        else:
            await connection.ws.close(code=CLOSE_UNKNOWN_OPCODE, message=b"Unknown opcode.")

    def _token_ok(self, token: object) -> bool:
        return isinstance(token, str) and token.removeprefix("Bot ") == self._state.token

    async def _identify(self, connection: Connection, data: dict[str, Any]) -> None:
        if connection.session is not None:
            await connection.ws.close(
                code=CLOSE_ALREADY_AUTHENTICATED, message=b"Already authenticated."
            )
            return
        if not self._token_ok(data.get("token")):
            await connection.ws.close(
                code=CLOSE_AUTHENTICATION_FAILED, message=b"Authentication failed."
            )
            return
        intents = int(data.get("intents") or 0)
        if intents & PRIVILEGED_INTENTS & ~self.privileged_intents:
            await connection.ws.close(
                code=CLOSE_DISALLOWED_INTENTS, message=b"Disallowed intent(s)."
            )
            return
        shard = parse_shard(data["shard"]) if data.get("shard") is not None else None
        if data.get("shard") is not None and shard is None:
            await connection.ws.close(code=CLOSE_INVALID_SHARD, message=b"Invalid shard.")
            return
        guilds = [g for g in self._state.bot_guilds() if receives(shard, g.id)]
        if len(guilds) > self._state.sharding.max_guilds_per_shard:
            await connection.ws.close(code=CLOSE_SHARDING_REQUIRED, message=b"Sharding required.")
            return
        identified_at = time.monotonic()
        if self._state.sharding.record_identify(shard, identified_at).refused:
            # Too soon in its max_concurrency bucket: Discord answers op 9, not a session.
            connection.send_op(OP_INVALID_SESSION, False)
            return
        session = GatewaySession(
            session_id=secrets.token_hex(16),
            intents=intents,
            identified_at=identified_at,
            presence=data.get("presence"),
            shard=shard,
        )
        self.sessions[session.session_id] = session
        session.connection = connection
        connection.session = session
        ready: dict[str, Any] = {
            "v": 10,
            "user": payloads.bot_self(self._state.bot_user),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self._state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "geo_ordered_rtc_regions": [],
            "_trace": ["fakediscord"],
        }
        if data.get("shard") is not None:
            ready["shard"] = data["shard"]
        session.push("READY", ready)
        for guild in guilds:
            if not guild.unavailable:  # still in an outage: READY lists it as unavailable
                session.push("GUILD_CREATE", self._guild_create(guild, session))
        session.ready = True
        self.ready_signal.notify()

    async def _resume(self, connection: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        last_seq = int(data.get("seq") or 0)
        oldest = session.backlog[0][0] if session and session.backlog else 1
        if (
            session is None
            or session.invalidated
            or not self._token_ok(data.get("token"))
            or last_seq + 1 < oldest
        ):
            connection.send_op(OP_INVALID_SESSION, False)
            return
        if session.connection is not None and session.connection is not connection:
            # Discord drops the older connection of a resumed session.
            session.connection.closed_by_server = True
            await session.connection.ws.close(code=RESUMABLE_CLOSE_CODE)
        session.connection = connection
        connection.session = session
        for seq, frame in list(session.backlog):
            if seq > last_seq:
                connection.enqueue(frame, seq)
        session.resume_count += 1
        session.push("RESUMED", {"_trace": ["fakediscord"]})
        session.ready = True
        self.ready_signal.notify()

    def _members_chunk(self, connection: Connection, data: dict[str, Any]) -> None:
        assert connection.session is not None
        guild = self._state.guilds.get(int(data.get("guild_id") or 0))
        if guild is None:
            return
        query = str(data.get("query") or "").lower()
        wanted = {int(u) for u in data.get("user_ids") or []}
        limit = int(data.get("limit") or 0) or len(guild.members)
        members = []
        for member in guild.members.values():
            user = self._state.user(member.user_id)
            if wanted and member.user_id not in wanted:
                continue
            if query and not user.username.lower().startswith(query):
                continue
            members.append(payloads.member(self._state, guild, member))
        connection.session.push(
            "GUILD_MEMBERS_CHUNK",
            {
                "guild_id": str(guild.id),
                "members": members[:limit],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
                "nonce": data.get("nonce"),
            },
        )

    def _guild_create(self, guild: FakeGuild, session: GatewaySession) -> dict[str, Any]:
        return payloads.guild_create(
            self._state, guild, all_members=bool(session.intents & GUILD_PRESENCES)
        )

    def _live_sessions(self) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if not s.invalidated]

    def _hidden_guild(self, data: dict[str, Any]) -> bool:
        raw = data.get("guild_id")
        guild = self._state.guilds.get(int(raw)) if raw is not None else None
        return guild is not None and (
            guild.unavailable or self._state.bot_user.id not in guild.members
        )
