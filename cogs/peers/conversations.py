"""Conversations between a member and a peer supporter: taking a request (a private thread,
both added), handing it back, asking a moderator in, closing, and the supporter's check-in
afterwards (a DM owed in the database until sent, so a restart neither loses nor repeats it)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.domain.flags import NewFlag
from bot.domain.guild_config import GuildConfig
from bot.domain.peer_support import PeerRequest, RequestStatus, TakeOutcome, available
from bot.ui.mentions import pings_only
from bot.ui.permissions import is_moderator
from bot.ui.replies import reply_ephemeral
from cogs.peers import render
from cogs.peers.views import conversation_view, debrief_view

if TYPE_CHECKING:
    from bot.app import Hearth
    from cogs.peers.requests import SupportRequests

log = logging.getLogger("hearth.peers")
THREAD_ARCHIVE_MINUTES = 10080  # a week of quiet before Discord tidies the thread away


def has_role(interaction: discord.Interaction, role_id: int | None) -> bool:
    member = interaction.user
    return (
        role_id is not None
        and isinstance(member, discord.Member)
        and any(role.id == role_id for role in member.roles)
    )


class Conversations:
    def __init__(self, bot: Hearth, requests: SupportRequests) -> None:
        self.bot = bot
        self.requests = requests

    # ------------------------------------------------------------------ take it
    async def take(self, interaction: discord.Interaction, request_id: int) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        request = await self.bot.storage.peers.get(request_id)
        if request is None or interaction.guild_id != request.guild_id:
            await reply_ephemeral(interaction, "I can't find this request any more.")
            return
        config = await self.bot.guild_configs.get(request.guild_id)
        user = interaction.user.id
        if not has_role(interaction, config.peer_role_id):
            await reply_ephemeral(
                interaction,
                "Only peer supporters can take requests. Thank you for caring, though. 💛",
            )
            return
        supporter = await self.bot.storage.peers.supporter(request.guild_id, user)
        zone = await self.bot.zones.for_member(user, request.guild_id)
        if supporter is None or not available(supporter, self.bot.clock.now(), zone.name):
            await reply_ephemeral(
                interaction,
                "You're off duty right now, so this one is left for someone on duty. If you can "
                "take it, `/peers duty on` first. Resting is part of this work too. 💛",
            )
            return
        outcome = await self.bot.storage.peers.take(
            request.id, user, config.peer_max_open, self.bot.clock.now()
        )
        if outcome != TakeOutcome.TAKEN:
            await reply_ephemeral(interaction, _refusal(outcome, config))
            return
        self.bot.scheduler.cancel(f"peer-request:{request.id}")
        thread = await self._open(request, user)
        if thread is None:
            await self._undo_take(request, user, config)
            await reply_ephemeral(
                interaction,
                "I couldn't open a private thread for this conversation (Hearth may be missing "
                "Create Private Threads where the member asked). The request is open again, and "
                "the moderators will hear if nobody can take it. `/hearth status` may say more.",
            )
            return
        log.info("peer request taken", extra={"guild": request.guild_id, "request": request.id})
        name = await self.requests.member_name(request.guild_id, request.user_id)
        await self.requests.edit_card(
            request, render.card_taken(request.user_id, name, user, self.bot.clock.now())
        )
        await reply_ephemeral(
            interaction, f"You're with them now in {thread.mention}. Thank you. 💛"
        )

    async def _open(self, request: PeerRequest, supporter_id: int) -> discord.Thread | None:
        """The private thread with the member and the supporter (reused after a handover)."""
        guild = self.bot.get_guild(request.guild_id)
        if guild is None:
            return None
        again = request.thread_id is not None
        try:
            if request.thread_id is not None:
                thread = guild.get_thread(request.thread_id) or await guild.fetch_channel(
                    request.thread_id
                )
            else:
                parent = guild.get_channel(request.origin_channel_id or 0)
                if not isinstance(parent, discord.TextChannel):
                    return None
                thread = await parent.create_thread(
                    name=f"Peer support #{request.id}",
                    type=discord.ChannelType.private_thread,
                    invitable=False,
                    auto_archive_duration=THREAD_ARCHIVE_MINUTES,
                )
                await self.bot.storage.peers.set_thread(request.id, thread.id)
            if not isinstance(thread, discord.Thread):
                return None
            await thread.add_user(discord.Object(request.user_id))
            await thread.add_user(discord.Object(supporter_id))
            await thread.send(
                render.thread_intro(request.user_id, supporter_id, request.reason, again=again),
                view=conversation_view(request.id),
                allowed_mentions=pings_only(users=[request.user_id, supporter_id]),
            )
        except discord.HTTPException as exc:
            log.warning(
                "peer conversation not opened", extra={"request": request.id, "code": exc.code}
            )
            return None
        return thread

    async def _undo_take(
        self, request: PeerRequest, supporter_id: int, config: GuildConfig
    ) -> None:
        wait_until = self.bot.clock.now() + timedelta(minutes=config.peer_wait_minutes)
        if await self.bot.storage.peers.release(request.id, supporter_id, wait_until):
            again = await self.bot.storage.peers.get(request.id)
            if again is not None:
                self.requests.schedule(again)

    # ------------------------------------------------------------------ in the thread
    async def hand_over(self, interaction: discord.Interaction, request_id: int) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        request = await self._current(interaction, request_id)
        if request is None:
            return
        if interaction.user.id != request.supporter_id:
            await reply_ephemeral(
                interaction, "Only the peer supporter in this conversation can hand it over."
            )
            return
        config = await self.bot.guild_configs.get(request.guild_id)
        now = self.bot.clock.now()
        wait_until = now + timedelta(minutes=config.peer_wait_minutes)
        supporter = request.supporter_id
        if not await self.bot.storage.peers.hand_over(request.id, supporter, wait_until, now):
            await reply_ephemeral(interaction, "This conversation has already moved on.")
            return
        log.info("peer conversation handed over", extra={"request": request.id})
        thread = interaction.channel
        if isinstance(thread, discord.Thread):
            try:
                await thread.send(
                    render.handed_over(supporter, request.user_id),
                    allowed_mentions=pings_only(users=[request.user_id]),
                )
                await thread.remove_user(discord.Object(supporter))
            except discord.HTTPException:
                log.warning("handover not shown in the thread", extra={"request": request.id})
        await self._repost(request.id, supporter, config)
        await reply_ephemeral(
            interaction,
            "Handed over: it's back with the peer team. Thank you for knowing your limits; that "
            "looks after them and you. 💛",
        )

    async def _repost(self, request_id: int, previous: int, config: GuildConfig) -> None:
        """A handed-over request goes back to the peer channel as a new card, its wait again."""
        request = await self.bot.storage.peers.get(request_id)
        if request is None:  # erased meanwhile
            return
        guild = self.bot.get_guild(request.guild_id)
        channel = self.requests.peer_channel(guild, config) if guild else None
        on_duty = await self.requests.available_supporters(request.guild_id, excluding=previous)
        name = await self.requests.member_name(request.guild_id, request.user_id)
        if channel is None or not await self.requests.post_card(
            request, channel, name, on_duty, again=True
        ):
            await self.requests.pass_to_moderators(request, early=True)
            return
        self.requests.schedule(request)

    async def involve_moderator(self, interaction: discord.Interaction, request_id: int) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        request = await self._current(interaction, request_id)
        if request is None or not await self._allowed(interaction, request):
            return
        config = await self.bot.guild_configs.get(request.guild_id)
        if config.mod_queue_channel_id is None:
            await reply_ephemeral(
                interaction,
                "I can't reach the moderators from here (this server has no moderator queue set "
                "up). Please message a moderator directly.",
            )
            return
        if request.flag_id is not None:
            flag = await self.bot.storage.flags.get(request.flag_id)
            if flag is not None and flag.is_active:
                await reply_ephemeral(interaction, "The moderators already know and can join. 💛")
                return
        thread = interaction.channel
        flag, reached = await self.bot.flag_service.raise_flag(
            NewFlag(
                guild_id=request.guild_id,
                source="support",
                category="peer conversation: a moderator is asked to join",
                severity=2,
                user_id=request.user_id,
                channel_id=thread.id if thread else None,
                message_id=None,
            ),
            jump_url=thread.jump_url if isinstance(thread, discord.Thread) else None,
        )
        await self.bot.storage.peers.set_flag(request.id, flag.id)
        await self.bot.storage.peers.involve_moderator(
            request.id, interaction.user.id, self.bot.clock.now()
        )
        log.info("moderator asked into a peer conversation", extra={"request": request.id})
        if isinstance(thread, discord.Thread):
            try:
                await thread.send(render.moderator_asked())
            except discord.HTTPException:
                log.warning("moderator note not shown in the thread", extra={"request": request.id})
        await reply_ephemeral(
            interaction,
            "Done: the moderators know and can open this thread. 💛"
            if reached
            else "I've noted it for the moderators, but couldn't post in their queue just now; "
            "please also message one directly.",
        )

    async def close(self, interaction: discord.Interaction, request_id: int) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        request = await self._current(interaction, request_id)
        if request is None or not await self._allowed(interaction, request):
            return
        if not await self.bot.storage.peers.close(
            request.id, interaction.user.id, self.bot.clock.now()
        ):
            await reply_ephemeral(interaction, "This conversation is already closed.")
            return
        log.info("peer conversation closed", extra={"request": request.id})
        thread = interaction.channel
        if isinstance(thread, discord.Thread):
            try:
                await thread.send(render.closed(request.user_id))
            except discord.HTTPException:
                log.warning("closing note not shown in the thread", extra={"request": request.id})
        await self.send_debrief(request.id)
        await reply_ephemeral(interaction, "Closed. Thank you. 💛")

    async def _current(
        self, interaction: discord.Interaction, request_id: int
    ) -> PeerRequest | None:
        request = await self.bot.storage.peers.get(request_id)
        if request is None or request.guild_id != interaction.guild_id:
            await reply_ephemeral(interaction, "I can't find this conversation any more.")
            return None
        if request.status != RequestStatus.TAKEN:
            await reply_ephemeral(
                interaction,
                "This conversation isn't open right now (it was closed or handed back).",
            )
            return None
        return request

    async def _allowed(self, interaction: discord.Interaction, request: PeerRequest) -> bool:
        config = await self.bot.guild_configs.get(request.guild_id)
        if interaction.user.id in (request.user_id, request.supporter_id) or is_moderator(
            interaction, config
        ):
            return True
        await reply_ephemeral(interaction, "Only the two people in this conversation can do that.")
        return False

    # ------------------------------------------------------------------ the supporter's check-in
    async def send_debrief(self, request_id: int) -> None:
        request = await self.bot.storage.peers.get(request_id)
        if request is None or request.debrief != "owed" or request.supporter_id is None:
            return
        guild = self.bot.get_guild(request.guild_id)
        outcome = await self.bot.dms.send(
            f"peer-debrief:{request.id}:{request.supporter_id}",
            request.supporter_id,
            guild_id=request.guild_id,
            content=render.debrief(guild.name if guild else "your server"),
            view=debrief_view(request.guild_id),
        )
        if outcome.passing:
            return  # still owed: the next start sends it (the same key: never twice)
        await self.bot.storage.peers.debrief_done(request.id, delivered=outcome.sent)

    async def send_owed_debriefs(self) -> None:
        await self.bot.wait_until_ready()
        for request in await self.bot.storage.peers.debriefs_owed():
            if not self.bot.owns_guild(request.guild_id):
                continue  # the process that runs its shard sends it
            await self.send_debrief(request.id)

    async def debrief_answer(
        self, interaction: discord.Interaction, guild_id: int, answer: str
    ) -> None:
        guild = self.bot.get_guild(guild_id)
        if answer == "break":
            await self.bot.storage.peers.set_duty(
                guild_id, interaction.user.id, False, self.bot.clock.now()
            )
        text = render.DEBRIEF_ANSWERS[answer].format(guild=guild.name if guild else "the server")
        await reply_ephemeral(interaction, text)


def _refusal(outcome: TakeOutcome, config: GuildConfig) -> str:
    if outcome == TakeOutcome.AT_CAP:
        return (
            f"You already have {config.peer_max_open} open conversation"
            f"{'s' if config.peer_max_open != 1 else ''}, the most this server asks anyone to "
            "hold at once. Close or hand one over first: looking after yourself is part of "
            "looking after others. 💛"
        )
    if outcome == TakeOutcome.OWN:
        return "This is your own request, so someone else will take it. 💛"
    return (
        "Someone has already taken this one, or it went to the moderators. Thank you for being "
        "ready."
    )
