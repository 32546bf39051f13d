"""The gateway's failure modes, each recorded in the fault log: a resumable (or expired) close,
op 7 RECONNECT, op 9 INVALID_SESSION with d=true or d=false, and a zombie connection that goes
silent. Mixed into :class:`~tests.fakediscord.gateway.Gateway`.

What discord.py 2.7 does with each: a close with a code other than 1000/4004/4010-4014 →
reconnect and RESUME; op 7 → close 4000 and RESUME; op 9 d=true → close 4000 and RESUME;
op 9 d=false → close 1000 and a fresh IDENTIFY; a connection that sends nothing for
``heartbeat_timeout`` seconds (Client option, default 60) → the client closes it with 4000 and
RESUMEs.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from tests.fakediscord.fault_log import (
    GATEWAY_CLOSE,
    INVALID_SESSION,
    RECONNECT,
    ZOMBIE,
    ZOMBIE_DETECTED,
)
from tests.fakediscord.gateway_session import (
    OP_INVALID_SESSION,
    OP_RECONNECT,
    RESUMABLE_CLOSE_CODE,
    Connection,
    GatewaySession,
)

if TYPE_CHECKING:
    from tests.fakediscord.state import FakeState


class GatewayFaults:
    _state: FakeState
    connections: list[Connection]

    def _live_sessions(self) -> list[GatewaySession]:
        raise NotImplementedError

    def _attached(self) -> list[tuple[Connection, GatewaySession]]:
        return [(c, c.session) for c in list(self.connections) if c.session is not None]

    async def disconnect(
        self, code: int = RESUMABLE_CLOSE_CODE, *, expire_session: bool = False
    ) -> list[str]:
        """Close every live connection with ``code``. Sessions stay resumable unless
        ``expire_session`` (then the client's RESUME is answered with op 9 d=false and it must
        IDENTIFY again, as after a long outage)."""
        closed: list[str] = []
        for connection in list(self.connections):
            if connection.session is not None:
                closed.append(connection.session.session_id)
                connection.session.ready = False
                if expire_session:
                    connection.session.invalidated = True
                self._state.fault_log.add(
                    GATEWAY_CLOSE,
                    connection.session.session_id,
                    code=code,
                    expire_session=expire_session,
                )
            connection.closed_by_server = True
            await connection.ws.close(code=code, message=b"fake discord: disconnect")
        return closed

    def request_reconnect(self) -> list[str]:
        """Send op 7 RECONNECT to every live connection (clients then close and RESUME)."""
        asked: list[str] = []
        for connection, session in self._attached():
            asked.append(session.session_id)
            session.ready = False
            connection.send_op(OP_RECONNECT, None)
            self._state.fault_log.add(RECONNECT, session.session_id)
        return asked

    def invalidate_session(self, *, resumable: bool) -> list[str]:
        """Send op 9 INVALID_SESSION with ``d=resumable``. With ``resumable=False`` the
        session is over (events meanwhile are lost, as on Discord) and the client IDENTIFYs
        again; with ``True`` it closes and RESUMEs the same session."""
        invalidated: list[str] = []
        for connection, session in self._attached():
            invalidated.append(session.session_id)
            session.ready = False
            if not resumable:
                session.invalidated = True
            connection.send_op(OP_INVALID_SESSION, resumable)
            self._state.fault_log.add(INVALID_SESSION, session.session_id, resumable=resumable)
        return invalidated

    def make_zombie(self) -> list[str]:
        """Every live connection goes silent: no heartbeat ACKs, no dispatches (they wait in
        the session backlog). Only the client can notice, by its heartbeat timeout."""
        silenced: list[str] = []
        for connection, session in self._attached():
            connection.silent = True
            session.ready = False
            silenced.append(session.session_id)
            self._state.fault_log.add(ZOMBIE, session.session_id)
        return silenced

    def _note_closed(self, connection: Connection) -> None:
        if connection.silent and not connection.closed_by_server and connection.session:
            self._state.fault_log.add(
                ZOMBIE_DETECTED,
                connection.session.session_id,
                close_code=connection.ws.close_code,
            )

    async def flush(self, timeout: float = 5.0) -> None:
        """Wait until every connected session has been sent all its dispatches (a silent
        connection sends nothing: its events wait for the RESUME)."""
        for session in self._live_sessions():
            connection = session.connection
            if session.connected and connection is not None and not connection.silent:
                # Disconnected meanwhile: the events wait in the backlog for a RESUME.
                with contextlib.suppress(RuntimeError):
                    await connection.wait_sent(session.seq, timeout)
