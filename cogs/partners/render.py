"""What members and their accountability partners read. A partner sees only what the member
chose; private notes are never part of any of it."""

from __future__ import annotations

import discord

from bot.domain.partners import Partnership, Sharing

COLOUR = discord.Colour(0x81B29A)


def sharing_words(sharing: Sharing, counter_label: str | None) -> list[str]:
    words = []
    if sharing.streak:
        words.append("their check-in streak")
    if sharing.counter_id is not None:
        words.append(f"their “{counter_label or 'counter'}” counter")
    if sharing.struggles:
        words.append("a note when they have a hard check-in")
    if sharing.nudge_after_days:
        days = sharing.nudge_after_days
        words.append(f"a nudge if they haven't checked in for {days} day{'s' if days > 1 else ''}")
    return words


def bullet(words: list[str]) -> str:
    return "\n".join(f"• {w}" for w in words)


def invitation(inviter: str, guild_name: str, words: list[str]) -> discord.Embed:
    return discord.Embed(
        title="Would you be an accountability partner?",
        colour=COLOUR,
        description=(
            f"**{inviter}** in **{guild_name}** would like you as an accountability partner. "
            f"If you say yes, you'll see:\n{bullet(words)}\n\nNothing else: never their private "
            "notes. Either of you can end it any time with `/partner end`, kindly and without "
            "explaining."
        ),
    )


def invitation_answered(accepted: bool, member_id: int) -> discord.Embed:
    text = (
        f"You're now <@{member_id}>'s accountability partner. 💛 `/partner status` shows what "
        "they share with you."
        if accepted
        else "You said not now. That's completely okay; they'll be told gently."
    )
    return discord.Embed(title="Accountability partner", colour=COLOUR, description=text)


def accepted_dm(partner_id: int, guild_name: str) -> str:
    return (
        f"<@{partner_id}> said yes: they're your accountability partner in **{guild_name}** now. "
        "💛 `/partner choose` changes what they see, `/partner end` ends it."
    )


def declined_dm(partner_id: int, guild_name: str) -> str:
    return (
        f"<@{partner_id}> can't be an accountability partner in **{guild_name}** right now. "
        "That's okay, and it isn't about you. 💛 You can ask someone else any time."
    )


def ended_dm(ender_id: int, guild_name: str, was_invited: bool) -> str:
    what = "invitation" if was_invited else "accountability partnership"
    return (
        f"<@{ender_id}> has ended your {what} in **{guild_name}**. That's okay: needs change, "
        "and nothing needs explaining. Thank you for being there. 💛"
    )


def struggle_dm(member_id: int, guild_name: str) -> str:
    return (
        f"<@{member_id}> had a hard check-in today in **{guild_name}**. A kind word from you "
        "might help, with no need to ask what happened. 💛\n-# You're seeing this because they "
        "chose to share it with you."
    )


def silence_dm(member_id: int, guild_name: str, days: int) -> str:
    return (
        f"<@{member_id}> hasn't checked in for {days} day{'s' if days > 1 else ''} in "
        f"**{guild_name}**. No pressure on anyone: a gentle hello might be welcome. 💛\n-# "
        "You're seeing this because they asked for it."
    )


def status_embed(
    sharing: list[tuple[Partnership, list[str]]],
    watching: list[tuple[Partnership, list[str]]],
    pending: list[Partnership],
) -> discord.Embed:
    embed = discord.Embed(title="Your accountability partners", colour=COLOUR)
    if sharing:
        lines = []
        for partnership, words in sharing:
            waiting = " (waiting for them to accept)" if partnership.status == "invited" else ""
            lines.append(f"<@{partnership.partner_id}>{waiting} sees: {', '.join(words)}")
        embed.add_field(name="You share with", value="\n".join(lines)[:1024], inline=False)
    for partnership, view in watching:
        embed.add_field(
            name="What your partner shares with you",
            value=f"<@{partnership.user_id}>\n{bullet(view)}"[:1024],
            inline=False,
        )
    if pending:
        embed.add_field(
            name="Invitations for you",
            value="\n".join(f"<@{p.user_id}> (see your DMs)" for p in pending)[:1024],
            inline=False,
        )
    if not (sharing or watching or pending):
        embed.description = (
            "You don't have an accountability partner here yet. `/partner invite` asks someone "
            "you trust; you choose exactly what they see."
        )
    else:
        embed.set_footer(text="Private notes are never shared. /partner end ends one, any time.")
    return embed


def partner_view(
    streak_days: int | None,
    counter: tuple[str, int] | None,
    partnership: Partnership,
) -> list[str]:
    """The partner's view of one member: only what that member chose."""
    lines = []
    if streak_days is not None:
        lines.append(
            f"Check-in streak: {streak_days} day{'s' if streak_days != 1 else ''} in a row"
            if streak_days
            else "Check-in streak: starting fresh"
        )
    if counter is not None:
        label, days = counter
        lines.append(f"{label}: {days} day{'s' if days != 1 else ''}")
    if partnership.sharing.struggles:
        lines.append("You'll hear when they have a hard check-in")
    if partnership.sharing.nudge_after_days:
        days = partnership.sharing.nudge_after_days
        lines.append(
            f"You'll get a nudge after {days} day{'s' if days > 1 else ''} without a check-in"
        )
    return lines or ["Nothing right now"]
