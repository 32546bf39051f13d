"""Support requests: asking, the card in the peer channel, and the wait before moderators.

The wait is a timer in the database (`peer_requests.wait_until`); each waiting request has one
scheduler job, rebuilt at start, so a request made before a restart still reaches the
moderators on time (or at once, if its time passed while Hearth was down). A request moves to
the moderators in one conditional UPDATE before the flag is raised; a restart in between finds
it without a flag and raises it then, so it is never lost and never raised twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.domain.crisis.model import Severity
from bot.domain.flags import NewFlag
from bot.domain.guild_config import GuildConfig
from bot.domain.peer_support import PeerRequest, RequestOrigin, RequestStatus, available
from bot.ui.mentions import pings_only
from bot.ui.queue_privacy import public_readers
from bot.ui.replies import reply_ephemeral
from bot.ui.support_ask import peer_support_ready
from cogs.peers import render
from cogs.peers.views import take_view

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.peers")
PEER_CHANNEL_ALERT = "peer channel"
ON_DUTY_PINGS = 10


PASSED_ON = "peer-passed-on:"


def job_id(request_id: int) -> str:
    return f"peer-request:{request_id}"


def passed_on_key(request_id: int) -> str:
    return f"{PASSED_ON}{request_id}"


class SupportRequests:
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    async def ask_from(
        self,
        interaction: discord.Interaction,
        origin: RequestOrigin,
        reason: str | None,
        guild_id: int | None = None,
    ) -> None:
        """A member asks, from /support or a check-in's button: answered privately."""
        member = interaction.user
        if not isinstance(member, discord.Member) or (
            guild_id is not None and interaction.guild_id != guild_id
        ):
            await reply_ephemeral(interaction, "Please ask from inside the server. 💛")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = interaction.channel
        where = channel if isinstance(channel, discord.abc.GuildChannel | discord.Thread) else None
        await reply_ephemeral(interaction, await self.ask(member, where, origin, reason))

    async def ask(
        self,
        member: discord.Member,
        channel: discord.abc.GuildChannel | discord.Thread | None,
        origin: RequestOrigin,
        reason: str | None,
    ) -> str:
        """Handle a member's request; returns what to tell them."""
        guild = member.guild
        config = await self.bot.guild_configs.get(guild.id)
        if reason and channel is not None:
            severity = await self.bot.crisis_responder.check_words(
                guild, member, reason, channel=channel
            )
            if severity == Severity.HIGH:
                # Crisis words: moderators first; the detection's card and DM already went.
                return render.moderators_first()
        if not peer_support_ready(self.bot, config):
            return render.not_set_up(*await self._flag_now(guild.id, member.id, config))
        existing = await self.bot.storage.peers.open_request(guild.id, member.id)
        if existing is not None:
            return render.already_asked(existing.thread_id)
        now = self.bot.clock.now()
        request = await self.bot.storage.peers.create_request(
            guild.id,
            member.id,
            origin,
            reason,
            self._thread_parent(member, channel, config),
            now + timedelta(minutes=config.peer_wait_minutes),
            now,
        )
        if request is None:  # asked twice at once
            again = await self.bot.storage.peers.open_request(guild.id, member.id)
            return render.already_asked(again.thread_id if again else None)
        log.info("peer support requested", extra={"guild": guild.id, "request": request.id})
        peer_channel = self.peer_channel(guild, config)
        on_duty = await self.available_supporters(guild.id, excluding=member.id)
        if (
            request.origin_channel_id is None
            or peer_channel is None
            or not on_duty
            or not await self.post_card(request, peer_channel, member.display_name, on_duty)
        ):
            reached = await self.pass_to_moderators(request, early=True)
            return render.to_moderators_now(reached)
        self.schedule(request)
        return render.asked(config.peer_wait_minutes)

    # ------------------------------------------------------------- where things go
    def peer_channel(self, guild: discord.Guild, config: GuildConfig) -> discord.TextChannel | None:
        """The peer channel, if cards may be posted there now: it exists and only peer
        supporters and moderators can read it."""
        channel = guild.get_channel(config.peer_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            return None
        if public_readers(channel, config.moderator_role_id, also_allowed=(config.peer_role_id,)):
            log.warning(
                "peer channel readable by members: requests go to moderators",
                extra={"guild": guild.id},
            )
            self.bot.background.spawn(
                self.bot.storage.guild_extras.raise_alert(
                    guild.id,
                    PEER_CHANNEL_ALERT,
                    f"the peer channel <#{channel.id}> can be read by members who aren't peer "
                    "supporters or moderators, so support requests go to the moderators instead. "
                    "Make it private again (View Channel off for @everyone, on for the peer "
                    "supporter and moderator roles and for Hearth).",
                    self.bot.clock.now(),
                ),
                name="peer channel alert",
            )
            return None
        return channel

    def _thread_parent(
        self,
        member: discord.Member,
        channel: discord.abc.GuildChannel | discord.Thread | None,
        config: GuildConfig,
    ) -> int | None:
        """Where the private conversation will open: the channel the member asked from (or the
        check-in channel), if they can see it and Hearth may open private threads there."""
        if isinstance(channel, discord.Thread):
            channel = channel.parent
        candidates = [channel, member.guild.get_channel(config.checkin_channel_id or 0)]
        for candidate in candidates:
            if not isinstance(candidate, discord.TextChannel):
                continue
            mine = candidate.permissions_for(member.guild.me)
            if (
                candidate.permissions_for(member).view_channel
                and mine.create_private_threads
                and mine.send_messages_in_threads
            ):
                return candidate.id
        return None

    async def available_supporters(self, guild_id: int, *, excluding: int = 0) -> list[int]:
        now = self.bot.clock.now()
        found = []
        for supporter in await self.bot.storage.peers.on_duty(guild_id):
            zone = await self.bot.zones.for_member(supporter.user_id, guild_id)
            if supporter.user_id != excluding and available(supporter, now, zone.name):
                found.append(supporter.user_id)
        return found

    # ------------------------------------------------------------- the card
    async def post_card(
        self,
        request: PeerRequest,
        channel: discord.TextChannel,
        name: str | None,
        on_duty: list[int],
        *,
        again: bool = False,
    ) -> bool:
        if request.wait_until is None:
            return False  # not waiting: nothing to take
        pinged = [u for u in on_duty if u != request.user_id][:ON_DUTY_PINGS]
        try:
            card = await channel.send(
                render.on_duty_ping(pinged),
                embed=render.card(
                    request.user_id, name, request.created_at, request.wait_until, again=again
                ),
                view=take_view(request.id),
                allowed_mentions=pings_only(users=pinged),
            )
        except discord.HTTPException as exc:
            log.warning("peer card refused", extra={"guild": channel.guild.id, "code": exc.code})
            return False
        await self.bot.storage.peers.set_card(request.id, channel.id, card.id)
        return True

    async def edit_card(self, request: PeerRequest, embed: discord.Embed) -> None:
        channel = self.bot.get_channel(request.card_channel_id or 0)
        if not isinstance(channel, discord.TextChannel) or request.card_message_id is None:
            return
        try:
            await channel.get_partial_message(request.card_message_id).edit(embed=embed, view=None)
        except discord.HTTPException:
            log.warning("peer card not updated", extra={"request": request.id})

    async def member_name(self, guild_id: int, user_id: int) -> str | None:
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return None
        try:
            return (await guild.fetch_member(user_id)).display_name
        except discord.HTTPException:
            return None

    # ------------------------------------------------------------- the wait
    def schedule(self, request: PeerRequest) -> None:
        if request.status != RequestStatus.WAITING or request.wait_until is None:
            self.bot.scheduler.cancel(job_id(request.id))
            return
        self.bot.scheduler.run_once(job_id(request.id), request.wait_until, self.due, request.id)

    async def load_all(self) -> None:
        for request in await self.bot.storage.peers.waiting():
            if self.bot.owns_guild(request.guild_id):
                self.schedule(request)

    async def due(self, request_id: int) -> None:
        await self.bot.wait_until_ready()
        request = await self.bot.storage.peers.get(request_id)
        if request is None or request.status != RequestStatus.WAITING or request.wait_until is None:
            return
        if self.bot.clock.now() < request.wait_until:
            self.schedule(request)  # woken early: wait for the real time
            return
        # Owed before the request moves, so a stop in between still tells the member at start.
        key = passed_on_key(request.id)
        await self.bot.storage.deliveries.owe(key, request.guild_id, self.bot.clock.now())
        if await self.pass_to_moderators(request, early=False):
            await self._tell_passed_on(request.id)
        else:
            await self.bot.storage.deliveries.paid(key)

    async def tell_owed(self) -> None:
        """Members whose request moved to the moderators just before a stop hear of it now."""
        await self.bot.wait_until_ready()
        for key in await self.bot.storage.deliveries.owed(PASSED_ON):
            request_id = int(key.removeprefix(PASSED_ON))
            request = await self.bot.storage.peers.get(request_id)
            if request is not None and not self.bot.owns_guild(request.guild_id):
                continue  # the process that runs its shard tells them
            await self._tell_passed_on(request_id)

    async def _tell_passed_on(self, request_id: int) -> None:
        key = passed_on_key(request_id)
        request = await self.bot.storage.peers.get(request_id)
        if request is None or request.status != RequestStatus.TO_MODERATORS:
            await self.bot.storage.deliveries.paid(key)  # erased meanwhile, or never moved
            return
        guild = self.bot.get_guild(request.guild_id)
        outcome = await self.bot.dms.send(
            key,
            request.user_id,
            guild_id=request.guild_id,
            content=render.passed_on_dm(guild.name if guild else "your server"),
        )
        if not outcome.passing:
            # Sent, or their DMs are closed (the moderators' card has their name): settled.
            await self.bot.storage.deliveries.paid(key)

    async def pass_to_moderators(self, request: PeerRequest, *, early: bool) -> bool:
        """Move a waiting request to the moderator queue; True if moderators have a card."""
        now = self.bot.clock.now()
        moved = await self.bot.storage.peers.to_moderators(request.id, now, early=early)
        if not moved:
            return False
        self.bot.scheduler.cancel(job_id(request.id))
        log.info("peer request passed to moderators", extra={"request": request.id})
        config = await self.bot.guild_configs.get(request.guild_id)
        _, reached = await self._flag_now(request.guild_id, request.user_id, config, request.id)
        name = await self.member_name(request.guild_id, request.user_id)
        await self.edit_card(request, render.card_to_moderators(request.user_id, name))
        return reached

    async def flag_unflagged(self) -> None:
        """Requests moved to the moderators whose flag a restart interrupted."""
        for request in await self.bot.storage.peers.unflagged():
            if not self.bot.owns_guild(request.guild_id):
                continue  # the process that runs its shard raises it
            config = await self.bot.guild_configs.get(request.guild_id)
            await self._flag_now(request.guild_id, request.user_id, config, request.id)

    async def _flag_now(
        self, guild_id: int, user_id: int, config: GuildConfig, request_id: int | None = None
    ) -> tuple[bool, bool]:
        """Raise (or reuse) the member's support flag: (moderator queue set up, card posted)."""
        if config.mod_queue_channel_id is None:
            return False, False
        flag = await self.bot.storage.flags.open_support(guild_id, user_id)
        reached = True
        if flag is None:
            flag, reached = await self.bot.flag_service.raise_flag(
                NewFlag(
                    guild_id=guild_id,
                    source="support",
                    category="asked for support",
                    severity=2,
                    user_id=user_id,
                    channel_id=None,
                    message_id=None,
                )
            )
        if request_id is not None:
            await self.bot.storage.peers.set_flag(request_id, flag.id)
        return True, reached
