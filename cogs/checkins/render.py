"""What members and moderators read about check-ins. Warm, plain, never judging."""

from __future__ import annotations

from datetime import date

import discord

from bot.domain.aggregates import MIN_MEMBERS, can_show
from bot.domain.checkins import CheckinSummary, Mood, mood_word
from bot.domain.streaks import Streaks
from bot.membership import LEFT_SERVER
from bot.zones import MemberZone

COLOUR = discord.Colour(0x81B29A)


def mood_choice_label(mood: Mood) -> str:
    return f"{mood.value} · {mood.emoji} {mood.label}"


def streak_phrase(days: int) -> str:
    if days <= 1:
        return "Day 1 of your check-in streak — every streak starts here."
    return f"{days} days in a row of checking in."


def saved_reply(
    *,
    mood: Mood,
    craving: int | None,
    has_note: bool,
    updated: bool,
    streaks: Streaks,
    day: date,
    zone: MemberZone,
    note_cleared: bool = False,
    kept_earlier: bool = False,
) -> str:
    first = "Updated today's check-in." if updated else "Checked in for today."
    parts = [f"Mood {mood.emoji} {mood.label}"]
    if craving is not None:
        parts.append(f"craving {craving}/10")
    if has_note:
        parts.append("a private note (only you can see it)")
    lines = [f"**{first}** {', '.join(parts)} · {day:%A %-d %B}."]
    if note_cleared:
        lines.append("Your private note for today is removed.")
    if kept_earlier:
        lines.append("-# What you didn't give this time is kept from earlier today.")
    lines += [streak_phrase(streaks.current), mood_word(mood)]
    if zone.source == "default":
        lines.append("-# Your day is counted in UTC. `/profile timezone` sets your own time zone.")
    return "\n".join(lines)


def support_offer(
    helpline_available: bool, *, can_ask_peers: bool = False, peer_supporters: bool = False
) -> str:
    lines = ["💛 You don't have to carry today alone."]
    if can_ask_peers and peer_supporters:
        lines.append("**Ask for support** below asks a peer supporter to talk with you, privately.")
    elif can_ask_peers:
        lines.append("**Ask for support** below lets the moderators know, quietly.")
    if helpline_available:
        lines.append("`/helpline` shows people you can call, text or chat with, any time.")
    lines.append(
        "Reaching out to someone you trust, a sponsor or a peer here can help. "
        "If you might be in danger, please call your local emergency number."
    )
    return "\n".join(lines)


def reminders_off_notice(reason: str) -> str:
    if reason == LEFT_SERVER:
        return (
            "🔕 Your check-in reminders here were switched off while you were away from this "
            "server. Welcome back! `/checkins remind` turns them on again if you'd like them."
        )
    return (
        "🔕 I couldn't send your check-in reminder because your direct messages are closed, so "
        "I've switched reminders off. To get them again, allow direct messages from this server "
        "(Privacy Settings) and run `/checkins remind`."
    )


def sharing_line(channel: discord.TextChannel | None) -> str:
    if channel is None:
        return (
            "I couldn't share it because this server has no check-in channel yet; your "
            "check-in is saved privately."
        )
    return f"Sharing your mood in {channel.mention} (your note stays private)."


def share_failed(channel: discord.TextChannel) -> str:
    return (
        f"I couldn't post your mood in {channel.mention} (Hearth may be missing permissions "
        "there). Your check-in is saved privately."
    )


def shared_card(member: discord.abc.User, mood: Mood, craving: int | None) -> discord.Embed:
    text = f"{mood.emoji} **{mood.label}**"
    if craving is not None:
        text += f" · craving {craving}/10"
    embed = discord.Embed(description=f"{member.mention} checked in: {text}", colour=COLOUR)
    return embed


def prompt_embed(day: date) -> discord.Embed:
    return discord.Embed(
        title=f"Daily check-in · {day:%A %-d %B}",
        description=(
            "How is today going? Press **Check in** to log your mood, and cravings if you like. "
            "Your answers are private: only you can see them, and nothing is posted unless you "
            "choose to share."
        ),
        colour=COLOUR,
    )


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def history_title(days: int) -> str:
    return "Your check-ins: today" if days == 1 else f"Your check-ins: last {days} days"


def history_embed(
    *,
    days: int,
    first: date,
    last: date,
    checked_in: int,
    streaks: Streaks,
    average_mood: float | None,
) -> discord.Embed:
    embed = discord.Embed(
        title=history_title(days),
        description=f"{first:%-d %b %Y} – {last:%-d %b %Y}. Only you can see this.",
        colour=COLOUR,
    )
    embed.add_field(name="Check-ins", value=f"{checked_in} of {days} days")
    embed.add_field(name="Current streak", value=_days(streaks.current))
    embed.add_field(name="Longest streak", value=_days(streaks.longest))
    if average_mood is not None:
        embed.add_field(name="Average mood", value=f"{average_mood:.1f} / 5")
    embed.set_image(url="attachment://checkins.png")
    return embed


def summary_embed(days: list[date], figures: dict[date, CheckinSummary]) -> discord.Embed:
    """One line per closed day, newest first; a day with fewer than MIN_MEMBERS members shows
    nothing at all, not even its count."""
    embed = discord.Embed(title="Check-ins in this server", colour=COLOUR)
    showable = {day: s for day, s in figures.items() if day in days and can_show(s)}
    if not showable:
        embed.description = (
            "Not enough check-ins to show yet. 🌱 Figures for a day appear once it's over "
            f"and at least {MIN_MEMBERS} members checked in that day, so nobody's answers can "
            "be picked out."
        )
        return embed
    embed.description = (
        f"Per day, once the day is over everywhere, and only for days when at least "
        f"{MIN_MEMBERS} members checked in. No names and no individual answers."
    )
    lines = [
        f"**{day:%a %-d %b}**: "
        + (_summary_text(showable[day]) if day in showable else "too few to show")
        for day in days
    ]
    embed.add_field(name=f"Last {len(days)} days", value="\n".join(lines), inline=False)
    return embed


def _summary_text(summary: CheckinSummary) -> str:
    text = f"{summary.members} members checked in"
    if summary.average_mood is not None:
        text += f", average mood {summary.average_mood:.1f} / 5"
    return text
