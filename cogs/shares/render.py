"""What an anonymous share looks like, and what its author and reporters are told."""

from __future__ import annotations

from datetime import datetime

import discord

COLOUR = discord.Colour(0xB8B8D1)


def share_embed(text: str) -> discord.Embed:
    embed = discord.Embed(title="A member shared:", description=text, colour=COLOUR)
    embed.set_footer(text="Shared anonymously. Reply in the thread below, with kindness.")
    return embed


def removed_embed() -> discord.Embed:
    return discord.Embed(
        title="A member shared:", description="*Taken down by the person who shared it.*"
    )


def posted(channel_id: int) -> str:
    return (
        f"Shared anonymously in <#{channel_id}>. 💛 Members see “A member shared:”, never your "
        "name or picture. The moderators can see it was you only if someone reports it or it "
        "makes Hearth worried for you (then you'd get a private message too). **Take down** on "
        "the post removes it; it works only for you."
    )


def too_soon(again_at: datetime, per_day: int) -> str:
    return (
        f"You've shared {per_day} times in the last day, which is the most Hearth posts, so the "
        f"channel has room for everyone. You can share again <t:{int(again_at.timestamp())}:R>. "
        "If you'd like to talk now, `/support` asks a peer supporter. 💛"
    )


OFF = (
    "Anonymous shares aren't turned on in this server. An admin can choose a channel with "
    "`/hearth setup share_channel` (and switch them on with `/peers settings`)."
)
NOT_POSTED = (
    "I couldn't post your share just now (Hearth may be missing permissions in that channel). "
    "Nothing was posted; please try again later, or let a moderator know."
)
REPORTED = (
    "Thank you for letting the moderators know. 💛 They'll take it from here; nobody is told "
    "who reported."
)
NOT_YOURS = "Only the person who shared this can take it down. (Nobody is told who pressed.)"
TAKEN_DOWN = "Your share is taken down. 💛"
