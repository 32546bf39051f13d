"""Peer support's persistent buttons: Take it, the conversation's controls, the supporter's
check-in after a conversation, and the check-in's Ask for support. Each carries what it acts on
in its custom_id, so it works after a restart."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.ui.errors import report_interaction_error
from bot.ui.support_ask import PEER_ASK_TEMPLATE, PEERS_COG

if TYPE_CHECKING:
    from bot.app import Hearth
    from cogs.peers.cog import PeerSupport

CONTROLS = {
    "handover": ("Hand over", discord.ButtonStyle.secondary, "🤝"),
    "moderator": ("Involve a moderator", discord.ButtonStyle.primary, "🛟"),
    "close": ("Close", discord.ButtonStyle.success, "✅"),
}
DEBRIEF = {
    "ok": ("I'm okay", discord.ButtonStyle.success),
    "heavy": ("That was heavy", discord.ButtonStyle.secondary),
    "break": ("I need a break", discord.ButtonStyle.secondary),
}


def cog_of(bot: Hearth) -> PeerSupport:
    cog = bot.get_cog(PEERS_COG)
    if cog is None:  # its own buttons are registered by the cog itself, so it is loaded
        raise RuntimeError("the peer support cog is not loaded")
    return cog  # type: ignore[return-value]


class _Button(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"^$never"):
    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.act(interaction)
        except Exception as error:
            await report_interaction_error(interaction, error)

    async def act(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError


class TakeButton(_Button, template=r"hearth:peer:(?P<id>[0-9]+):take"):
    def __init__(self, request_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Take it",
                emoji="💛",
                style=discord.ButtonStyle.primary,
                custom_id=f"hearth:peer:{request_id}:take",
            )
        )
        self.request_id = request_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> TakeButton:
        return cls(int(match["id"]))

    async def act(self, interaction: discord.Interaction) -> None:
        bot: Hearth = interaction.client  # type: ignore[assignment]
        await cog_of(bot).conversations.take(interaction, self.request_id)


class ConversationButton(
    _Button, template=r"hearth:peer:(?P<id>[0-9]+):(?P<action>handover|moderator|close)"
):
    def __init__(self, request_id: int, action: str) -> None:
        label, style, emoji = CONTROLS[action]
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                emoji=emoji,
                custom_id=f"hearth:peer:{request_id}:{action}",
            )
        )
        self.request_id = request_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> ConversationButton:
        return cls(int(match["id"]), match["action"])

    async def act(self, interaction: discord.Interaction) -> None:
        bot: Hearth = interaction.client  # type: ignore[assignment]
        conversations = cog_of(bot).conversations
        if self.action == "handover":
            await conversations.hand_over(interaction, self.request_id)
        elif self.action == "moderator":
            await conversations.involve_moderator(interaction, self.request_id)
        else:
            await conversations.close(interaction, self.request_id)


class DebriefButton(_Button, template=r"hearth:peer-debrief:(?P<guild>[0-9]+):(?P<answer>\w+)"):
    """In the supporter's DMs: their answer is for them alone, never stored or shown."""

    def __init__(self, guild_id: int, answer: str) -> None:
        label, style = DEBRIEF[answer]
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=f"hearth:peer-debrief:{guild_id}:{answer}"
            )
        )
        self.guild_id = guild_id
        self.answer = answer

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> DebriefButton:
        answer = match["answer"] if match["answer"] in DEBRIEF else "ok"
        return cls(int(match["guild"]), answer)

    async def act(self, interaction: discord.Interaction) -> None:
        bot: Hearth = interaction.client  # type: ignore[assignment]
        await cog_of(bot).conversations.debrief_answer(interaction, self.guild_id, self.answer)


class PeerAskButton(_Button, template=PEER_ASK_TEMPLATE):
    """The check-in's Ask for support (offered by cogs/checkins through bot/ui/support_ask)."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            discord.ui.Button(label="Ask for support", custom_id=f"hearth:peer-ask:{guild_id}")
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> PeerAskButton:
        return cls(int(match["guild"]))

    async def act(self, interaction: discord.Interaction) -> None:
        bot: Hearth = interaction.client  # type: ignore[assignment]
        await cog_of(bot).ask_from_checkin(interaction, self.guild_id)


def take_view(request_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(TakeButton(request_id))
    return view


def conversation_view(request_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in CONTROLS:
        view.add_item(ConversationButton(request_id, action))
    return view


def debrief_view(guild_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for answer in DEBRIEF:
        view.add_item(DebriefButton(guild_id, answer))
    return view


DYNAMIC_ITEMS = (TakeButton, ConversationButton, DebriefButton, PeerAskButton)
