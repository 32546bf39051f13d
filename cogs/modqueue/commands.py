"""Reports in, and the moderators' own commands."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import format_dt

from bot.domain.flags import FlagStatus, NewFlag, median
from bot.services.flags import FlagService
from bot.ui.context import require_guild
from bot.ui.errors import UserFacingError, reports_errors
from bot.ui.flag_buttons import RESOLVE_FORM, show
from bot.ui.inputs import LARGEST_ID, LARGEST_NUMBER
from bot.ui.modals import modal_custom_id, submitted_values
from bot.ui.pages import Listing
from bot.ui.permissions import has_guild_permissions, is_moderator
from bot.ui.replies import defer_ephemeral, reply_ephemeral
from cogs.modqueue import render

if TYPE_CHECKING:
    from bot.app import Hearth

REPORT_FORM = "hearth:report:"
MESSAGE_LINK = re.compile(r"discord(?:app)?\.com/channels/(\d+)/(\d+)/(\d+)")
NOT_FOUND_FOR_REPORTER = (
    "I couldn't find a message at that link in a channel you can read, so nothing was sent. "
    "Please check the link (right-click the message → Copy Message Link), or use `/report` "
    "with just a reason: the moderators will still hear from you. 💛"
)
THANKS = (
    "Thank you for letting the moderators know. 💛 They'll take it from here; the person "
    "you reported won't be told who reported."
)


class ModQueue(commands.Cog):
    modqueue = app_commands.Group(
        name="modqueue", description="The moderator queue", guild_only=True
    )

    def __init__(self, bot: Hearth, service: FlagService) -> None:
        self.bot = bot
        self.service = service
        self.report_menu = app_commands.ContextMenu(
            name="Report to moderators", callback=self.report_message
        )
        self.report_menu.guild_only = True
        # What the message menu already gave us, for its form (a restart only costs a fetch).
        self._menu_messages: dict[str, tuple[int, str, str]] = {}

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.report_menu)
        self.bot.paged_lists.register("modqueue", self._flag_listing, command="/modqueue list")
        self.bot.paged_lists.register(
            "flag-history", self._history_listing, command="/modqueue show"
        )
        if self.bot.owns_timed_work:
            await self.service.load_all()
            self.bot.presence.on_return("flags", self.service.resume_guild)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # Flags kept while the queue was unreachable get their cards, and alerts still owed go;
        # so do the messages of escalation steps the last stop took but didn't finish sending.
        self.bot.background.spawn(self.service.catch_up(), name="cards for kept flags")
        self.bot.background.spawn(self.service.steps.settle_owed(), name="owed escalations")

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.report_menu.name, type=self.report_menu.type)
        self.bot.scheduler.cancel_prefix("flag:")
        self.bot.scheduler.cancel_prefix("flag-owed:")
        self.bot.presence.forget("flags")
        self.bot.paged_lists.unregister("modqueue")
        self.bot.paged_lists.unregister("flag-history")

    async def report_message(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        form = discord.ui.Modal(
            title="Report to moderators",
            custom_id=f"{REPORT_FORM}{message.channel.id}:{message.id}:{interaction.id}",
            timeout=None,
        )
        form.add_item(
            discord.ui.Label(
                text="What's worrying you? (optional)",
                component=discord.ui.TextInput(
                    custom_id="reason",
                    style=discord.TextStyle.paragraph,
                    required=False,
                    max_length=500,
                ),
            )
        )
        self._menu_messages[form.custom_id] = (message.author.id, message.content, message.jump_url)
        if len(self._menu_messages) > 1000:
            self._menu_messages.pop(next(iter(self._menu_messages)))
        await interaction.response.send_modal(form)
        form.stop()  # handled by its id prefix below, so it survives restarts

    @commands.Cog.listener()
    @reports_errors
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        custom_id = modal_custom_id(interaction)
        if custom_id is None:
            return
        if custom_id.startswith(REPORT_FORM):
            channel_id, message_id = custom_id.removeprefix(REPORT_FORM).split(":")[:2]
            reason = submitted_values(interaction).get("reason")
            await self._report(
                interaction,
                int(channel_id),
                int(message_id),
                reason if isinstance(reason, str) and reason.strip() else None,
                known=self._menu_messages.pop(custom_id, None),
            )
        elif custom_id.startswith(RESOLVE_FORM):
            flag_id = int(custom_id.removeprefix(RESOLVE_FORM).split(":")[0])
            note = submitted_values(interaction).get("note")
            await self._resolve(
                interaction, flag_id, note if isinstance(note, str) and note.strip() else None
            )

    async def _report(
        self,
        interaction: discord.Interaction,
        channel_id: int,
        message_id: int | None,
        reason: str | None,
        known: tuple[int, str, str] | None = None,
    ) -> None:
        guild = require_guild(interaction)
        await defer_ephemeral(interaction)
        author_id = text = jump = None
        if known is not None:
            author_id, text, jump = known
        elif message_id is not None:
            channel = guild.get_channel_or_thread(channel_id)
            try:
                if not isinstance(channel, discord.abc.Messageable):
                    raise LookupError("not a channel Hearth can read")
                found = await channel.fetch_message(message_id)
            except (discord.HTTPException, LookupError):
                # Still reported: moderators get the link even if Hearth can't read the message.
                jump = f"https://discord.com/channels/{guild.id}/{channel_id}/{message_id}"
            else:
                author_id, text, jump = found.author.id, found.content, found.jump_url
        await self.service.raise_flag(
            NewFlag(
                guild_id=guild.id,
                source="report",
                category="member report",
                severity=2,
                user_id=author_id,
                channel_id=channel_id if message_id else None,
                message_id=message_id,
            ),
            message_text=text,
            jump_url=jump,
            reporter=interaction.user.id,
            reason=reason,
        )
        await reply_ephemeral(interaction, THANKS)

    async def _resolve(
        self, interaction: discord.Interaction, flag_id: int, note: str | None
    ) -> None:
        flag = await self.bot.storage.flags.get(flag_id)
        config = await self.bot.guild_configs.get(interaction.guild_id or 0)
        if (
            flag is None
            or flag.guild_id != interaction.guild_id
            or not is_moderator(interaction, config)
        ):
            raise UserFacingError("Only moderators can resolve flags.")
        if not await self.bot.storage.flags.close(
            flag_id, interaction.user.id, FlagStatus.RESOLVED, note, self.bot.clock.now()
        ):
            raise UserFacingError("This flag was already closed.")
        updated = await self.bot.storage.flags.get(flag_id)
        if updated is None:  # erased with the server's data meanwhile
            raise UserFacingError("I can't find this flag any more.")
        self.service.schedule(updated)
        if interaction.message is not None:
            await show(interaction, updated)
        else:
            await self.service.refresh_card(updated)
            await reply_ephemeral(interaction, f"Resolved flag #{flag_id}.")

    @app_commands.command(
        name="report", description="Tell the moderators about something worrying (private)"
    )
    @app_commands.describe(
        reason="What's worrying you",
        message_link="A link to the message, "
        "if it's about one (right-click it → Copy Message Link)",
    )
    @app_commands.guild_only()
    async def report(
        self,
        interaction: discord.Interaction,
        reason: app_commands.Range[str, 3, 500],
        message_link: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        guild = require_guild(interaction)
        if message_link:
            match = MESSAGE_LINK.search(message_link)
            ids = [int(part) for part in match.groups()] if match else []
            if not ids or ids[0] != guild.id or max(ids) > LARGEST_ID:
                raise UserFacingError(
                    "That doesn't look like a link to a message in this "
                    "server. Right-click the message → Copy Message Link."
                )
            channel_id = int(match.group(2))
            if not await self._reporter_can_read(interaction, guild, channel_id):
                # The same words whether the channel is hidden from them or doesn't exist, and
                # nothing is fetched: the reply never tells whether the message is there.
                raise UserFacingError(NOT_FOUND_FOR_REPORTER)
            await self._report(interaction, channel_id, int(match.group(3)), reason)
        else:
            await self._report(interaction, interaction.channel_id or 0, None, reason)

    async def _reporter_can_read(
        self, interaction: discord.Interaction, guild: discord.Guild, channel_id: int
    ) -> bool:
        """Whether the reporter can read messages in that channel (a thread: its parent's)."""
        member = interaction.user
        if not isinstance(member, discord.Member):
            return False
        channel = guild.get_channel_or_thread(channel_id)
        if channel is None:
            # Threads Hearth hasn't seen yet (archived ones, say) aren't in its cache.
            try:
                fetched = await self.bot.fetch_channel(channel_id)
            except discord.HTTPException:
                return False
            if not isinstance(fetched, discord.Thread) or fetched.guild.id != guild.id:
                return False
            channel = fetched
        try:
            permissions = channel.permissions_for(member)
        except discord.ClientException:  # a thread whose parent Hearth can't see
            return False
        return permissions.view_channel and permissions.read_message_history

    async def _require_moderator(self, interaction: discord.Interaction) -> discord.Guild:
        guild = require_guild(interaction)
        if not is_moderator(interaction, await self.bot.guild_configs.get(guild.id)):
            raise UserFacingError("The moderator queue is for moderators.")
        return guild

    @modqueue.command(name="list", description="Flags in the queue (moderators)")
    @app_commands.describe(status="Which flags (default: open and claimed)")
    @app_commands.choices(
        status=[app_commands.Choice(name=s.value, value=s.value) for s in FlagStatus]
    )
    async def list_flags(
        self, interaction: discord.Interaction, status: app_commands.Choice[str] | None = None
    ) -> None:
        await self.bot.paged_lists.show(interaction, "modqueue", status.value if status else "")

    async def _flag_listing(self, interaction: discord.Interaction, status: str) -> Listing:
        guild = await self._require_moderator(interaction)
        wanted = FlagStatus(status) if status else None
        flags = await self.bot.storage.flags.for_guild(guild.id, wanted)
        return Listing(
            [
                f"#{f.id} · {f.severity.name.lower()} · {f.category} · {f.status.value} · "
                f"{format_dt(f.created_at, 'R')}"
                for f in flags
            ],
            heading=f"**{status.capitalize() if status else 'Open and claimed'} flags: "
            f"{len(flags)}**",
        )

    @modqueue.command(name="show", description="One flag with its history (moderators)")
    @app_commands.describe(flag="The flag's number, from /modqueue list or its card")
    async def show_flag(
        self, interaction: discord.Interaction, flag: app_commands.Range[int, 1, LARGEST_NUMBER]
    ) -> None:
        await self.bot.paged_lists.show(interaction, "flag-history", str(flag))

    async def _history_listing(self, interaction: discord.Interaction, flag: str) -> Listing:
        guild = await self._require_moderator(interaction)
        found = await self.bot.storage.flags.get(int(flag))
        if found is None or found.guild_id != guild.id:
            raise UserFacingError(f"There's no flag #{flag} in this server.")
        events = await self.bot.storage.flags.events(found.id)
        return Listing(render.history(events), heading=render.history_heading(found))

    @modqueue.command(name="stats", description="Open flags and response times (moderators)")
    async def stats(self, interaction: discord.Interaction) -> None:
        guild = await self._require_moderator(interaction)
        now = self.bot.clock.now()
        open_now = await self.bot.storage.flags.for_guild(guild.id, None)
        lines = [f"**Open or claimed now:** {len(open_now)}"]
        for days in (7, 30):
            flags = await self.bot.storage.flags.since(guild.id, now - timedelta(days=days))
            to_claim = median([f.claimed_at - f.created_at for f in flags if f.claimed_at])
            to_close = median([f.closed_at - f.created_at for f in flags if f.closed_at])
            lines.append(
                f"**Last {days} days:** {len(flags)} flags · median time to claim "
                f"{_duration(to_claim)} · to resolve {_duration(to_close)}"
            )
        await reply_ephemeral(interaction, "\n".join(lines))

    @modqueue.command(name="oncall", description="Get escalation DMs for unclaimed flags")
    @app_commands.describe(on="True: you're on call; False: you're off")
    async def oncall(self, interaction: discord.Interaction, on: bool) -> None:
        guild = await self._require_moderator(interaction)
        await self.bot.storage.flags.set_oncall(
            guild.id, interaction.user.id, on, self.bot.clock.now()
        )
        await reply_ephemeral(
            interaction,
            "You're **on call**: I'll DM you about flags nobody has claimed."
            if on
            else "You're **off call**. Rest well. 🌙",
        )

    @modqueue.command(
        name="delays",
        description="How long unclaimed flags wait before each escalation step (admins)",
    )
    @app_commands.describe(
        high="Minutes for high severity (default 5)",
        medium="Minutes for medium severity (default 30)",
        low="Minutes for low severity (default 240)",
    )
    @app_commands.default_permissions(manage_guild=True)
    @has_guild_permissions(manage_guild=True)
    async def delays(
        self,
        interaction: discord.Interaction,
        high: app_commands.Range[int, 1, 1440] | None = None,
        medium: app_commands.Range[int, 1, 1440] | None = None,
        low: app_commands.Range[int, 1, 10080] | None = None,
    ) -> None:
        guild = require_guild(interaction)
        changes = {
            name: value
            for name, value in (
                ("escalate_high_minutes", high),
                ("escalate_medium_minutes", medium),
                ("escalate_low_minutes", low),
            )
            if value is not None
        }
        config = (
            await self.bot.guild_configs.update(guild.id, **changes)
            if changes
            else await self.bot.guild_configs.get(guild.id)
        )
        await reply_ephemeral(
            interaction,
            f"Unclaimed flags escalate after **{config.escalate_high_minutes} min** (high), "
            f"**{config.escalate_medium_minutes} min** (medium) and "
            f"**{config.escalate_low_minutes} min** (low) per step: the moderator role is "
            "mentioned again, then on-call moderators get a DM, then (high only) the owner.",
        )


def _duration(value: timedelta | None) -> str:
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
