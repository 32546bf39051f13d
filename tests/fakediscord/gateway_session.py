"""Gateway records: the protocol's opcodes and close codes, one websocket (Connection) and one
session (GatewaySession), which outlives its connections so a RESUME can replay what was missed.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakediscord.signals import Signal

GATEWAY_PATH = "/gateway"
HEARTBEAT_INTERVAL_MS = 41250
BACKLOG_SIZE = 1000

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE_UPDATE = 3
OP_VOICE_STATE_UPDATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_GUILD_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

CLOSE_UNKNOWN_OPCODE = 4001
CLOSE_NOT_AUTHENTICATED = 4003
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_ALREADY_AUTHENTICATED = 4005
CLOSE_DISALLOWED_INTENTS = 4014
RESUMABLE_CLOSE_CODE = 4000  # "unknown error": clients reconnect and RESUME


class Connection:
    """One websocket. Frames go through a queue so dispatching never blocks the caller."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.session: GatewaySession | None = None
        # Set when the fake closes the socket, so its own close code is not mistaken for
        # the client's (aiohttp reports one close_code for both directions).
        self.closed_by_server = False
        self.sent_seq = 0
        self.sent = Signal()
        # A zombie: the fake stops answering heartbeats and sending anything (frames are
        # dropped; dispatches stay in the session backlog for the RESUME that follows).
        self.silent = False
        self._queue: asyncio.Queue[tuple[str, int | None] | None] = asyncio.Queue()

    def send_op(self, op: int, data: Any) -> None:
        self._queue.put_nowait((json.dumps({"op": op, "d": data, "s": None, "t": None}), None))

    def enqueue(self, frame: str, seq: int) -> None:
        self._queue.put_nowait((frame, seq))

    def stop(self) -> None:
        self._queue.put_nowait(None)

    async def run_writer(self) -> None:
        try:
            while (item := await self._queue.get()) is not None:
                frame, seq = item
                if self.ws.closed:
                    break  # unsent dispatches stay in the session backlog for a RESUME
                if self.silent:
                    continue
                try:
                    await self.ws.send_str(frame)
                except (ConnectionError, RuntimeError):
                    break
                if seq is not None:
                    self.sent_seq = seq
                    self.sent.notify()
        finally:
            self.sent.notify()  # wake wait_sent() callers so they see the socket closed

    async def wait_sent(self, seq: int, timeout: float = 5.0) -> float:
        """Wait until dispatch ``seq`` is on the wire; returns time.monotonic() then."""
        await self.sent.wait_for(
            lambda: self.sent_seq >= seq or self.ws.closed,
            timeout,
            f"gateway frame {seq} to be sent",
        )
        if self.sent_seq < seq:
            raise RuntimeError("the bot disconnected before the event could be sent")
        return time.monotonic()


@dataclass
class GatewaySession:
    session_id: str
    intents: int
    identified_at: float
    seq: int = 0
    resume_count: int = 0
    invalidated: bool = False
    ready: bool = False  # READY or RESUMED delivered on the current connection
    presence: dict[str, Any] | None = None
    shard: tuple[int, int] | None = None  # [id, count] from IDENTIFY; None: not sharded
    connection: Connection | None = None
    backlog: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=BACKLOG_SIZE))

    @property
    def connected(self) -> bool:
        return self.connection is not None and not self.connection.ws.closed

    def push(self, event: str, data: dict[str, Any]) -> int:
        self.seq += 1
        frame = json.dumps({"op": OP_DISPATCH, "t": event, "s": self.seq, "d": data})
        self.backlog.append((self.seq, frame))
        if self.connection is not None:
            self.connection.enqueue(frame, self.seq)
        return self.seq
