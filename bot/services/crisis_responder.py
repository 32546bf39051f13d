"""Noticing crisis language and answering it safely: privately first, moderators told.

Hearth does not counsel. It makes sure the person quickly has the right helplines and that
humans know. The message text is scanned in memory only: never stored, never logged. Nothing
public ever names, mentions or replies to the member: if their private message can't be
delivered, the moderators' card says so, and at most a general /helpline pointer goes in the
channel (once a day per channel, addressed to nobody).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.crisis_model import scan_off_loop
from bot.delivery import Post
from bot.domain.crisis import Category, Detection
from bot.domain.delivery import Priority
from bot.domain.flags import Detected, NewFlag
from bot.services import crisis_text as render
from bot.services.helpline_lookup import HelplineLookup
from bot.turns import InTurn

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.crisis")
POINTER_EVERY = timedelta(days=1)
NOT_IN_A_SERVER = "only server messages are scanned (handle lets no other through)"


def version_digest(message_id: int, edited_at: str) -> str:
    """Names one edited version of a message without anything of its text."""
    return hashlib.sha256(f"{message_id}:{edited_at}".encode()).hexdigest()


def member_turn(guild_id: int, member_id: int) -> tuple[int, int]:
    """Whose messages wait for each other: one member's in one server. Their detections merge
    into one flag, so they are weighed in order; another member's never wait behind them."""
    return (guild_id, member_id)


class CrisisResponder:
    def __init__(self, bot: Hearth, lookup: HelplineLookup) -> None:
        self.bot = bot
        self.lookup = lookup
        self._turns = InTurn()

    async def wait_idle(self) -> None:
        """Wait until every message taken in so far has been handled: its flag recorded, its
        card tried (with the deliverer's quick retries) and the member's private message sent."""
        await self._turns.wait_idle()

    async def on_message(self, message: discord.Message) -> None:
        await self.handle(message, version=None)

    async def on_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        edited_at = payload.data.get("edited_timestamp")
        if not edited_at:
            return  # not an edit by the author (an embed unfurled, a pin): scanned when sent
        await self.handle(payload.message, version=version_digest(payload.message_id, edited_at))

    async def handle(self, message: discord.Message, *, version: str | None) -> None:
        """Scan a new message (version None) or one edited version of a message."""
        if message.author.bot or message.guild is None or not message.content:
            return
        # One message at a time per member and server, in the order Discord delivered them: an
        # edit never overtakes its original, a worse message is weighed after the milder one
        # before it, and its card follows theirs. Another member's crisis DM never waits for
        # this member's card (which Discord may keep refusing for minutes).
        async with self._turns.turn(member_turn(message.guild.id, message.author.id)):
            await self._handle(message, version)

    async def _handle(self, message: discord.Message, version: str | None) -> None:
        if message.guild is None:
            raise ValueError(NOT_IN_A_SERVER)
        guild = message.guild
        config = await self.bot.guild_configs.get(guild.id)
        # On by default, but only once there are moderators to hand a flag to.
        if not config.crisis_detection or config.mod_queue_channel_id is None:
            return
        settings = self.bot.crisis_settings
        detection = await scan_off_loop(await settings.detector(guild.id), message.content)
        if (
            detection is None
            or await settings.is_quiet(
                guild.id, message.channel.id, getattr(message.channel, "parent_id", None)
            )
            or await settings.switched_off(guild.id, detection.rule)
        ):
            return
        log.info(
            "crisis language noticed",
            extra={
                "guild": guild.id,
                "channel": message.channel.id,
                "category": detection.category.value,
                "severity": int(detection.severity),
                "rule": detection.rule,
                "edited": version is not None,
            },
        )
        await self._flag_and_reply(
            guild,
            message.author,
            detection,
            NewFlag(
                guild_id=guild.id,
                source="detection",
                category=detection.category.value,
                severity=int(detection.severity),
                user_id=message.author.id,
                channel_id=message.channel.id,
                message_id=message.id,
                rule=detection.rule,
                version=version,
            ),
            text=message.content,
            jump_url=message.jump_url,
            quiet_for=timedelta(hours=config.crisis_reply_hours),
            public_channel=message.channel,
        )

    async def check_words(
        self,
        guild: discord.Guild,
        author: discord.abc.User,
        text: str,
        *,
        channel: discord.abc.GuildChannel | discord.Thread,
        message: discord.Message | None = None,
    ) -> int | None:
        """Words Hearth passes on for a member (an anonymous share it posted, the reason for a
        support request), checked like a message of theirs: a detection is flagged naming the
        author, which only moderators see, and the author gets the private reply. Returns the
        detection's severity, or None."""
        async with self._turns.turn(member_turn(guild.id, author.id)):
            config = await self.bot.guild_configs.get(guild.id)
            if not config.crisis_detection or config.mod_queue_channel_id is None:
                return None
            settings = self.bot.crisis_settings
            detection = await scan_off_loop(await settings.detector(guild.id), text)
            if (
                detection is None
                or await settings.is_quiet(
                    guild.id, channel.id, getattr(channel, "parent_id", None)
                )
                or await settings.switched_off(guild.id, detection.rule)
            ):
                return None
            log.info(
                "crisis language noticed in words passed on",
                extra={
                    "guild": guild.id,
                    "channel": channel.id,
                    "category": detection.category.value,
                    "severity": int(detection.severity),
                    "rule": detection.rule,
                },
            )
            await self._flag_and_reply(
                guild,
                author,
                detection,
                NewFlag(
                    guild_id=guild.id,
                    source="detection",
                    category=detection.category.value,
                    severity=int(detection.severity),
                    user_id=author.id,
                    channel_id=channel.id,
                    message_id=message.id if message else None,
                    rule=detection.rule,
                ),
                text=text,
                jump_url=message.jump_url if message else None,
                quiet_for=timedelta(hours=config.crisis_reply_hours),
                public_channel=None,
            )
            return int(detection.severity)

    async def _flag_and_reply(
        self,
        guild: discord.Guild,
        author: discord.abc.User,
        detection: Detection,
        new: NewFlag,
        *,
        text: str | None,
        jump_url: str | None,
        quiet_for: timedelta,
        public_channel: discord.abc.Messageable | None,
    ) -> None:
        """The flag is recorded first (quick, in the database); then the moderators' card and
        the member's private message go out side by side, each with its own retries, so the
        member never waits for a card Discord keeps refusing. `public_channel`, for a message
        the member wrote there, may get the general pointer if their DMs are closed."""
        flags = self.bot.flag_service
        detected: Detected | None = None
        told = False
        try:
            detected = await flags.record_detection(new)
        except Exception:
            # The member still gets their helplines, whatever went wrong on the moderators' side.
            log.exception("crisis flag could not be raised", extra={"guild": guild.id})
        else:
            if detected is None:
                return  # this version of the edited message was flagged (and answered) before
            # The flag is kept and its card is on its way (retried on its own for minutes, then
            # at the next start) whenever the queue can take cards.
            told = await flags.queue_ready(guild.id)
        card = (
            asyncio.ensure_future(self._show_card(detected, text, jump_url))
            if detected is not None
            else None
        )
        delivered: bool | None = None
        try:
            delivered = await self._reply(guild, author, detection, told, quiet_for)
            if delivered is False and public_channel is not None:
                await self._point_channel(guild, public_channel)
        finally:
            if card is not None:
                await card
        if delivered is False and detected is not None:
            # Once the card is out, so the note lands on it.
            await flags.note_member_unreachable(detected.flag.id)

    async def _show_card(self, detected: Detected, text: str | None, jump_url: str | None) -> bool:
        try:
            return await self.bot.flag_service.show_detection(
                detected, message_text=text, jump_url=jump_url
            )
        except Exception:
            log.exception("crisis card could not be shown", extra={"flag": detected.flag.id})
            return False

    async def _reply(
        self,
        guild: discord.Guild,
        member: discord.abc.User,
        detection: Detection,
        moderators_told: bool,
        quiet_for: timedelta,
    ) -> bool | None:
        """The private message: True if delivered, False if it couldn't be, None if none was
        due (the member turned them off, or had one in this window)."""
        country, replies_on = await self.bot.storage.crisis.member_settings(member.id)
        if not replies_on:
            return None
        now = self.bot.clock.now()
        if not await self.bot.storage.crisis.claim_reply(guild.id, member.id, now, quiet_for):
            return None  # at most one automatic reply per member in the window; the flag still went
        lines = await self.lookup.for_member(country, guild.id)
        text = render.private_reply(
            guild.name,
            lines,
            moderators_told,
            someone_else=detection.category == Category.THIRD_PARTY,
        )
        # Retried quickly and first of all on passing trouble; never posted twice.
        outcome = await self.bot.delivery.send(
            Post(
                # One automatic reply per member and window (claimed above): the key is unique.
                key=f"crisis-dm:{guild.id}:{member.id}:{int(now.timestamp())}",
                priority=Priority.URGENT,
                guild_id=guild.id,
                user_id=member.id,
                content=text,
            )
        )
        if not outcome.sent:
            log.warning(
                "crisis DM not delivered", extra={"cause": outcome.cause, "code": outcome.code}
            )
        return outcome.sent

    async def _point_channel(self, guild: discord.Guild, channel: discord.abc.Messageable) -> None:
        """Their DMs are closed: the channel may get a general pointer that addresses nobody
        (never a reply, never a mention); the moderators' card asks a human to reach out."""
        channel_id = getattr(channel, "id", None)
        if channel_id is None or not await self.bot.storage.crisis.claim_channel_pointer(
            guild.id, channel_id, self.bot.clock.now(), POINTER_EVERY
        ):
            return
        outcome = await self.bot.delivery.send(
            Post(
                key=f"crisis-pointer:{channel_id}:{int(self.bot.clock.now().timestamp())}",
                priority=Priority.URGENT,
                guild_id=guild.id,
                channel_id=channel_id,
                content=render.channel_pointer(),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        )
        if not outcome.sent:
            log.warning("helpline pointer not posted", extra={"guild": guild.id})
