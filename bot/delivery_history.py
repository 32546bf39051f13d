"""Finding a delivery that may have reached Discord in its channel's history.

Discord does not return nonces in history, so the message is recognised by what it looks like:
one of Hearth's own messages, posted after the anchor (the newest message Hearth knew in that
channel when it started the delivery), with the same fingerprint, and not already credited to
another delivery. Each message is credited to one delivery only.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from bot.delivery_outcomes import Found, Resolution, is_passing
from bot.domain.delivery import Fingerprint, message_fingerprint
from bot.storage.deliveries import JournalEntry

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.delivery")

PAGE = 100  # Discord's largest history page
PAGES = 5  # how far past the anchor to look: 500 messages
READ_TIMEOUT = 60.0


class HistorySearch:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    async def resolve(self, entry: JournalEntry) -> Resolution:
        journal = self.bot.storage.deliveries
        if entry.channel_id is None:
            await journal.unsent(entry.key, self.bot.clock.now())
            return Resolution(Found.NOT_SENT)
        try:
            own = await asyncio.wait_for(
                self._own_messages(entry.channel_id, entry.anchor_id), READ_TIMEOUT
            )
        except discord.HTTPException as exc:
            if is_passing(exc):
                return Resolution(Found.UNKNOWN)
            # The channel is gone or can't be read: sending there will be refused as well, and
            # that refusal is what gets reported.
            own = []
        except (TimeoutError, aiohttp.ClientError, OSError):
            return Resolution(Found.UNKNOWN)
        wanted = Fingerprint.decode(entry.fingerprint)
        matching = sorted(
            int(message["id"]) for message in own if wanted.matches(message_fingerprint(message))
        )
        taken = await journal.credited(matching)
        now = self.bot.clock.now()
        for message_id in matching:
            if message_id not in taken and await journal.sent(
                entry.key, entry.channel_id, message_id, now
            ):
                log.info("delivery found already posted", extra={"key": entry.key})
                return Resolution(Found.SENT, entry.channel_id, message_id)
        await journal.unsent(entry.key, now)
        return Resolution(Found.NOT_SENT)

    async def _own_messages(self, channel_id: int, anchor: int | None) -> list[dict[str, Any]]:
        if self.bot.user is None:
            raise RuntimeError("Discord history is looked up only once logged in")
        me = str(self.bot.user.id)
        http = self.bot.http
        if anchor is None:
            # Nothing known there before: the newest page is where a recent post would be.
            page = await http.logs_from(channel_id, PAGE)
            return [m for m in page if m["author"]["id"] == me]
        found: list[dict[str, Any]] = []
        after = anchor
        for _ in range(PAGES):
            page = await http.logs_from(channel_id, PAGE, after=after)
            found += [m for m in page if m["author"]["id"] == me]
            if len(page) < PAGE:
                break
            after = max(int(m["id"]) for m in page)
        return found
