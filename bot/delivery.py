"""Sending a post or a DM exactly once, even across crashes and Discord's passing failures.

Every delivery has a key (the same each time the same delivery is tried). Sending:
1. the journal row for the key is written ('sending') before the request leaves, with what the
   message looks like (its fingerprint) and the newest message known in the channel (its anchor);
2. the request carries the key's nonce, so a retry within Discord's few-minute window returns the
   first message instead of posting a second; passing failures (5xx, timeouts, dropped
   connections) are retried with backoff, crisis DMs and queue cards first and fastest;
3. Discord's answer settles the row: 'sent' with the message id, or 'failed' with the true cause.

A row still 'sending' after a crash (or after retries ran out) may have reached Discord. Before
anything is sent for it again, the channel's history after the anchor is searched for one of
Hearth's own messages with the same fingerprint, not already credited to another delivery: if
found, the delivery is settled as sent with that message.

Several Hearth processes may share one database. A delivery is claimed in it before its history
is searched or it is sent (`DeliveryJournal.claim`; for a first try `begin` claims it), so one
process sends it; another that reaches the same delivery meanwhile neither sends nor gives up:
it is told to try again later (FAILED, with `CLAIMED_ELSEWHERE` as the cause), and by then the
delivery is sent, or its claim free again.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
import discord

from bot.delivery_history import HistorySearch
from bot.delivery_outcomes import (
    UNKNOWN_CHANNEL,
    Found,
    Outcome,
    Resolution,
    Status,
    cause_of,
    is_passing,
    refusal,
)
from bot.domain.delivery import (
    RETRY_WAITS,
    TRY_TIMEOUT,
    Fingerprint,
    Priority,
    fingerprint,
    nonce_for,
)
from bot.outbound import Ticket, priority, ticket
from bot.presence import Presence

if TYPE_CHECKING:
    from bot.app import Hearth
    from bot.storage.deliveries import JournalEntry

log = logging.getLogger("hearth.delivery")
# Logged when timed work reached a server another process serves: some loader skipped the
# shard split (bot.owns_guild); the delivery is held, and the owning process does it.
SHARD_LEAK = "delivery held: another Hearth process serves that server"
# The cause of the outcome for a delivery another live Hearth process is sending right now: a
# passing failure, so every caller tries it again later; by then it is sent (and the outcome says
# so), or the other process died or gave up and this one takes the claim.
CLAIMED_ELSEWHERE = "another Hearth process is sending it right now"
T = TypeVar("T")
# Everything a request can fail with; `is_passing` tells the passing ones from refusals.
PASSING_ERRORS = (
    discord.HTTPException,
    discord.RateLimited,
    aiohttp.ClientError,
    TimeoutError,
    OSError,
)
# Long enough that yesterday's identical post (a daily announcement, a daily reminder DM) is still
# known as claimed when today's is looked for in history.
KEEP_SETTLED = timedelta(days=30)


@dataclass(frozen=True)
class FileData:
    filename: str
    data: bytes


@dataclass(frozen=True)
class Post:
    """One message to deliver: to a guild channel (`channel_id`) or a member's DMs (`user_id`).

    `guild_id` is the server it belongs to (also for a DM about a server): while that server is
    unavailable it waits, and once Hearth has left it, it is not sent at all.
    """

    key: str
    priority: Priority
    guild_id: int | None
    channel_id: int | None = None
    user_id: int | None = None
    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    files: tuple[FileData, ...] = ()
    allowed_mentions: discord.AllowedMentions | None = None

    def fingerprint(self) -> Fingerprint:
        return fingerprint(
            self.content,
            [self.embed.to_dict()] if self.embed else [],
            self.view.to_components() if self.view else [],
            [f.filename for f in self.files],
        )


class Deliverer:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self.history = HistorySearch(bot)

    @property
    def _journal(self) -> Any:
        return self.bot.storage.deliveries

    async def send(self, post: Post) -> Outcome:
        """Deliver `post` once. Never raises for Discord's answers: the outcome says what
        happened (and, for a failure, its true cause)."""
        if (held := self._held_back(post.guild_id)) is not None:
            return held
        journal = self._journal
        entry = await journal.get(post.key)
        if entry is not None and entry.status == "sent":
            return Outcome(Status.SENT, entry.channel_id, entry.message_id)
        looks = post.fingerprint().encode()
        if entry is not None:
            # Tried before: claimed before its history is searched or it is sent again.
            entry = await journal.claim(
                post.key,
                guild_id=post.guild_id,
                user_id=post.user_id,
                fingerprint=looks,
                now=self.bot.clock.now(),
            )
            if entry is None:
                return await self._not_ours(post.key)
        # A first try needs no claim before `begin`, which takes it in the statement that records
        # the send (and fails if another process took it meanwhile): one statement fewer.
        try:
            outcome, settled = await self._send_claimed(post, entry, looks)
        except BaseException:
            await self._give_back(post.key)
            raise
        if not settled and entry is not None:
            # Settling gives the claim back; when nothing was settled (held back, history
            # unreadable, a refusal before sending) it is given back here, for the next try.
            await self._give_back(post.key)
        return outcome

    async def _send_claimed(
        self, post: Post, entry: JournalEntry | None, looks: str
    ) -> tuple[Outcome, bool]:
        """The outcome, and whether it was settled in the journal (which gave the claim back)."""
        journal = self._journal
        with priority(post.priority):
            if entry is not None and entry.status == "sending":
                # It may have reached Discord before a crash, or before retries ran out.
                resolution = await self.history.resolve(entry)
                if resolution.found == Found.SENT:
                    sent = Outcome(Status.SENT, resolution.channel_id, resolution.message_id)
                    return sent, True
                if resolution.found == Found.UNKNOWN:
                    return Outcome(Status.FAILED, cause="Discord couldn't be reached"), False
            try:
                # A DM's channel is opened once (then kept); that request is retried like a send.
                channel_id = await self._retrying(
                    post, lambda: self._guarded(post, self._channel_id(post))
                )
            except LookupError as exc:
                return Outcome(Status.REFUSED, cause=str(exc)), False
            except PASSING_ERRORS as exc:
                if isinstance(exc, discord.HTTPException) and not is_passing(exc):
                    return refusal(exc), False
                held = self._held_back(post.guild_id)
                return held or Outcome(Status.FAILED, cause=cause_of(exc)), False
            began = await journal.begin(
                post.key,
                guild_id=post.guild_id,
                channel_id=channel_id,
                user_id=post.user_id,
                fingerprint=looks,
                anchor_id=await self._anchor(channel_id),
                now=self.bot.clock.now(),
            )
            if not began:
                # The claim passed on meanwhile (this process looked dead or hung): not sent.
                return await self._not_ours(post.key), True
            return await self._deliver(post, channel_id), True

    async def _not_ours(self, key: str) -> Outcome:
        """The claim on `key` could not be had: sent already, or being sent by another process."""
        entry = await self._journal.get(key)
        if entry is not None and entry.status == "sent":
            return Outcome(Status.SENT, entry.channel_id, entry.message_id)
        log.info("delivery left to the process sending it", extra={"key": key})
        return Outcome(Status.FAILED, cause=CLAIMED_ELSEWHERE)

    async def resolve(self, key: str) -> Resolution:
        """For recovery at start: did the delivery `key` reach Discord? UNKNOWN (ask again
        later) while another live process holds its claim."""
        entry = await self._journal.get(key)
        if entry is None or entry.status in ("failed", "unsent"):
            return Resolution(Found.NOT_SENT)
        if entry.status == "sent":
            return Resolution(Found.SENT, entry.channel_id, entry.message_id)
        claimed = await self._journal.claim(
            key,
            guild_id=entry.guild_id,
            user_id=entry.user_id,
            fingerprint=entry.fingerprint,
            now=self.bot.clock.now(),
        )
        if claimed is None:
            again = await self._journal.get(key)
            if again is not None and again.status == "sent":
                return Resolution(Found.SENT, again.channel_id, again.message_id)
            return Resolution(Found.UNKNOWN)
        try:
            if claimed.status != "sending":
                return Resolution(Found.NOT_SENT)  # settled as not sent meanwhile
            with priority(Priority.BULK):
                return await self.history.resolve(claimed)
        finally:
            await self._give_back(key)

    async def _give_back(self, key: str) -> None:
        try:
            await self._journal.release(key)
        except Exception:
            # The database went away (a shutdown, a lost connection): the claim lapses by itself
            # when this process's session ends, or at the latest when its lease runs out.
            log.warning("delivery claim not given back", extra={"key": key}, exc_info=True)

    async def renew_claims(self) -> None:
        """Keep the claims of deliveries this process is still sending (a long wait for
        Discord's rate limits) from lapsing; a hung process stops renewing and loses them."""
        await self._journal.renew_claims(self.bot.clock.now())

    async def forget_old(self) -> int:
        """Settled deliveries older than the kept history are forgotten (daily)."""
        cutoff = self.bot.clock.now() - KEEP_SETTLED
        return int(await self._journal.forget_settled_before(cutoff))

    def _held_back(self, guild_id: int | None) -> Outcome | None:
        if guild_id is None:
            return None
        state = self.bot.presence.of(guild_id)
        if state == Presence.GONE:
            return Outcome(Status.GONE, cause="Hearth is no longer in that server")
        if state == Presence.ELSEWHERE:
            # A loader that forgot the shard split must neither send nor give up on it.
            log.error(SHARD_LEAK, extra={"guild": guild_id})
            return Outcome(Status.PAUSED, cause="another Hearth process serves that server")
        if state == Presence.UNAVAILABLE:
            return Outcome(Status.PAUSED, cause="the server is unavailable (a Discord outage)")
        return None

    async def _channel_id(self, post: Post) -> int:
        if post.channel_id is not None:
            if post.guild_id is not None:
                guild = self.bot.get_guild(post.guild_id)
                if guild is not None and guild.get_channel_or_thread(post.channel_id) is None:
                    raise LookupError("the channel no longer exists")
            return post.channel_id
        if post.user_id is None:
            raise ValueError("a post needs a channel or a member")
        return await self.dm_channel_id(post.user_id)

    async def dm_channel_id(self, user_id: int) -> int:
        """The member's DM channel: kept in the database, so a DM costs one request."""
        known = await self._journal.dm_channel(user_id)
        if known is not None:
            return known
        data = await self.bot.http.start_private_message(user_id)
        channel_id = int(data["id"])
        await self._journal.remember_dm_channel(user_id, channel_id, self.bot.clock.now())
        return channel_id

    async def _anchor(self, channel_id: int) -> int | None:
        """The newest message known in the channel: what is sent now comes after it."""
        known = await self._journal.newest_known(channel_id)
        channel = self.bot.get_channel(channel_id)
        cached = getattr(channel, "last_message_id", None)
        candidates = [i for i in (known, cached) if i is not None]
        return max(candidates) if candidates else None

    async def _deliver(self, post: Post, channel_id: int) -> Outcome:
        journal = self._journal
        try:
            message = await self._retrying(
                post, lambda: self._guarded(post, self._request(post, channel_id))
            )
        except PASSING_ERRORS as exc:
            if isinstance(exc, discord.HTTPException) and not is_passing(exc):
                if exc.code == UNKNOWN_CHANNEL and post.user_id is not None:
                    await journal.forget_dm_channel(post.user_id)
                outcome = refusal(exc)
                await journal.failed(post.key, outcome.cause or "", self.bot.clock.now())
                return outcome
            # It may have arrived all the same: the row stays 'sending' until looked up.
            cause = cause_of(exc)
            await journal.still_unsure(post.key, cause, self.bot.clock.now())
            return self._held_back(post.guild_id) or Outcome(Status.FAILED, cause=cause)
        if not await journal.sent(post.key, channel_id, message.id, self.bot.clock.now()):
            await journal.release(post.key)  # the message is credited elsewhere: left in doubt
        return Outcome(Status.SENT, channel_id, message.id)

    async def _retrying(self, post: Post, attempt: Callable[[], Awaitable[T]]) -> T:
        """`attempt()` until it works; between passing failures wait (longer each time), and
        stop when the waits run out or the server went away. Raises the last error."""
        for wait in (*RETRY_WAITS[post.priority], None):
            try:
                return await attempt()
            except PASSING_ERRORS as exc:
                if not is_passing(exc) or wait is None or self._held_back(post.guild_id):
                    raise
                log.warning(
                    "delivery failed in passing, will retry",
                    extra={"key": post.key, "cause": cause_of(exc), "seconds": wait},
                )
            await asyncio.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _guarded(self, post: Post, request: Awaitable[T]) -> T:
        """One try, abandoned if Discord hasn't answered within the priority's timeout once
        the lane let it leave (time spent waiting for the lane doesn't count)."""
        watch = Ticket()
        with ticket(watch):
            task = asyncio.ensure_future(request)
        limit = TRY_TIMEOUT[post.priority]
        try:
            while not task.done():
                if not watch.granted.is_set():
                    granted = asyncio.ensure_future(watch.granted.wait())
                    await asyncio.wait({task, granted}, return_when=asyncio.FIRST_COMPLETED)
                    granted.cancel()
                    continue
                remaining = watch.last_grant + limit - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                await asyncio.wait({task}, timeout=remaining)
            return task.result()
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task

    async def _request(self, post: Post, channel_id: int) -> discord.Message:
        target = self.bot.get_channel(channel_id)
        if not isinstance(target, discord.abc.Messageable):
            target = self.bot.get_partial_messageable(
                channel_id,
                guild_id=post.guild_id if post.user_id is None else None,
                type=discord.ChannelType.private if post.user_id is not None else None,
            )
        options: dict[str, Any] = {"nonce": nonce_for(post.key)}
        if post.content is not None:
            options["content"] = post.content
        if post.embed is not None:
            options["embed"] = post.embed
        if post.view is not None:
            options["view"] = post.view
        if post.files:
            options["files"] = [
                discord.File(io.BytesIO(f.data), filename=f.filename) for f in post.files
            ]
        if post.allowed_mentions is not None:
            options["allowed_mentions"] = post.allowed_mentions
        return await target.send(**options)
