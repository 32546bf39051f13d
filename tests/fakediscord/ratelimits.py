"""Discord's REST rate limits, opt-in per test: one global bucket per bot token and per-route
buckets split by the route's top-level resource (channel, guild or webhook).

Off by default (answers then carry plausible headers whose Remaining never reaches 0). Once
``fake.rate_limits.enable()`` is called, every answer carries the truthful ``X-RateLimit-*``
headers of its bucket and an exhausted bucket answers 429 exactly as Discord does, including the
``Via`` header without which discord.py would not retry.

Windows run on REAL monotonic time (``time.monotonic``), never on the injected test clock: rate
limits are about how fast requests really arrive, and discord.py really sleeps for
``Retry-After``/``X-RateLimit-Reset-After``. Keep windows short in tests (``set_route(...,
per=0.5)``) rather than moving a clock.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakediscord.fault_log import RATE_LIMITED, FaultLog
from tests.fakediscord.responses import json_response

USER_SCOPE = "user"
SHARED_SCOPE = "shared"
GLOBAL_SCOPE = "global"
GLOBAL_WINDOW = 1.0  # Discord's global limit is N requests per second
MAJOR_PARAMETERS = ("channel_id", "guild_id", "webhook_id")
# A request arriving within this much of a window's end counts in the next window: asyncio may
# wake a sleeper a hair early, and discord.py sleeps exactly Reset-After.
_GRACE = 0.001
RATE_LIMITED_MESSAGE = "You are being rate limited."


@dataclass(frozen=True)
class BucketRule:
    """``limit`` requests per ``per`` seconds; ``major`` names the route parameter that gives
    each channel/guild/webhook its own window (None: one window for the whole bot)."""

    name: str
    limit: int
    per: float
    major: str | None = None
    scope: str = USER_SCOPE

    @property
    def bucket_hash(self) -> str:
        """What ``X-RateLimit-Bucket`` says: the same for every channel, as on Discord."""
        return hashlib.sha1(self.name.encode()).hexdigest()[:32]


def _messages(name: str, limit: int, per: float) -> BucketRule:
    return BucketRule(name, limit, per, "channel_id")


_MESSAGE = "/channels/{channel_id}/messages/{message_id}"
_REACTION = _MESSAGE + "/reactions/{emoji}"
_REACTIONS = _messages("channel-message-reactions", 1, 0.25)
_PINS = _messages("channel-pins", 5, 5.0)
_MEMBER_ROLES = BucketRule("guild-member-roles", 10, 10.0, "guild_id")

# Discord-like defaults for the routes that bite bots (observed values; Discord may change them).
DEFAULT_ROUTES: dict[tuple[str, str], BucketRule] = {
    ("POST", "/channels/{channel_id}/messages"): _messages("channel-messages-create", 5, 5.0),
    ("PATCH", _MESSAGE): _messages("channel-messages-edit", 5, 5.0),
    ("DELETE", _MESSAGE): _messages("channel-messages-delete", 5, 1.0),
    ("PUT", _REACTION + "/@me"): _REACTIONS,
    ("DELETE", _REACTION + "/@me"): _REACTIONS,
    ("DELETE", _REACTION + "/{user_id}"): _REACTIONS,
    ("POST", "/users/@me/channels"): BucketRule("user-dm-channel-create", 5, 1.0),
    ("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"): _MEMBER_ROLES,
    ("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"): _MEMBER_ROLES,
    ("PUT", "/channels/{channel_id}/messages/pins/{message_id}"): _PINS,
    ("DELETE", "/channels/{channel_id}/messages/pins/{message_id}"): _PINS,
    ("PUT", "/channels/{channel_id}/pins/{message_id}"): _PINS,
    ("DELETE", "/channels/{channel_id}/pins/{message_id}"): _PINS,
}


@dataclass(frozen=True)
class RateLimitHit:
    """One 429 served. ``route`` is the template ("POST /channels/{channel_id}/messages"),
    ``bucket`` the bucket name ("global" for the global limit)."""

    method: str
    path: str
    route: str
    bucket: str
    major: str | None
    scope: str
    is_global: bool
    retry_after: float
    at: float


@dataclass
class _Window:
    limit: int
    per: float
    remaining: int = 0
    reset_at: float = 0.0

    def roll(self, now: float) -> None:
        if now >= self.reset_at - _GRACE:
            self.remaining = self.limit
            self.reset_at = now + self.per

    def reset_after(self, now: float) -> float:
        # Rounded up to the millisecond so a client sleeping exactly this long is never early.
        return math.ceil(max(self.reset_at - now, 0.0) * 1000) / 1000


class RateLimits:
    """``fake.rate_limits``: enable/configure the buckets and count the 429s served."""

    def __init__(self, log: FaultLog) -> None:
        self._log = log
        self.enabled = False
        self.global_per_second = 50
        self.default_limit = 50
        self.default_per = 1.0
        self.routes: dict[tuple[str, str], BucketRule] = dict(DEFAULT_ROUTES)
        self.served: list[RateLimitHit] = []
        self._windows: dict[tuple[str, str], _Window] = {}

    # ------------------------------------------------------------------ set-up
    def enable(
        self,
        *,
        global_per_second: int = 50,
        default_limit: int = 50,
        default_per: float = 1.0,
    ) -> None:
        """Start enforcing: ``global_per_second`` for the bot token (interaction callbacks and
        webhooks exempt, as on Discord), the route defaults above, and ``default_limit`` per
        ``default_per`` seconds for every other bot-token route (per top-level resource)."""
        if global_per_second < 1 or default_limit < 1 or default_per <= 0:
            raise ValueError("limits must be positive")
        self.enabled = True
        self.global_per_second = global_per_second
        self.default_limit = default_limit
        self.default_per = default_per
        self._windows.clear()

    def disable(self) -> None:
        self.enabled = False
        self._windows.clear()

    def set_route(
        self,
        method: str,
        template: str,
        *,
        limit: int,
        per: float,
        major: str | None = None,
        scope: str = USER_SCOPE,
        bucket: str | None = None,
    ) -> BucketRule:
        """Give one route its own bucket. ``template`` is the route as the fake declares it,
        e.g. ``"/channels/{channel_id}/messages"``; ``major`` defaults to the first of
        channel_id / guild_id / webhook_id in the template; routes naming the same ``bucket``
        share one (like Discord's shared buckets)."""
        if major is None:
            major = next((p for p in MAJOR_PARAMETERS if "{" + p + "}" in template), None)
        rule = BucketRule(bucket or f"{method.upper()} {template}", limit, per, major, scope)
        self.routes[(method.upper(), template)] = rule
        return rule

    # ------------------------------------------------------------------ counts
    @property
    def total(self) -> int:
        return len(self.served)

    @property
    def global_count(self) -> int:
        return sum(1 for hit in self.served if hit.is_global)

    @property
    def route_count(self) -> int:
        return sum(1 for hit in self.served if not hit.is_global)

    def by_route(self) -> Counter[str]:
        return Counter(hit.route for hit in self.served)

    def by_bucket(self) -> Counter[str]:
        return Counter(hit.bucket for hit in self.served)

    # ------------------------------------------------------------- enforcement
    def check(
        self, method: str, template: str, match_info: dict[str, str], *, public: bool, path: str
    ) -> tuple[web.Response | None, dict[str, str] | None]:
        """Count one request. Returns ``(429 response, None)`` when a bucket is exhausted,
        else ``(None, headers for the answer)`` (None headers: no bucket applies)."""
        if not self.enabled:
            return None, None
        now = time.monotonic()
        global_window = None if public else self._window("global", "", self._global_rule(), now)
        rule = self._rule(method, template, public=public)
        major = match_info.get(rule.major) if rule is not None and rule.major else None
        window = self._window(rule.name, major or "", rule, now) if rule is not None else None
        route = f"{method} {template}"
        if global_window is not None and global_window.remaining <= 0:
            return self._limited(method, path, route, None, None, global_window, now), None
        if rule is not None and window is not None and window.remaining <= 0:
            return self._limited(method, path, route, rule, major, window, now), None
        if global_window is not None:
            global_window.remaining -= 1
        if rule is None or window is None:
            return None, None
        window.remaining -= 1
        return None, self._headers(rule, window, now)

    def _global_rule(self) -> BucketRule:
        return BucketRule(GLOBAL_SCOPE, self.global_per_second, GLOBAL_WINDOW, None, GLOBAL_SCOPE)

    def _rule(self, method: str, template: str, *, public: bool) -> BucketRule | None:
        rule = self.routes.get((method, template))
        if rule is not None or public:
            return rule  # webhooks/interaction callbacks: only buckets a test asked for
        major = next((p for p in MAJOR_PARAMETERS if "{" + p + "}" in template), None)
        return BucketRule(f"{method} {template}", self.default_limit, self.default_per, major)

    def _window(self, name: str, major: str, rule: BucketRule, now: float) -> _Window:
        window = self._windows.get((name, major))
        if window is None or window.limit != rule.limit or window.per != rule.per:
            window = self._windows[(name, major)] = _Window(rule.limit, rule.per)
        window.roll(now)
        return window

    @staticmethod
    def _headers(rule: BucketRule, window: _Window, now: float) -> dict[str, str]:
        reset_after = window.reset_after(now)
        return {
            "X-RateLimit-Limit": str(rule.limit),
            "X-RateLimit-Remaining": str(max(window.remaining, 0)),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": rule.bucket_hash,
        }

    def _limited(
        self,
        method: str,
        path: str,
        route: str,
        rule: BucketRule | None,
        major: str | None,
        window: _Window,
        now: float,
    ) -> web.Response:
        retry_after = window.reset_after(now)
        is_global = rule is None
        scope = GLOBAL_SCOPE if rule is None else rule.scope
        headers = {
            "Via": "1.1 google",  # discord.py only retries a 429 that came through Discord's edge
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Scope": scope,
        }
        if rule is None:
            headers["X-RateLimit-Global"] = "true"
        else:
            headers.update(self._headers(rule, window, now))
        body: dict[str, Any] = {
            "message": RATE_LIMITED_MESSAGE,
            "retry_after": retry_after,
            "global": is_global,
        }
        bucket = GLOBAL_SCOPE if rule is None else rule.name
        self.served.append(
            RateLimitHit(method, path, route, bucket, major, scope, is_global, retry_after, now)
        )
        self._log.add(
            RATE_LIMITED,
            f"{method} {path}",
            route=route,
            bucket=bucket,
            is_global=is_global,
            retry_after=retry_after,
        )
        return json_response(body, status=429, headers=headers)
