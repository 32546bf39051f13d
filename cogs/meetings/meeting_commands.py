"""/meetings: organizers schedule, everyone sees what's coming."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.excerpts import quoted
from bot.domain.local_time import local_date, parse_hhmm
from bot.domain.meeting_digest import OFF, digest_setting
from bot.feeds import FeedError, decode_json, fetch_feed
from bot.ui.confirm import ConfirmView
from bot.ui.context import require_guild
from bot.ui.errors import UserFacingError
from bot.ui.inputs import timezone_choices
from bot.ui.pages import Listing
from bot.ui.replies import defer_ephemeral, reply_ephemeral
from cogs.meetings.clearing import DETAIL_CHOICES, clear_detail
from cogs.meetings.digest import DigestService
from cogs.meetings.importing import import_meetings
from cogs.meetings.inputs import NTH_CHOICES, REPEAT_CHOICES, meeting_options
from cogs.meetings.organizing import Organizing
from cogs.meetings.service import MeetingService
from cogs.meetings.viewing import calendar_file, info_embed, week_listing

if TYPE_CHECKING:
    from bot.app import Hearth

MAX_ATTACHMENT = 5 * 1024 * 1024
SCHEDULE_HELP = {
    "weekdays": "Which days, e.g. Tuesday or Mon, Thu",
    "time": "Start time, 24-hour HH:MM local to the time zone",
    "timezone": "IANA time zone (default: the server's), start typing to search",
    "duration": "Length in minutes (default 60)",
    "repeat": "Weekly (default), every other week, or monthly on the nth weekday",
    "nth": "For monthly meetings: which week of the month",
    "voice_channel": "A voice or stage channel members join",
    "link": "An https link to join (Zoom, Meet...)",
    "description": "What the meeting is, who it is for",
    "types": "Meeting Guide codes, e.g. O,D,BE (open, discussion, beginners)",
    "channel": "Where to announce it (default: the server's announcements channel)",
    "ping_role": "A role to mention in announcements",
    "reminders": "When to announce before the start, e.g. 1d,1h,15m (default 1d,15m)",
}


class Meetings(commands.Cog):
    meetings = app_commands.Group(
        name="meetings", description="Recurring meetings", guild_only=True
    )

    def __init__(self, bot: Hearth, service: MeetingService, digests: DigestService) -> None:
        self.bot = bot
        self.service = service
        self.digests = digests
        self.organizing = Organizing(bot, service)

    async def cog_load(self) -> None:
        self.bot.paged_lists.register("meetings-week", self._week, command="/meetings list")

    async def cog_unload(self) -> None:
        self.bot.paged_lists.unregister("meetings-week")

    async def _week(self, interaction: discord.Interaction, _: str) -> Listing:
        return await week_listing(self.bot, require_guild(interaction).id)

    @meetings.command(name="add", description="Schedule a recurring meeting (organizers)")
    @app_commands.describe(name="The meeting's name", **SCHEDULE_HELP)
    @app_commands.choices(repeat=REPEAT_CHOICES, nth=NTH_CHOICES)
    @meeting_options(required=("name", "weekdays", "time"))
    async def add(self, interaction: discord.Interaction, **given: Any) -> None:
        options = _options(given)
        await reply_ephemeral(interaction, await self.organizing.add(interaction, options))

    @meetings.command(name="edit", description="Change a meeting (organizers; only what you give)")
    @app_commands.describe(meeting="The meeting to change", name="A new name", **SCHEDULE_HELP)
    @app_commands.choices(repeat=REPEAT_CHOICES, nth=NTH_CHOICES)
    @meeting_options(first=(("meeting", app_commands.Range[str, 1, 100]),))
    async def edit(self, interaction: discord.Interaction, meeting: str, **given: Any) -> None:
        options = _options(given)
        await reply_ephemeral(
            interaction, await self.organizing.edit(interaction, meeting, options)
        )

    @meetings.command(
        name="clear", description="Remove a meeting's link, voice channel, ping role… (organizers)"
    )
    @app_commands.describe(meeting="The meeting to change", setting="What to remove from it")
    @app_commands.choices(setting=DETAIL_CHOICES)
    async def clear(
        self,
        interaction: discord.Interaction,
        meeting: app_commands.Range[str, 1, 100],
        setting: app_commands.Choice[str],
    ) -> None:
        guild = await self.organizing.require_organizer(interaction)
        found = await self.organizing.find(guild.id, meeting)
        await reply_ephemeral(
            interaction, await clear_detail(self.bot, self.service, found, setting.value)
        )

    @meetings.command(name="remove", description="Delete a meeting (organizers; asks first)")
    @app_commands.describe(meeting="The meeting to delete")
    async def remove(
        self, interaction: discord.Interaction, meeting: app_commands.Range[str, 1, 100]
    ) -> None:
        guild = await self.organizing.require_organizer(interaction)
        found = await self.organizing.find(guild.id, meeting)

        async def delete() -> str:
            await self.organizing.remove(found)
            return f"Deleted **{found.name}**."

        view = ConfirmView(
            owner_id=interaction.user.id, confirm_label="Delete meeting", on_confirm=delete
        )
        await reply_ephemeral(
            interaction,
            f"Delete **{found.name}**? Its announcements and Events entry stop. This can't be "
            "undone.",
            view=view,
        )
        view.asked = interaction

    @meetings.command(name="skip", description="Cancel one date of a meeting (organizers)")
    @app_commands.describe(meeting="The meeting", date="The date to cancel, YYYY-MM-DD")
    async def skip(
        self,
        interaction: discord.Interaction,
        meeting: app_commands.Range[str, 1, 100],
        date: app_commands.Range[str, 1, 20],
    ) -> None:
        await reply_ephemeral(interaction, await self.organizing.skip(interaction, meeting, date))

    @meetings.command(
        name="import", description="Import meetings from a Meeting Guide JSON feed (organizers)"
    )
    @app_commands.describe(
        file="The feed as a .json file",
        url="Or the feed's https address",
        include_in_person="Also import in-person meetings (default: online only)",
    )
    async def import_feed(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment | None = None,
        url: app_commands.Range[str, 1, 1000] | None = None,
        include_in_person: bool = False,
    ) -> None:
        guild = await self.organizing.require_organizer(interaction)
        if (file is None) == (url is None):
            raise UserFacingError("Give either a `file` or a `url`, one of the two.")
        config = await self.bot.guild_configs.get(guild.id)
        if config.announcements_channel_id is None:
            raise UserFacingError(
                "Set the server's announcements channel with `/hearth setup` "
                "first, so imported meetings have somewhere to be announced."
            )
        lock = self.service.import_lock(guild.id)
        if lock.locked():
            raise UserFacingError(
                "Another import is still running in this server. Try again once it has "
                "finished. Nothing was imported this time."
            )
        async with lock:
            await defer_ephemeral(interaction)
            data = await self._read_feed(file, url)
            report = await import_meetings(
                self.bot,
                self.service,
                guild.id,
                interaction.user.id,
                data,
                default_zone=config.timezone,
                include_in_person=include_in_person,
                today=local_date(self.bot.clock.now(), config.timezone),
                digest_time=digest_setting(config.meeting_digest_time),
            )
        await self.digests.schedule(guild.id)
        await reply_ephemeral(interaction, report.text())

    @meetings.command(
        name="digest", description="When the daily digest of imported meetings is posted"
    )
    @app_commands.describe(time="Local server time, HH:MM (e.g. 08:00), or off")
    async def digest(
        self, interaction: discord.Interaction, time: app_commands.Range[str, 1, 10]
    ) -> None:
        guild = await self.organizing.require_organizer(interaction)
        wanted = time.strip().lower()
        if wanted != OFF:
            clock = parse_hhmm(wanted)
            if clock is None:
                raise UserFacingError(
                    f"{quoted(time)} isn't a time I can read. Use HH:MM, like 08:00, or `off`. "
                    "Nothing was changed."
                )
            wanted = f"{clock:%H:%M}"
        config = await self.bot.guild_configs.update(guild.id, meeting_digest_time=wanted)
        await self.digests.schedule(guild.id)
        if wanted == OFF:
            text = (
                "The daily meetings digest is off. Imported meetings are announced only where "
                "you turned reminders on (`/meetings edit reminders:`)."
            )
        else:
            text = (
                f"The daily meetings digest is posted at {wanted} ({config.timezone}) in "
                "the announcements channel, listing that day's imported meetings."
            )
        await reply_ephemeral(interaction, text)

    async def _read_feed(self, file: discord.Attachment | None, url: str | None) -> Any:
        if file is not None:
            if file.size > MAX_ATTACHMENT:
                raise UserFacingError("That file is larger than 5 MB. Nothing was imported.")
            try:
                return await asyncio.to_thread(decode_json, await file.read())
            except FeedError:  # not JSON, or nested too deep to read (RecursionError)
                raise UserFacingError("That file isn't valid JSON. Nothing was imported.") from None
        if url is None:
            raise UserFacingError("Give either a `file` or a `url`, one of the two.")
        session = self.bot.http_session
        if session is None:
            raise RuntimeError("Hearth's HTTP session opens at start-up and isn't open now")
        try:
            return await fetch_feed(url, session=session)
        except FeedError as exc:
            raise UserFacingError(
                f"I couldn't fetch that feed: {exc}. Nothing was imported."
            ) from None

    @meetings.command(name="list", description="Meetings in the next 7 days, in your time zone")
    async def list_meetings(self, interaction: discord.Interaction) -> None:
        require_guild(interaction)
        await defer_ephemeral(interaction)  # a server with thousands of meetings takes a while
        await self.bot.paged_lists.show(interaction, "meetings-week")

    @meetings.command(name="info", description="Details of one meeting")
    @app_commands.describe(meeting="The meeting")
    async def info(
        self, interaction: discord.Interaction, meeting: app_commands.Range[str, 1, 100]
    ) -> None:
        guild = require_guild(interaction)
        found = await self.organizing.find(guild.id, meeting)
        await reply_ephemeral(interaction, embed=await info_embed(self.bot, self.service, found))

    @meetings.command(name="calendar", description="All meetings as a calendar file (.ics)")
    async def calendar(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        await defer_ephemeral(interaction)  # thousands of meetings take seconds to write out
        await reply_ephemeral(
            interaction,
            "Open this file with your calendar app to add the meetings. Cancelled "
            "dates are left out.",
            files=[await calendar_file(self.bot, guild)],
        )

    @edit.autocomplete("meeting")
    @clear.autocomplete("meeting")
    @remove.autocomplete("meeting")
    @skip.autocomplete("meeting")
    @info.autocomplete("meeting")
    async def _meeting_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        meetings = await self.bot.storage.meetings.for_guild(interaction.guild_id)
        return [
            app_commands.Choice(name=m.name[:100], value=str(m.id))
            for m in meetings
            if current.casefold() in m.name.casefold()
        ][:25]

    @add.autocomplete("timezone")
    @edit.autocomplete("timezone")
    async def _timezone_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return timezone_choices(current)


def _options(given: dict[str, Any]) -> dict[str, Any]:
    return {
        key: (value.value if isinstance(value, app_commands.Choice) else value)
        for key, value in given.items()
    }
