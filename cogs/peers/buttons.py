"""What peer support's persistent buttons do: Take it, the conversation's controls, the
supporter's check-in after a conversation, and the check-in's Ask for support. Each carries
what it acts on in its custom_id, so it works after a restart; the handlers hold nothing but
the bot, so each click builds its own."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.peer_support import RequestOrigin
from bot.ui.errors import reports_errors
from bot.ui.support_ask import PEER_ASK_TEMPLATE, peer_ask_button
from cogs.peers.conversations import Conversations
from cogs.peers.requests import SupportRequests
from cogs.peers.views import (
    CONTROL_TEMPLATE,
    DEBRIEF,
    DEBRIEF_TEMPLATE,
    TAKE_TEMPLATE,
    control_button,
    debrief_button,
    take_button,
)

if TYPE_CHECKING:
    from bot.app import Hearth


def conversations(interaction: discord.Interaction) -> Conversations:
    bot: Hearth = interaction.client  # type: ignore[assignment]
    return Conversations(bot, SupportRequests(bot))


class TakeButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TAKE_TEMPLATE):
    def __init__(self, request_id: int) -> None:
        super().__init__(take_button(request_id))
        self.request_id = request_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> TakeButton:
        return cls(int(match["id"]))

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await conversations(interaction).take(interaction, self.request_id)


class ConversationButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=CONTROL_TEMPLATE):
    def __init__(self, request_id: int, action: str) -> None:
        super().__init__(control_button(request_id, action))
        self.request_id = request_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> ConversationButton:
        return cls(int(match["id"]), match["action"])

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        handler = conversations(interaction)
        if self.action == "handover":
            await handler.hand_over(interaction, self.request_id)
        elif self.action == "moderator":
            await handler.involve_moderator(interaction, self.request_id)
        else:
            await handler.close(interaction, self.request_id)


class DebriefButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=DEBRIEF_TEMPLATE):
    """In the supporter's DMs: their answer is for them alone, never stored or shown."""

    def __init__(self, guild_id: int, answer: str) -> None:
        super().__init__(debrief_button(guild_id, answer))
        self.guild_id = guild_id
        self.answer = answer

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> DebriefButton:
        answer = match["answer"] if match["answer"] in DEBRIEF else "ok"
        return cls(int(match["guild"]), answer)

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await conversations(interaction).debrief_answer(interaction, self.guild_id, self.answer)


class PeerAskButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PEER_ASK_TEMPLATE):
    """The check-in's Ask for support (offered by cogs/checkins through bot/ui/support_ask)."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(peer_ask_button(guild_id))
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> PeerAskButton:
        return cls(int(match["guild"]))

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        bot: Hearth = interaction.client  # type: ignore[assignment]
        await SupportRequests(bot).ask_from(interaction, RequestOrigin.CHECKIN, None, self.guild_id)


DYNAMIC_ITEMS = (TakeButton, ConversationButton, DebriefButton, PeerAskButton)
