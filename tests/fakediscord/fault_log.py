"""One ordered record of every failure the fake served (429s, injected errors, gateway faults,
guild outages), so a test can assert on what went wrong as well as on what the bot did."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

# Kinds of entries, one constant each so tests can filter without typos.
RATE_LIMITED = "rate_limited"  # a 429 (route or global bucket)
HTTP_ERROR = "http_error"  # an injected 5xx (or other status) from fake.faults.fail
TIMEOUT = "timeout"  # a request held by fake.faults.timeout
GATEWAY_CLOSE = "gateway_close"  # the fake closed the bot's websocket
INVALID_SESSION = "invalid_session"  # op 9 sent (d=true or d=false)
RECONNECT = "reconnect"  # op 7 sent
ZOMBIE = "zombie"  # a connection went silent (no ACKs, no dispatches)
ZOMBIE_DETECTED = "zombie_detected"  # the client closed a silent connection itself
GUILD_OUTAGE = "guild_outage"  # GUILD_DELETE unavailable=true
GUILD_RETURNED = "guild_returned"  # GUILD_CREATE after an outage
BOT_REMOVED = "bot_removed"  # GUILD_DELETE without unavailable
BOT_ADDED = "bot_added"  # GUILD_CREATE after the bot was added back


@dataclass(frozen=True)
class FaultEvent:
    """``target`` names what failed: "POST /channels/1/messages", a session id, a guild id."""

    kind: str
    target: str
    detail: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


class FaultLog:
    def __init__(self) -> None:
        self.events: list[FaultEvent] = []

    def add(self, kind: str, target: str, **detail: Any) -> FaultEvent:
        event = FaultEvent(kind, target, detail)
        self.events.append(event)
        return event

    def of(self, kind: str) -> list[FaultEvent]:
        return [e for e in self.events if e.kind == kind]
