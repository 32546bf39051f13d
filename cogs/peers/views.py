"""Peer support's buttons as they appear on messages: labels and custom_ids only.

The DynamicItems in buttons.py answer these custom_ids (also after a restart); keeping the
look here lets the code that posts cards and threads build them without importing the code
that handles the clicks.
"""

from __future__ import annotations

import discord

TAKE_TEMPLATE = r"hearth:peer:(?P<id>[0-9]+):take"
CONTROL_TEMPLATE = r"hearth:peer:(?P<id>[0-9]+):(?P<action>handover|moderator|close)"
DEBRIEF_TEMPLATE = r"hearth:peer-debrief:(?P<guild>[0-9]+):(?P<answer>\w+)"
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

Button = discord.ui.Button[discord.ui.View]


def take_button(request_id: int) -> Button:
    return discord.ui.Button(
        label="Take it",
        emoji="💛",
        style=discord.ButtonStyle.primary,
        custom_id=f"hearth:peer:{request_id}:take",
    )


def control_button(request_id: int, action: str) -> Button:
    label, style, emoji = CONTROLS[action]
    return discord.ui.Button(
        label=label, style=style, emoji=emoji, custom_id=f"hearth:peer:{request_id}:{action}"
    )


def debrief_button(guild_id: int, answer: str) -> Button:
    label, style = DEBRIEF[answer]
    return discord.ui.Button(
        label=label, style=style, custom_id=f"hearth:peer-debrief:{guild_id}:{answer}"
    )


def take_view(request_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(take_button(request_id))
    return view


def conversation_view(request_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in CONTROLS:
        view.add_item(control_button(request_id, action))
    return view


def debrief_view(guild_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for answer in DEBRIEF:
        view.add_item(debrief_button(guild_id, answer))
    return view
