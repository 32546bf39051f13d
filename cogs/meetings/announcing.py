"""/announce: one-off or repeating announcements, delivered once each even across restarts."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import format_dt

from bot.domain.announcements import Announcement, AnnouncementRepeat, latest_due, next_due
from bot.domain.excerpts import quoted
from bot.domain.local_time import at_local_time, local_date, parse_hhmm
from bot.ui.delegation import check_can_post_and_ping
from bot.ui.errors import UserFacingError
from bot.ui.inputs import LARGEST_NUMBER
from bot.ui.mentions import pings_only
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
        now = self.bot.clock.now()
        due = latest_due(a, now)
        if due is None and a.repeat == AnnouncementRepeat.NONE and a.first_at <= now:
            # Missed by more than the late limit (Hearth was down): too late to post, so say so
            # rather than leave it pending for ever.
            await repo.deactivate(a.id)
            await self._report(a, "it was due while Hearth was offline and is now too late")
            return
        if due is not None and await repo.claim(a.id, due, now):
            status = await self._post(a)
            if status is None:
                await repo.release(a.id, due)
                self.bot.scheduler.run_once(
                    job_id(a.id), now + timedelta(minutes=1), self.run, a.id
                )
                return
            await repo.finish(a.id, due, status, now)
            if a.repeat == AnnouncementRepeat.NONE:
                await repo.deactivate(a.id)
        self.schedule(a, now)

    async def _post(self, a: Announcement) -> str | None:
        """'sent' or 'failed' (reported to moderators); None for a passing failure to retry."""
        channel = self.bot.get_channel(a.channel_id)
        content = a.message
        mentions = discord.AllowedMentions.none()
        if a.ping_role_id:
            content = f"<@&{a.ping_role_id}> {content}"
            mentions = pings_only(roles=[a.ping_role_id])
        try:
            if not isinstance(channel, discord.TextChannel):
                raise LookupError("the channel no longer exists")
            await channel.send(content, allowed_mentions=mentions)
        except (discord.Forbidden, discord.NotFound, LookupError) as exc:
            await self._report(
                a,
                "Hearth isn't allowed to post there"
                if isinstance(exc, discord.Forbidden)
                else str(exc),
            )
            return "failed"
        except Exception as exc:
            log.warning("announcement not posted, will retry", extra={"error": type(exc).__name__})
            return None
        return "sent"

    async def _report(self, a: Announcement, reason: str) -> None:
        text = (
            f"⚠️ I couldn't post scheduled announcement #{a.id} in <#{a.channel_id}>: "
            f"{reason}. `/announce list` shows it; `/hearth status` shows what to fix."
        )
        await self.bot.storage.guild_extras.raise_alert(
            a.guild_id, f"announcement-{a.id}", text, self.bot.clock.now()
        )
        config = await self.bot.guild_configs.get(a.guild_id)
        queue = self.bot.get_channel(config.mod_queue_channel_id or 0)
        try:
            if isinstance(queue, discord.TextChannel):
                await queue.send(text)
            else:
                await (await self.bot.create_dm(discord.Object(a.created_by))).send(text)
        except discord.HTTPException:
            log.error("announcement failure could not be reported", extra={"guild": a.guild_id})


class Announce(commands.Cog):
    announce = app_commands.Group(
        name="announce", description="Scheduled announcements", guild_only=True
    )

    def __init__(self, bot: Hearth, service: AnnouncementService, organizing: Organizing) -> None:
        self.bot = bot
        self.service = service
        self.organizing = organizing

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
        guild = await self.organizing.require_organizer(interaction)
        now = self.bot.clock.now()
        items = await self.bot.storage.announcements.active_for_guild(guild.id)
        if not items:
            await reply_ephemeral(interaction, "No announcements are scheduled.")
            return
        lines = []
        for a in items:
            nxt = next_due(a, now)
            when = format_dt(nxt, "f") if nxt else "due now"
            lines.append(
                f"#{a.id} · {when} · {a.repeat.value} · <#{a.channel_id}> · "
                f"{discord.utils.escape_markdown(a.message[:60])}"
            )
        await reply_ephemeral(interaction, "\n".join(lines)[:1900])

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
