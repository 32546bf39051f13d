"""/support for members, /peers for peer supporters and moderators."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.peer_hours import WeeklyHours, parse_days
from bot.domain.peer_support import STATS_PERIODS, RequestOrigin, clean_reason, period_stats
from bot.ui.context import require_guild
from bot.ui.errors import UserFacingError
from bot.ui.inputs import require_hhmm
from bot.ui.permissions import has_guild_permissions, is_moderator
from bot.ui.replies import reply_ephemeral
from cogs.peers import render
from cogs.peers.conversations import Conversations, has_role
from cogs.peers.requests import SupportRequests

if TYPE_CHECKING:
    from bot.app import Hearth

NOT_SET_UP = (
    "Peer support isn't set up in this server yet: an admin can choose a peer supporter role "
    "and a private peer channel with `/hearth setup`."
)


class PeerSupport(commands.Cog, name="PeerSupport"):
    peers = app_commands.Group(
        name="peers", description="Peer supporters: duty, hours and numbers", guild_only=True
    )

    def __init__(self, bot: Hearth) -> None:
        self.bot = bot
        self.requests = SupportRequests(bot)
        self.conversations = Conversations(bot, self.requests)

    async def cog_load(self) -> None:
        if self.bot.owns_timed_work:
            await self.requests.load_all()
        # Check-ins offer "Ask for support" only while this feature is here to answer it.
        self.bot.peer_support_running = True

    async def cog_unload(self) -> None:
        self.bot.peer_support_running = False
        self.bot.scheduler.cancel_prefix("peer-request:")

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if not self.bot.owns_timed_work:
            return
        # What a restart interrupted: flags for requests already passed on, owed check-ins.
        self.bot.background.spawn(self.requests.flag_unflagged(), name="peer flags owed")
        self.bot.background.spawn(self.requests.tell_owed(), name="peer DMs owed")
        self.bot.background.spawn(
            self.conversations.send_owed_debriefs(), name="supporter check-ins owed"
        )

    # ------------------------------------------------------------------ members
    @app_commands.command(
        name="support", description="Ask a peer supporter to talk with you, privately"
    )
    @app_commands.describe(
        reason="Optional: a few words for the person who comes (only they will see it)"
    )
    @app_commands.guild_only()
    async def support(
        self,
        interaction: discord.Interaction,
        reason: app_commands.Range[str, None, 300] | None = None,
    ) -> None:
        require_guild(interaction)
        try:
            cleaned = clean_reason(reason)
        except ValueError as error:
            raise UserFacingError(f"Sorry, {error}. Nothing was sent.") from None
        await self.requests.ask_from(interaction, RequestOrigin.COMMAND, cleaned)

    # ------------------------------------------------------------------ supporters
    async def _require_supporter(self, interaction: discord.Interaction) -> int:
        guild = require_guild(interaction)
        config = await self.bot.guild_configs.get(guild.id)
        if config.peer_role_id is None or config.peer_channel_id is None:
            raise UserFacingError(NOT_SET_UP)
        if not has_role(interaction, config.peer_role_id):
            raise UserFacingError(
                f"This is for peer supporters (the <@&{config.peer_role_id}> role). If you'd "
                "like to become one, a moderator can tell you how. 💛"
            )
        return guild.id

    @peers.command(name="duty", description="Go on or off duty for support requests")
    @app_commands.describe(state="on: you may be asked to take requests; off: you won't be")
    async def duty(self, interaction: discord.Interaction, state: Literal["on", "off"]) -> None:
        guild_id = await self._require_supporter(interaction)
        user = interaction.user.id
        peers = self.bot.storage.peers
        await peers.set_duty(guild_id, user, state == "on", self.bot.clock.now())
        supporter = await peers.supporter(guild_id, user)
        zone = await self.bot.zones.for_member(user, guild_id)
        if state == "on":
            hours = render.hours_line(supporter.hours if supporter else None, zone.name)
            text = (
                f"You're on duty: requests can reach you {hours}. Thank you. 💛 "
                "`/peers duty off` any time."
            )
        else:
            open_now = (await peers.open_conversations(guild_id)).get(user, 0)
            text = "You're off duty. Rest well. 💛"
            if open_now:
                text += (
                    f" You still have {open_now} open conversation{'s' if open_now > 1 else ''}: "
                    "close or hand them over when you can."
                )
        await reply_ephemeral(interaction, text)

    @peers.command(name="hours", description="Set the weekly hours you can take requests")
    @app_commands.describe(
        days="Which days, e.g. weekdays, weekends, every day, mon-fri, mon,wed,fri",
        start="From, HH:MM in your own time zone",
        end="Until, HH:MM (earlier than start runs past midnight)",
        clear="Remove your hours: you're available whenever you're on duty",
    )
    async def hours(
        self,
        interaction: discord.Interaction,
        days: app_commands.Range[str, 1, 60] | None = None,
        start: app_commands.Range[str, 1, 5] | None = None,
        end: app_commands.Range[str, 1, 5] | None = None,
        clear: bool = False,
    ) -> None:
        guild_id = await self._require_supporter(interaction)
        user = interaction.user.id
        zone = await self.bot.zones.for_member(user, guild_id)
        if clear:
            await self.bot.storage.peers.set_hours(guild_id, user, None, self.bot.clock.now())
            await reply_ephemeral(
                interaction, "Your hours are cleared: you're available whenever you're on duty."
            )
            return
        if days is None or start is None or end is None:
            raise UserFacingError(
                "Please give `days`, `start` and `end` together (for example weekdays, 18:00, "
                "22:00), or `clear` to remove your hours. Nothing was changed."
            )
        chosen = parse_days(days)
        if chosen is None:
            raise UserFacingError(
                f"I couldn't read “{days}” as days. Try `weekdays`, `weekends`, `every day`, "
                "`mon-fri` or `mon,wed,fri`. Nothing was changed."
            )
        weekly = WeeklyHours(chosen, require_hhmm(start), require_hhmm(end))
        if weekly.start == weekly.end:
            raise UserFacingError("Start and end are the same time. Nothing was changed.")
        await self.bot.storage.peers.set_hours(guild_id, user, weekly, self.bot.clock.now())
        text = f"Your hours: {render.hours_line(weekly, zone.name)}, while you're on duty."
        if zone.source == "default":
            text += "\n-# That's UTC. `/profile timezone` sets your own time zone."
        await reply_ephemeral(interaction, text)

    # ------------------------------------------------------------------ moderators and admins
    @peers.command(name="stats", description="Peer support in numbers, never words (moderators)")
    async def stats(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        if not is_moderator(interaction, await self.bot.guild_configs.get(guild.id)):
            raise UserFacingError("Peer support numbers are for moderators.")
        now = self.bot.clock.now()
        peers = self.bot.storage.peers
        since = now - timedelta(days=max(STATS_PERIODS))
        requests, events = await peers.stats_since(guild.id, since)
        periods = [period_stats(days, requests, events, now) for days in STATS_PERIODS]
        on_duty = [s.user_id for s in await peers.on_duty(guild.id)]
        embed = render.stats_embed(periods, await peers.open_conversations(guild.id), on_duty)
        await reply_ephemeral(interaction, embed=embed)

    @peers.command(name="settings", description="Peer support's boundaries here (admins)")
    @app_commands.describe(
        wait_minutes="Minutes a request waits for a peer before the moderators are asked",
        max_open="Open conversations one supporter may hold at once",
        anonymous_shares="Allow /share (anonymous shares) in this server",
    )
    @has_guild_permissions(manage_guild=True)
    async def settings(
        self,
        interaction: discord.Interaction,
        wait_minutes: app_commands.Range[int, 1, 120] | None = None,
        max_open: app_commands.Range[int, 1, 5] | None = None,
        anonymous_shares: bool | None = None,
    ) -> None:
        guild = require_guild(interaction)
        changes: dict[str, object] = {}
        if wait_minutes is not None:
            changes["peer_wait_minutes"] = wait_minutes
        if max_open is not None:
            changes["peer_max_open"] = max_open
        if anonymous_shares is not None:
            changes["shares_enabled"] = anonymous_shares
        if changes:
            config = await self.bot.guild_configs.update(guild.id, **changes)
        else:
            config = await self.bot.guild_configs.get(guild.id)
        await reply_ephemeral(
            interaction,
            ("Saved. " if changes else "")
            + f"A request waits {config.peer_wait_minutes} minutes for a peer before the "
            f"moderators are asked; each supporter holds at most {config.peer_max_open} "
            "conversation" + ("s" if config.peer_max_open != 1 else "") + " at once; anonymous "
            f"shares are {'on' if config.shares_enabled else 'off'}.",
        )
