"""What a delivery can come to, and the true cause of a failure in words an admin can act on."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum

import aiohttp
import discord

MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
DMS_CLOSED = 50007
UNKNOWN_CHANNEL = 10003


class Status(StrEnum):
    SENT = "sent"
    REFUSED = "refused"  # Discord refused it for good (permissions, a missing channel...)
    DMS_CLOSED = "dms_closed"  # the member doesn't take DMs from the server: not an error
    PAUSED = "paused"  # the server is unavailable (a Discord outage): try when it is back
    GONE = "gone"  # Hearth is no longer in the server: nothing to send, nobody to tell
    # Passing trouble that outlasted every retry, or another Hearth process is sending it right
    # now (bot/delivery.py CLAIMED_ELSEWHERE): try again later.
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    status: Status
    channel_id: int | None = None
    message_id: int | None = None
    cause: str | None = None  # for failures: what went wrong, in plain words
    code: int | None = None  # Discord's error code, when it gave one

    @property
    def sent(self) -> bool:
        return self.status == Status.SENT

    @property
    def lasting(self) -> bool:
        """A failure that won't go away by itself: worth telling the moderators about."""
        return self.status == Status.REFUSED

    @property
    def passing(self) -> bool:
        """Worth trying again later (and never worth a report on its own)."""
        return self.status in (Status.PAUSED, Status.FAILED)


class Found(StrEnum):
    """What a look at the channel's history said about a delivery that may have been sent."""

    SENT = "sent"
    NOT_SENT = "not_sent"
    UNKNOWN = "unknown"  # history couldn't be read (Discord trouble): look again later


@dataclass(frozen=True)
class Resolution:
    found: Found
    channel_id: int | None = None
    message_id: int | None = None


def is_passing(error: BaseException) -> bool:
    """5xx, rate limits beyond discord.py's patience, timeouts and dropped connections."""
    if isinstance(error, discord.HTTPException):
        return error.status >= 500 or error.status == 429
    if isinstance(error, discord.RateLimited):
        return True
    return isinstance(error, (asyncio.TimeoutError, aiohttp.ClientError, OSError))


def cause_of(error: BaseException) -> str:
    if isinstance(error, discord.HTTPException):
        code = error.code
        if code == DMS_CLOSED:
            return "the member doesn't accept direct messages from this server"
        if code == MISSING_ACCESS:
            return "Hearth can't see that channel"
        if code == MISSING_PERMISSIONS or isinstance(error, discord.Forbidden):
            return "Hearth is missing permissions there"
        if code == UNKNOWN_CHANNEL or isinstance(error, discord.NotFound):
            return "the channel no longer exists"
        if error.status == 429:
            return "Discord kept asking Hearth to slow down (rate limited)"
        if error.status >= 500:
            return f"Discord kept failing (HTTP {error.status}) and didn't recover in time"
        return f"Discord refused the message (HTTP {error.status}, code {code})"
    if isinstance(error, discord.RateLimited):
        return "Discord kept asking Hearth to slow down (rate limited)"
    if isinstance(error, asyncio.TimeoutError):
        return "Discord didn't answer in time"
    return "Discord couldn't be reached"


def refusal(error: discord.HTTPException) -> Outcome:
    status = Status.DMS_CLOSED if error.code == DMS_CLOSED else Status.REFUSED
    return Outcome(status, cause=cause_of(error), code=error.code)
