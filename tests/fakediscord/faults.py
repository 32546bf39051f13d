"""Injected REST failures on any route, opt-in per test: 5xx answers and requests that hang.

``fake.faults.fail("POST", r"/channels/\\d+/messages", status=503)`` answers the next matching
request with a 503; ``nth=3`` fails the third matching request instead; ``times=None`` fails
every match until ``rule.cancel()`` / ``fake.faults.clear()``. Bodies look like Discord's own
(JSON ``{"message": "503: Service Unavailable", "code": 0}``) or, for 502/504/52x, like
Cloudflare's HTML page (``text/html``, which discord.py reads as text).

``fake.faults.timeout(...)`` holds a matching request for at most ``hold`` seconds (never
forever; ``fake.faults.release()`` ends every hold at once), then drops the connection without an
answer (aiohttp raises ``ServerDisconnectedError``; note that aiohttp silently retries an
idempotent request such as GET once after a dropped connection) or, with ``status=``, answers
that status. ``applied=True`` carries the request out before hanging: the answer is lost but the
message exists, as when Discord's edge times out after the API did the work.

Remember discord.py's own retries: 500, 502, 504 and 524 are retried up to 5 times after 1, 3,
5, 7 s; 503 and other statuses raise ``DiscordServerError``/``HTTPException`` at once.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus

from aiohttp import web

from tests.fakediscord.fault_log import HTTP_ERROR, TIMEOUT, FaultLog
from tests.fakediscord.responses import json_response

MAX_HOLD = 60.0
DISCORD_STYLE = "discord"
CLOUDFLARE_STYLE = "cloudflare"
_CLOUDFLARE_STATUSES = frozenset({502, 504, 520, 521, 522, 523, 524})
_CLOUDFLARE_REASONS = {
    520: "Web server is returning an unknown error",
    521: "Web server is down",
    522: "Connection timed out",
    523: "Origin is unreachable",
    524: "A timeout occurred",
}


@dataclass
class FaultRule:
    """One injected failure; fires on matching requests number ``nth`` .. ``nth + times - 1``
    (counted from when the rule was added)."""

    method: str  # upper-case, or "*" for any
    path_regex: str
    kind: str  # HTTP_ERROR or TIMEOUT
    status: int | None  # None for a timeout that drops the connection
    style: str
    nth: int
    times: int | None
    hold: float = 0.0
    applied: bool = False
    matched: int = 0  # matching requests seen while the rule was live (not exhausted/cancelled)
    served: int = 0
    active: bool = True
    _pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._pattern = re.compile(self.path_regex)

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and self._pattern.fullmatch(path) is not None

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.served >= self.times

    def cancel(self) -> None:
        self.active = False


@dataclass(frozen=True)
class ServedFault:
    kind: str
    method: str
    path: str
    status: int | None  # None: connection dropped
    applied: bool
    held_for: float
    at: float


class RestFaults:
    """``fake.faults``: add rules, end holds, read what was served."""

    def __init__(self, log: FaultLog) -> None:
        self._log = log
        self.rules: list[FaultRule] = []
        self.served: list[ServedFault] = []
        self._held: set[asyncio.Event] = set()

    def fail(
        self,
        method: str,
        path_regex: str,
        *,
        status: int = 503,
        times: int | None = 1,
        nth: int = 1,
        style: str | None = None,
    ) -> FaultRule:
        """Answer matching requests with ``status`` (400-599). ``style``: "discord" (JSON) or
        "cloudflare" (HTML); default Cloudflare for 502/504/52x, Discord otherwise."""
        if not 400 <= status <= 599:
            raise ValueError("status must be an error status (400-599)")
        rule = FaultRule(
            method.upper(), path_regex, HTTP_ERROR, status, _style(status, style), nth, times
        )
        return self._add(rule)

    def timeout(
        self,
        method: str,
        path_regex: str,
        *,
        hold: float = 10.0,
        times: int | None = 1,
        nth: int = 1,
        applied: bool = False,
        status: int | None = None,
        style: str | None = None,
    ) -> FaultRule:
        """Hold matching requests up to ``hold`` seconds (≤ 60) or until :meth:`release`, then
        drop the connection (``status=None``) or answer ``status``."""
        if not 0 < hold <= MAX_HOLD:
            raise ValueError(f"hold must be between 0 and {MAX_HOLD:.0f} seconds")
        if status is not None and not 400 <= status <= 599:
            raise ValueError("status must be an error status (400-599)")
        rule = FaultRule(
            method.upper(),
            path_regex,
            TIMEOUT,
            status,
            _style(status or 504, style),
            nth,
            times,
            hold,
            applied,
        )
        return self._add(rule)

    def release(self) -> int:
        """End every hold now; returns how many requests were held."""
        count = len(self._held)
        for event in list(self._held):
            event.set()
        return count

    @property
    def holding(self) -> int:
        """Requests currently held by a timeout rule."""
        return len(self._held)

    def clear(self) -> None:
        """Remove every rule (held requests stay held until released or their hold ends)."""
        for rule in self.rules:
            rule.cancel()
        self.rules.clear()

    def _add(self, rule: FaultRule) -> FaultRule:
        if rule.nth < 1 or (rule.times is not None and rule.times < 1):
            raise ValueError("nth and times must be at least 1 (times=None: every match)")
        self.rules.append(rule)
        return rule

    # ------------------------------------------------------------- serving
    def pick(self, method: str, path: str) -> FaultRule | None:
        """Count this request against every live rule; the first that fires wins."""
        chosen: FaultRule | None = None
        for rule in self.rules:
            if not rule.active or rule.exhausted or not rule.matches(method, path):
                continue
            rule.matched += 1
            if chosen is None and rule.matched >= rule.nth:
                chosen = rule
        if chosen is not None:
            chosen.served += 1
        return chosen

    async def serve(
        self,
        rule: FaultRule,
        method: str,
        path: str,
        carry_out: Callable[[], Awaitable[web.StreamResponse]],
    ) -> web.Response | None:
        """The faulty answer (None: drop the connection). ``carry_out`` runs the real request
        (for ``applied=True`` timeouts)."""
        held_for = 0.0
        if rule.kind == TIMEOUT:
            if rule.applied:
                await carry_out()
            held_for = await self._hold(rule.hold)
        served = ServedFault(
            rule.kind, method, path, rule.status, rule.applied, held_for, time.monotonic()
        )
        self.served.append(served)
        self._log.add(rule.kind, f"{method} {path}", status=rule.status, applied=rule.applied)
        if rule.status is None:
            return None
        return error_response(rule.status, rule.style)

    async def _hold(self, seconds: float) -> float:
        event = asyncio.Event()
        self._held.add(event)
        started = time.monotonic()
        try:
            await asyncio.wait_for(event.wait(), seconds)
        except TimeoutError:
            pass
        finally:
            self._held.discard(event)
        return time.monotonic() - started


def _style(status: int, style: str | None) -> str:
    if style is None:
        return CLOUDFLARE_STYLE if status in _CLOUDFLARE_STATUSES else DISCORD_STYLE
    if style not in (DISCORD_STYLE, CLOUDFLARE_STYLE):
        raise ValueError('style must be "discord" or "cloudflare"')
    return style


def error_response(status: int, style: str) -> web.Response:
    """A server error as Discord's API (JSON) or Cloudflare's edge (HTML) would send it."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = _CLOUDFLARE_REASONS.get(status, "Error")
    if style == CLOUDFLARE_STYLE:
        page = (
            f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
            f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
            "</body>\r\n</html>\r\n"
        )
        return web.Response(
            text=page, status=status, content_type="text/html", headers={"Server": "cloudflare"}
        )
    body = {"message": f"{status}: {reason}", "code": 0}
    return json_response(body, status=status, headers={"Via": "1.1 google"})
