"""/announce: one-off or repeating announcements, delivered once each even across restarts."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import format_dt

from bot.delivery import Post
from bot.delivery_outcomes import Found, Outcome, Status
from bot.domain.announcements import Announcement, AnnouncementRepeat, latest_due, next_due
from bot.domain.delivery import Priority
from bot.domain.excerpts import excerpt, quoted
from bot.domain.local_time import at_local_time, local_date, parse_hhmm
from bot.outbound import priority
from bot.presence import Presence
from bot.ui.delegation import check_can_post_and_ping
from bot.ui.errors import UserFacingError
from bot.ui.inputs import LARGEST_NUMBER
from bot.ui.mentions import pings_only
from bot.ui.pages import Listing
from bot.ui.replies import reply_ephemeral
from cogs.meetings.organizing import Organizing

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.announcements")
MAX_AHEAD = timedelta(days=5 * 366)
REPEAT_CHOICES = [
    app_commands.Choice(name="Once", value="none"),
    app_commands.Choice(name="Every day", value="daily"),
    app_commands.Choice(name="Every week", value="weekly"),
]


def job_id(announcement_id: int) -> str:
    return f"announce:{announcement_id}"


def delivery_key(announcement_id: int, due: datetime) -> str:
    return f"announcement:{announcement_id}:{int(due.timestamp())}"


def parse_when(text: str, zone: str, now: datetime) -> datetime:
    """'2026-12-24 18:00' or '18:00' (the next time the clock shows it) in the guild's zone,
    at most MAX_AHEAD away (further dates are no use, and near year 9999 they overflow)."""
    parts = text.strip().split()
    try:
        if len(parts) == 2:
            day = datetime.strptime(parts[0], "%Y-%m-%d").date()
            clock = parse_hhmm(parts[1])
        elif len(parts) == 1:
            day, clock = local_date(now, zone), parse_hhmm(parts[0])
        else:
            raise ValueError
    except ValueError:
        clock = None
    if clock is None:
        raise UserFacingError(
            f"{quoted(text)} isn't a time I understand. Use `YYYY-MM-DD HH:MM` or "
            "just `HH:MM`. Nothing was scheduled."
        )
    if day > local_date(now, zone) + MAX_AHEAD:
        raise UserFacingError(
            "That's too far ahead: announcements can be scheduled up to 5 years from now. "
            "Nothing was scheduled."
        )
    when = at_local_time(day, clock, zone)
    if len(parts) == 1 and when <= now:
        when = at_local_time(day + timedelta(days=1), clock, zone)
    if when <= now:
        raise UserFacingError("That time has already passed. Nothing was scheduled.")
    return when


class AnnouncementService:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    async def load_all(self) -> None:
        for announcement in await self.bot.storage.announcements.all_active():
            if self.bot.owns_guild(announcement.guild_id):
                self.schedule(announcement, self.bot.clock.now(), catch_up=True)

    def schedule(self, a: Announcement, now: datetime, *, catch_up: bool = False) -> None:
        wake = now if catch_up and latest_due(a, now) else next_due(a, now)
        if wake is None:
            self.bot.scheduler.cancel(job_id(a.id))
        else:
            self.bot.scheduler.run_once(job_id(a.id), wake, self.run, a.id)

    async def run(self, announcement_id: int) -> None:
        await self.bot.wait_until_ready()
        repo = self.bot.storage.announcements
        a = await repo.get(announcement_id)
        if a is None or not a.active:
            return
        if self.bot.presence.of(a.guild_id) != Presence.PRESENT:
            return  # an outage, or Hearth left: resume_guild picks it up when it is back
        now = self.bot.clock.now()
        due = latest_due(a, now)
        if due is None and a.repeat == AnnouncementRepeat.NONE and a.first_at <= now:
            # Missed by more than the late limit (Hearth or the server was unavailable): too
            # late to post, so say so rather than leave it pending for ever.
            await repo.deactivate(a.id)
            await self._report(
                a, "it was due while Hearth was offline and is now too late", f"late:{a.id}"
            )
            return
        if due is not None and await repo.claim(a.id, due, now):
            with priority(Priority.TIMED):
                outcome = await self._post(a, due)
            if outcome.sent:
                await repo.finish(a.id, due, "sent", now)
            elif outcome.lasting:
                await repo.finish(a.id, due, "failed", now)
                await self._report(
                    a, outcome.cause or "Discord refused it", delivery_key(a.id, due)
                )
            else:
                await repo.release(a.id, due)
                if outcome.status == Status.FAILED:
                    log.warning(
                        "announcement not posted, will retry", extra={"cause": outcome.cause}
                    )
                    self.bot.scheduler.run_once(
                        job_id(a.id), now + timedelta(minutes=1), self.run, a.id
                    )
                return
            if a.repeat == AnnouncementRepeat.NONE:
                await repo.deactivate(a.id)
        self.schedule(a, now)

    async def _post(self, a: Announcement, due: datetime) -> Outcome:
        content = a.message
        mentions = discord.AllowedMentions.none()
        if a.ping_role_id:
            content = f"<@&{a.ping_role_id}> {content}"
            mentions = pings_only(roles=[a.ping_role_id])
        return await self.bot.delivery.send(
            Post(
                key=delivery_key(a.id, due),
                priority=Priority.TIMED,
                guild_id=a.guild_id,
                channel_id=a.channel_id,
                content=content,
                allowed_mentions=mentions,
            )
        )

    async def recover(self) -> int:
        """Settle deliveries the last stop left in doubt; returns how many are still unsure."""
        repo = self.bot.storage.announcements
        unsure = 0
        for announcement_id, due in await repo.interrupted():
            owner = await repo.get(announcement_id)
            if owner is not None and not self.bot.owns_guild(owner.guild_id):
                continue  # the process that runs its shard settles it
            found = await self.bot.delivery.resolve(delivery_key(announcement_id, due))
            if found.found == Found.SENT:
                await repo.finish(announcement_id, due, "sent", self.bot.clock.now())
                a = await repo.get(announcement_id)
                if a is not None and a.repeat == AnnouncementRepeat.NONE:
                    await repo.deactivate(announcement_id)
            elif found.found == Found.NOT_SENT:
                await repo.release(announcement_id, due)
                self.bot.scheduler.run_once(
                    job_id(announcement_id), self.bot.clock.now(), self.run, announcement_id
                )
            else:
                unsure += 1
        return unsure

    async def resume_guild(self, guild_id: int) -> None:
        for a in await self.bot.storage.announcements.active_for_guild(guild_id):
            self.schedule(a, self.bot.clock.now(), catch_up=True)

    async def _report(self, a: Announcement, reason: str, about: str) -> None:
        text = (
            f"⚠️ I couldn't post scheduled announcement #{a.id} in <#{a.channel_id}>: "
            f"{reason}. `/announce list` shows it; `/hearth status` shows what to fix."
        )
        now = self.bot.clock.now()
        await self.bot.storage.guild_extras.raise_alert(
            a.guild_id, f"announcement-{a.id}", text, now
        )
        config = await self.bot.guild_configs.get(a.guild_id)
        notice = Post(
            key=f"notice:{about}",
            priority=Priority.URGENT,
            guild_id=a.guild_id,
            channel_id=config.mod_queue_channel_id,
            content=text,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        outcome = await self.bot.delivery.send(notice) if notice.channel_id else None
        if outcome is None or outcome.lasting:
            outcome = await self.bot.delivery.send(
                replace(notice, key=f"{notice.key}:dm", channel_id=None, user_id=a.created_by)
            )
        if not outcome.sent:
            log.error(
                "announcement failure could not be reported",
                extra={"guild": a.guild_id, "cause": outcome.cause},
            )


class Announce(commands.Cog):
    announce = app_commands.Group(
        name="announce", description="Scheduled announcements", guild_only=True
    )

    def __init__(self, bot: Hearth, service: AnnouncementService, organizing: Organizing) -> None:
        self.bot = bot
        self.service = service
        self.organizing = organizing

    async def cog_load(self) -> None:
        self.bot.paged_lists.register("announcements", self._listing, command="/announce list")

    async def cog_unload(self) -> None:
        self.bot.paged_lists.unregister("announcements")

    @announce.command(
        name="schedule", description="Post a message later, once or repeating (organizers)"
    )
    @app_commands.describe(
        message="What to post",
        at="When, in the server's time zone: YYYY-MM-DD HH:MM or HH:MM",
        repeat="Once (default), every day or every week",
        channel="Where (default: the server's announcements channel)",
        ping_role="A role to mention",
    )
    @app_commands.choices(repeat=REPEAT_CHOICES)
    async def schedule(
        self,
        interaction: discord.Interaction,
        message: app_commands.Range[str, 1, 1900],
        at: app_commands.Range[str, 1, 40],
        repeat: app_commands.Choice[str] | None = None,
        channel: discord.TextChannel | None = None,
        ping_role: discord.Role | None = None,
    ) -> None:
        guild = await self.organizing.require_organizer(interaction)
        check_can_post_and_ping(interaction, channel, ping_role)
        config = await self.bot.guild_configs.get(guild.id)
        target = channel.id if channel else config.announcements_channel_id
        if target is None:
            raise UserFacingError(
                "Which channel? Give `channel`, or set the announcements "
                "channel with `/hearth setup`. Nothing was scheduled."
            )
        now = self.bot.clock.now()
        when = parse_when(at, config.timezone, now)
        local = when.astimezone(ZoneInfo(config.timezone)).time()
        created = await self.bot.storage.announcements.create(
            guild.id,
            target,
            message,
            when,
            local,
            config.timezone,
            AnnouncementRepeat(repeat.value if repeat else "none"),
            ping_role.id if ping_role and not ping_role.is_default() else None,
            interaction.user.id,
            now,
        )
        self.service.schedule(created, now)
        every = {"none": "", "daily": ", then every day", "weekly": ", then every week"}
        await reply_ephemeral(
            interaction,
            f"Scheduled #{created.id} for {format_dt(when, 'F')}"
            f"{every[created.repeat.value]} in <#{target}>.",
        )

    @announce.command(name="list", description="Scheduled announcements in this server")
    async def list_announcements(self, interaction: discord.Interaction) -> None:
        await self.bot.paged_lists.show(interaction, "announcements")

    async def _listing(self, interaction: discord.Interaction, _: str) -> Listing:
        guild = await self.organizing.require_organizer(interaction)
        now = self.bot.clock.now()
        lines = []
        for a in await self.bot.storage.announcements.active_for_guild(guild.id):
            nxt = next_due(a, now)
            when = format_dt(nxt, "f") if nxt else "due now"
            # The start of the message to recognise it by, without its mentions or markdown.
            lines.append(
                f"#{a.id} · {when} · {a.repeat.value} · <#{a.channel_id}> · "
                f"{excerpt(a.message, 60)}"
            )
        return Listing(
            lines,
            heading=f"**Scheduled announcements: {len(lines)}**",
            empty="No announcements are scheduled.",
        )

    @announce.command(name="cancel", description="Stop a scheduled announcement (organizers)")
    @app_commands.describe(announcement="The announcement's number, from /announce list")
    async def cancel(
        self,
        interaction: discord.Interaction,
        announcement: app_commands.Range[int, 1, LARGEST_NUMBER],
    ) -> None:
        guild = await self.organizing.require_organizer(interaction)
        found = await self.bot.storage.announcements.get(announcement)
        if found is None or found.guild_id != guild.id or not found.active:
            raise UserFacingError(f"There's no scheduled announcement #{announcement} here.")
        await self.bot.storage.announcements.deactivate(found.id)
        self.bot.scheduler.cancel(job_id(found.id))
        await reply_ephemeral(interaction, f"Cancelled announcement #{found.id}.")
