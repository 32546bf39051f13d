"""What members, peer supporters and moderators read about peer support. Warm and plain; a
member's reason appears only inside their private conversation, never on a card."""

from __future__ import annotations

from datetime import datetime, timedelta

import discord

from bot.domain.peer_hours import WeeklyHours
from bot.domain.peer_support import PeriodStats

COLOUR = discord.Colour(0xF2CC8F)
DONE_COLOUR = discord.Colour(0x95A5A6)
DANGER = (
    "If you might be in danger right now, please call your local emergency number; `/helpline` "
    "shows people you can talk to any time."
)


def stamp(moment: datetime, style: str = "R") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>"


def who(user_id: int, name: str | None) -> str:
    return f"**{discord.utils.escape_markdown(name)}** (<@{user_id}>)" if name else f"<@{user_id}>"


# ---------------------------------------------------------------- the member
def asked(wait_minutes: int) -> str:
    return (
        "Thank you for reaching out. 💛 I've let the peer supporters know, and someone will be "
        "with you soon: you'll be added to a private thread here, just the two of you. If nobody "
        f"is free within {wait_minutes} minutes, the moderators will be told so a person still "
        f"reaches you. {DANGER}"
    )


def already_asked(thread_id: int | None) -> str:
    if thread_id:
        return f"You're already in a conversation with a peer supporter: <#{thread_id}>. 💛"
    return (
        "You've already asked, and the peer supporters know: someone will be with you soon. 💛 "
        f"{DANGER}"
    )


def to_moderators_now(reached: bool) -> str:
    first = (
        "Thank you for reaching out. 💛 No peer supporter is free right now, so I've let the "
        "moderators know, and someone will be in touch."
        if reached
        else "Thank you for reaching out. 💛 I couldn't reach a peer supporter or the moderators "
        "just now, so please also message a moderator directly if you can."
    )
    return f"{first} {DANGER}"


def moderators_first() -> str:
    return (
        "Thank you for telling me. 💛 Because of what you wrote, I've let the moderators know "
        "first, so someone can reach you quickly, and I've sent you a private message with people "
        f"you can talk to right now. {DANGER}"
    )


def not_set_up(moderators: bool, reached: bool) -> str:
    if moderators:
        return to_moderators_now(reached)
    return (
        "Thank you for reaching out. 💛 This server hasn't set up support requests yet, so please "
        f"message a moderator or someone you trust directly. {DANGER}"
    )


def passed_on_dm(guild_name: str) -> str:
    return (
        f"No peer supporter in **{guild_name}** was free just now, so I've let the moderators know "
        f"you asked for support. Someone will be in touch. 💛 {DANGER}"
    )


# ---------------------------------------------------------------- the peer channel
def card(
    user_id: int, name: str | None, asked_at: datetime, wait_until: datetime, *, again: bool
) -> discord.Embed:
    first = (
        f"{who(user_id, name)} was handed back to the team and still would like to talk."
        if again
        else f"{who(user_id, name)} would like to talk with a peer supporter."
    )
    embed = discord.Embed(title="Someone would like to talk", colour=COLOUR)
    embed.description = (
        f"{first}\nAsked {stamp(asked_at)}. If nobody takes it by {stamp(wait_until, 't')}, "
        "the moderators will be asked."
    )
    embed.set_footer(text="Take it opens a private thread with them. Their words stay there.")
    return embed


def card_taken(user_id: int, name: str | None, supporter_id: int, at: datetime) -> discord.Embed:
    return discord.Embed(
        title="Someone would like to talk",
        colour=DONE_COLOUR,
        description=f"{who(user_id, name)} is with <@{supporter_id}> since {stamp(at)}. 💛",
    )


def card_to_moderators(user_id: int, name: str | None) -> discord.Embed:
    return discord.Embed(
        title="Someone would like to talk",
        colour=DONE_COLOUR,
        description=f"Nobody was free for {who(user_id, name)}, so the moderators have it now.",
    )


def on_duty_ping(user_ids: list[int]) -> str | None:
    return "On duty: " + " ".join(f"<@{u}>" for u in user_ids) if user_ids else None


# ---------------------------------------------------------------- the conversation
def thread_intro(member_id: int, supporter_id: int, reason: str | None, *, again: bool) -> str:
    if again:
        return (
            f"<@{supporter_id}> is here now to pick things up with <@{member_id}>. 💛 "
            "Take your time; the earlier messages are above."
        )
    lines = [
        f"<@{member_id}>, <@{supporter_id}> is a peer supporter and is here with you. 💛",
        "This thread is private: just the two of you (and the moderators, if you need them).",
    ]
    if reason:
        lines.append(f"What you wrote when you asked: “{reason}”")
    lines.append(
        "-# Peer supporters listen and share their own experience; they aren't counsellors. "
        "Either of you can close this conversation below, and `/helpline` is there any time."
    )
    return "\n".join(lines)


def handed_over(supporter_id: int, member_id: int) -> str:
    return (
        f"<@{supporter_id}> has handed this conversation back to the peer team, so someone with "
        f"more room can be here for you. <@{member_id}>, you're not forgotten: someone new will "
        "join this thread soon."
    )


def moderator_asked() -> str:
    return (
        "I've asked the moderators to join this conversation. They can open this thread; "
        "someone will be along. 💛"
    )


def closed(member_id: int) -> str:
    return (
        "This conversation is closed. Thank you both for being here. 💛 "
        f"<@{member_id}>, you can ask again any time with `/support`."
    )


# ---------------------------------------------------------------- the supporter
def debrief(guild_name: str) -> str:
    return (
        f"Thank you for being there for someone in **{guild_name}** today. 💛 Conversations like "
        "that can stay with you. How are you doing? Your answer stays between you and me: "
        "nobody else sees it, and Hearth keeps no record of it."
    )


DEBRIEF_ANSWERS = {
    "ok": "Glad to hear it. Thank you for what you gave today. 💛",
    "heavy": (
        "Thank you for saying so; it's okay for it to feel heavy. Talking it over with someone "
        "you trust can help (never the details that aren't yours to share). Rest counts as part "
        "of this work: `/peers duty off` any time. And `/helpline` is there for you too."
    ),
    "break": (
        "You're off duty now in **{guild}**. Rest well; `/peers duty on` when you're ready. 💛"
    ),
}


def hours_line(hours: WeeklyHours | None, zone: str) -> str:
    if hours is None:
        return "whenever you're on duty"
    return f"{hours.describe()} ({zone})"


# ---------------------------------------------------------------- moderators
def _duration(value: timedelta | None) -> str:
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def stats_embed(
    periods: list[PeriodStats], open_now: dict[int, int], on_duty: list[int]
) -> discord.Embed:
    embed = discord.Embed(title="Peer support", colour=COLOUR)
    for period in periods:
        embed.add_field(
            name=f"Last {period.days} days",
            value=(
                f"Requests: {period.requests} · taken by a peer: {period.taken} · "
                f"passed to moderators: {period.to_moderators}\n"
                f"Time to first response (median): {_duration(period.median_first_response)}\n"
                f"Handovers: {period.handovers} · moderators asked to join: "
                f"{period.moderators_involved}"
            ),
            inline=False,
        )
    people = sorted(set(open_now) | set(on_duty))
    lines = [
        f"<@{user}>: {open_now.get(user, 0)} open{' · on duty' if user in on_duty else ''}"
        for user in people
    ]
    embed.add_field(
        name="Open conversations per supporter",
        value="\n".join(lines)[:1024] if lines else "Nobody is on duty or in a conversation.",
        inline=False,
    )
    embed.set_footer(
        text="Counts and times only, never anyone's words. Supporters are listed in no "
        "particular order: this is for spotting who may need a break, not a leaderboard."
    )
    return embed
