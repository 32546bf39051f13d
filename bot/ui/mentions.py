"""Who a post may ping: exactly the roles and members it names, never anyone written in its text."""

from __future__ import annotations

from collections.abc import Iterable

import discord


def pings_only(*, roles: Iterable[int] = (), users: Iterable[int] = ()) -> discord.AllowedMentions:
    """Mentions of these roles and members ping; @everyone, @here and any other mention in the
    text (an organizer's message, a meeting's name) show but don't ping."""
    return discord.AllowedMentions(
        everyone=False,
        roles=[discord.Object(role) for role in roles],
        users=[discord.Object(user) for user in users],
        replied_user=False,
    )
