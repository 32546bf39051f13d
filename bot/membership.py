"""Whether a member is still in a server, so members who left are left alone.

Hearth runs without the privileged members intent, so it is not told when someone leaves. Before
a public celebration, a private congratulation, a role grant or a reminder DM, the cog asks this
service, which asks Discord (GET /guilds/{guild}/members/{user}; 10007 Unknown Member means gone)
and keeps the answer briefly per (guild, member). When someone is gone, their deliveries in that
server stop here: their check-in reminders there are switched off (they hear why if they come
back and check in); the caller skips what it was about to send, for good.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import discord

from bot.clock import Clock
from bot.discord_codes import UNKNOWN_MEMBER
from bot.storage.checkin_schedule import CheckinScheduleRepository

log = logging.getLogger("hearth.membership")

# Long enough that a run delivering to many members asks once each, short enough that someone
# who comes back is soon treated as present again.
ANSWER_TTL = timedelta(minutes=5)
MAX_REMEMBERED = 10_000
# The reason stored with reminders switched off because the member left the server.
LEFT_SERVER = "left_server"


@dataclass(frozen=True)
class _Answer:
    left: bool
    until: datetime


class Membership:
    def __init__(
        self,
        client: discord.Client,
        reminders: CheckinScheduleRepository,
        clock: Clock,
        *,
        ttl: timedelta = ANSWER_TTL,
    ) -> None:
        self._client = client
        self._reminders = reminders
        self._clock = clock
        self._ttl = ttl
        self._answers: dict[tuple[int, int], _Answer] = {}

    async def has_left(self, guild_id: int, user_id: int) -> bool:
        """True when Discord says the member is no longer in the server (their deliveries there
        are then stopped). False when they are there, or when Hearth can't see the server right
        now (an outage is not a departure). Other Discord errors propagate: passing trouble the
        caller retries later, as for a failed send."""
        now = self._clock.now()
        known = self._answers.get((guild_id, user_id))
        if known is not None and known.until > now:
            return known.left
        guild = self._client.get_guild(guild_id)
        if guild is None:
            return False
        try:
            await guild.fetch_member(user_id)
        except discord.NotFound as exc:
            if exc.code != UNKNOWN_MEMBER:
                raise
            await self.member_left(guild_id, user_id)
            return True
        self._remember(guild_id, user_id, left=False, now=now)
        return False

    async def member_left(self, guild_id: int, user_id: int) -> None:
        """Someone left (found by a look-up, or told by Discord): stop their deliveries there."""
        now = self._clock.now()
        self._remember(guild_id, user_id, left=True, now=now)
        stopped = await self._reminders.disable_reminder(guild_id, user_id, now, reason=LEFT_SERVER)
        log.info("member left the server", extra={"guild": guild_id, "reminders_off": stopped})

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        # Only sent with the privileged members intent, which Hearth doesn't ask for by default;
        # when an install enables it, departures are handled at once instead of at the next send.
        await self.member_left(payload.guild_id, payload.user.id)

    def _remember(self, guild_id: int, user_id: int, *, left: bool, now: datetime) -> None:
        if len(self._answers) >= MAX_REMEMBERED:
            self._answers = {k: a for k, a in self._answers.items() if a.until > now}
            if len(self._answers) >= MAX_REMEMBERED:
                self._answers.clear()
        self._answers[(guild_id, user_id)] = _Answer(left, now + self._ttl)
