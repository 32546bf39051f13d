"""What members and moderators read about check-ins. Warm, plain, never judging."""

from __future__ import annotations

from datetime import date

import discord

from bot.domain.checkins import CheckinSummary, Mood, mood_word
from bot.domain.streaks import Streaks
from bot.zones import MemberZone

COLOUR = discord.Colour(0x81B29A)
# Below this many check-ins an average would let a moderator guess one person's answer.
SUMMARY_MIN_FOR_AVERAGE = 3


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
) -> str:
    first = "Updated today's check-in." if updated else "Checked in for today."
    parts = [f"Mood {mood.emoji} {mood.label}"]
    if craving is not None:
        parts.append(f"craving {craving}/10")
    if has_note:
        parts.append("a private note (only you can see it)")
    lines = [
        f"**{first}** {', '.join(parts)} · {day:%A %-d %B}.",
        streak_phrase(streaks.current),
        mood_word(mood),
    ]
    if zone.source == "default":
        lines.append("-# Your day is counted in UTC. `/profile timezone` sets your own time zone.")
    return "\n".join(lines)


def support_offer(helpline_available: bool, *, can_ask_peers: bool = False) -> str:
    lines = ["💛 You don't have to carry today alone."]
    if can_ask_peers:
        lines.append("**Ask for support** below lets the moderators know, quietly.")
    if helpline_available:
        lines.append("`/helpline` shows people you can call, text or chat with, any time.")
    lines.append(
        "Reaching out to someone you trust, a sponsor or a peer here can help. "
        "If you might be in danger, please call your local emergency number."
    )
    return "\n".join(lines)


def reminders_off_notice() -> str:
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


def summary_embed(today: CheckinSummary, week: CheckinSummary, day: date) -> discord.Embed:
    embed = discord.Embed(
        title="Check-ins in this server",
        description="Totals only: no individual answers and no names.",
        colour=COLOUR,
    )
    for label, summary in ((f"Today ({day:%-d %b})", today), ("Last 7 days", week)):
        embed.add_field(name=label, value=_summary_text(summary), inline=False)
    return embed


def _summary_text(summary: CheckinSummary) -> str:
    text = f"{summary.count} check-in{'s' if summary.count != 1 else ''}"
    if summary.average_mood is not None and summary.count >= SUMMARY_MIN_FOR_AVERAGE:
        text += f", average mood {summary.average_mood:.1f} / 5"
    elif summary.count:
        text += f" (average shown from {SUMMARY_MIN_FOR_AVERAGE}, to keep answers private)"
    return text
