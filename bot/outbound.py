"""One outbound lane: every REST request Hearth makes waits its turn here, most urgent first.

Discord allows a bot 50 requests a second in all (interaction responses aside) and answers
429 beyond that. discord.py follows the per-route buckets Discord announces in its headers, but
keeps no global budget of its own, so a burst (hundreds of reminders due in the same second)
would run into the global limit, and a crisis DM queued behind it would wait its turn.

The lane sits in discord.py's documented `http_trace` hook, which aiohttp awaits before each
request leaves: every request counts, whoever makes it (discord.py's own retries included), and
none starts while `per_second` others started in the last second. Requests are also paced
evenly (a small burst at most), because Discord counts arrivals: a whole second's budget sent at
once arrives bunched with the next second's and overflows Discord's window. Requests that wait
are let through by priority (see `Priority`), then in arrival order. The priority is taken from the
task that makes the request (`priority(...)` sets it); interaction responses and follow-ups,
which Discord does not count, pass straight through.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import math
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import aiohttp
import yarl

from bot.domain.delivery import Priority

# Discord's global limit is 50/s; the margin absorbs requests that bunch up on the way there.
DEFAULT_PER_SECOND = 45
DEFAULT_BURST = 3
_WINDOW = 1.0


def rate_for_share(share: float) -> int:
    """Requests per second for a process that runs `share` of the bot's shards. Discord's
    global limit is per bot token, shared by every process: processes that each used the whole
    budget would together overrun it many times over (each 429 then pauses the process, and
    Discord bans an address that collects 10,000 invalid requests in 10 minutes). Servers are
    spread evenly over shards, so a share of the shards is a fair share of the budget."""
    if not 0.0 < share <= 1.0:
        raise ValueError("a share of the shards is more than 0 and at most 1")
    return max(1, math.floor(DEFAULT_PER_SECOND * share + 1e-9))


_priority: ContextVar[Priority] = ContextVar("hearth_request_priority", default=Priority.FOLLOWUP)
_ticket: ContextVar[Ticket | None] = ContextVar("hearth_request_ticket", default=None)


@contextlib.contextmanager
def priority(level: Priority) -> Iterator[None]:
    """Requests made inside (by this task and tasks it starts) wait with this priority."""
    token = _priority.set(level)
    try:
        yield
    finally:
        _priority.reset(token)


def current_priority() -> Priority:
    return _priority.get()


@dataclass
class Ticket:
    """Follows one delivery try: when its requests were let through, so a timeout counts only
    the time spent with Discord, not the time spent waiting for the lane."""

    granted: asyncio.Event = field(default_factory=asyncio.Event)
    last_grant: float = 0.0

    def note_grant(self, at: float) -> None:
        self.last_grant = at
        self.granted.set()


@contextlib.contextmanager
def ticket(current: Ticket) -> Iterator[None]:
    token = _ticket.set(current)
    try:
        yield
    finally:
        _ticket.reset(token)


def is_exempt(url: yarl.URL) -> bool:
    """Interaction callbacks and webhook follow-ups are not counted by Discord; the gateway
    connection is not a REST request."""
    path = url.path
    if url.scheme in ("ws", "wss") or "/api/" not in path:
        return True
    return "/interactions/" in path or "/webhooks/" in path


class OutboundLane:
    def __init__(
        self,
        per_second: int = DEFAULT_PER_SECOND,
        *,
        burst: int = DEFAULT_BURST,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_second < 1 or burst < 1:
            raise ValueError("per_second and burst must be at least 1")
        self.per_second = per_second
        self.burst = min(burst, per_second)
        self._now = now
        self._started: deque[float] = deque()
        self._tokens = float(burst)
        self._refilled = now()
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._pump: asyncio.Task[None] | None = None
        # Counters for /hearth status and the benchmark.
        self.granted = 0
        self.waited = 0

    def trace_config(self) -> aiohttp.TraceConfig:
        trace = aiohttp.TraceConfig()
        trace.on_request_start.append(self._on_request_start)
        return trace

    async def _on_request_start(
        self, session: aiohttp.ClientSession, context: SimpleNamespace, params: Any
    ) -> None:
        if is_exempt(params.url):
            return
        await self.acquire(_priority.get())

    async def acquire(self, level: Priority) -> None:
        """Return when a request of this priority may leave."""
        if not self._waiting and self._wait_needed() == 0.0:
            self._record_start()
        else:
            await self._wait_turn(level)
        current = _ticket.get()
        if current is not None:
            current.note_grant(time.monotonic())

    async def _wait_turn(self, level: Priority) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (int(level), next(self._order), future))
        self.waited += 1
        if self._pump is None or self._pump.done():
            self._pump = asyncio.get_running_loop().create_task(self._let_through())
        await future

    def queued(self) -> int:
        return sum(1 for _, _, future in self._waiting if not future.done())

    def _wait_needed(self) -> float:
        """Seconds until the next request may start (0: now)."""
        now = self._now()
        while self._started and now - self._started[0] >= _WINDOW:
            self._started.popleft()
        self._tokens = min(self.burst, self._tokens + (now - self._refilled) * self.per_second)
        self._refilled = now
        waits = [0.0]
        if len(self._started) >= self.per_second:
            waits.append(self._started[0] + _WINDOW - now)
        if self._tokens < 1.0:
            waits.append((1.0 - self._tokens) / self.per_second)
        return max(waits)

    def _record_start(self) -> None:
        self._started.append(self._now())
        self._tokens -= 1.0
        self.granted += 1

    async def _let_through(self) -> None:
        while self._waiting:
            if (wait := self._wait_needed()) > 0.0:
                await asyncio.sleep(wait)
                continue
            _, _, future = heapq.heappop(self._waiting)
            if future.done():  # the request was cancelled while it waited
                continue
            self._record_start()
            future.set_result(None)
