"""What partners are told, when the member chose it: a hard check-in, or days without one.

Each notice is claimed in the database before it is sent and marked after, so it goes out once;
one a restart (or Discord's lasting trouble) left unfinished is sent again at start through the
deliverer under the same key, which finds a copy that had in fact gone out instead of sending
another.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.domain.checkins import needs_gentle_support
from bot.domain.delivery import Priority
from bot.domain.local_time import local_date
from bot.domain.partners import Partnership, silence_notice, struggle_notice
from cogs.partners import render

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.partners")
NUDGE_JOB = "partners:nudges"
NUDGE_EVERY = timedelta(minutes=30)


def notice_key(partnership_id: int, kind: str) -> str:
    return f"partner-notice:{partnership_id}:{kind}"


class PartnerNotices:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    async def after_checkin(self, guild_id: int, user_id: int, day: date, hard: bool) -> None:
        """A member checked in: partners they share hard days with hear of a hard one.

        `hard` is how the check-in was stored: most are not, and need no read at all."""
        if not hard:
            return
        watching = [
            p
            for p in await self.bot.storage.partners.active_sharing(guild_id, user_id)
            if p.sharing.struggles
        ]
        if not watching:
            return
        entries = await self.bot.storage.checkins.between(guild_id, user_id, day, day)
        if not entries or not needs_gentle_support(entries[0].mood, entries[0].craving):
            return
        for partnership in watching:
            await self._notify(partnership, struggle_notice(day))

    async def nudge_due(self) -> None:
        """Partners of members who have been quiet longer than they asked to be nudged about."""
        await self.bot.wait_until_ready()
        now = self.bot.clock.now()
        for partnership in await self.bot.storage.partners.with_nudges():
            if not self.bot.owns_guild(partnership.guild_id):
                continue  # another process runs this server's shard
            if not partnership.sharing.nudge_after_days:
                continue
            zone = await self.bot.zones.for_member(partnership.user_id, partnership.guild_id)
            today = local_date(now, zone.name)
            began = local_date(partnership.accepted_at or partnership.created_at, zone.name)
            days = await self.bot.storage.checkins.days(partnership.guild_id, partnership.user_id)
            kind = silence_notice(
                days[-1] if days else None,
                began,
                today,
                partnership.sharing.nudge_after_days,
            )
            if kind is not None:
                await self._notify(partnership, kind)

    async def resend_unfinished(self) -> None:
        await self.bot.wait_until_ready()
        for pending in await self.bot.storage.partners.unfinished_notices():
            partnership = await self.bot.storage.partners.get(pending.partnership_id)
            if partnership is not None and self.bot.owns_guild(partnership.guild_id):
                await self._send(partnership, pending.kind)

    async def _notify(self, partnership: Partnership, kind: str) -> None:
        if not await self.bot.storage.partners.claim_notice(
            partnership.id, partnership.guild_id, kind, self.bot.clock.now()
        ):
            return  # already told
        await self._send(partnership, kind)

    async def _send(self, partnership: Partnership, kind: str) -> None:
        partners = self.bot.storage.partners
        if await self.bot.membership.has_left(partnership.guild_id, partnership.partner_id):
            await partners.finish_notice(partnership.id, kind, delivered=False)
            return
        guild = self.bot.get_guild(partnership.guild_id)
        name = guild.name if guild else "your server"
        if kind.startswith("silence:"):
            text = render.silence_dm(
                partnership.user_id, name, partnership.sharing.nudge_after_days or 1
            )
        else:
            text = render.struggle_dm(partnership.user_id, name)
        outcome = await self.bot.dms.send(
            notice_key(partnership.id, kind),
            partnership.partner_id,
            guild_id=partnership.guild_id,
            priority=Priority.TIMED,
            content=text,
        )
        if outcome.passing:
            return  # stays claimed and unfinished: the next start sends it, under the same key
        if outcome.sent:
            log.info("partner notice sent", extra={"partnership": partnership.id})
        await partners.finish_notice(partnership.id, kind, delivered=outcome.sent)
