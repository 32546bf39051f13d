"""What members read about their counters and milestones: warm, plain, never shaming."""

from __future__ import annotations

from datetime import date

import discord

from bot.domain.counters import Announce, Counter, Period
from bot.domain.sobriety import Milestone, MilestonePlan, breakdown, days_sober

COLOUR = discord.Colour(0xF2CC8F)

ANNOUNCE_WORDS = {
    Announce.PUBLIC: "celebrated with a card in the server's celebrations channel",
    Announce.DM: "celebrated privately by direct message",
    Announce.OFF: "not announced anywhere",
}


def day_count(days: int) -> str:
    return f"{days} day{'s' if days != 1 else ''}"


def long_date(day: date) -> str:
    return f"{day:%A %-d %B %Y}"


def counter_summary(counter: Counter, today: date, plan: MilestonePlan) -> str:
    start = counter.current.start
    days = days_sober(start, today)
    lines = [
        f"**{counter.label}**: {day_count(days)} · {breakdown(start, today).words()}",
        f"Since {long_date(start)}.",
    ]
    upcoming = plan.next_after(start, today)
    if upcoming:
        when, milestone = upcoming
        wait = (when - today).days
        soon = "tomorrow" if wait == 1 else f"in {day_count(wait)}"
        lines.append(f"Next milestone: **{milestone.label}** on {long_date(when)} ({soon}).")
    lines.append(f"-# Milestones are {ANNOUNCE_WORDS[counter.announce]}.")
    return "\n".join(lines)


def reset_reply(ended: Period, restart: date) -> str:
    if ended.end is None:
        raise ValueError("a reset reply needs the period the reset ended")
    kept = ended.length_days(ended.end)
    lines = ["Thank you for being honest about this. That takes courage."]
    if kept:
        lines.append(
            f"Those {day_count(kept)} still count. They're part of your story, and they're kept in "
            "your history (`/sobriety history`)."
        )
    lines.append(f"Your counter starts again from {long_date(restart)}. One day at a time. 💛")
    return "\n".join(lines)


def history_text(counter: Counter, periods: list[Period], today: date) -> str:
    lines = [f"**{counter.label}**: your periods, oldest first. Only you can see this."]
    for period in periods:
        end = period.end
        span = f"{period.start:%-d %b %Y} – {f'{end:%-d %b %Y}' if end else 'today'}"
        line = f"• {span} · {day_count(period.length_days(today))}"
        if period.note:
            line += f" · “{period.note}”"
        lines.append(line)
    longest = max(periods, key=lambda p: p.length_days(today))
    lines.append(
        f"Longest: {day_count(longest.length_days(today))}. Every one of those days counts."
    )
    return "\n".join(lines)


def milestone_headline(milestone: Milestone) -> str:
    return milestone.label.upper()


def when_words(reached: date, today: date) -> str:
    """'today', or for a late celebration the day it really was."""
    return "today" if reached >= today else f"on {reached:%A %-d %B}"


def late_note(reached: date, today: date) -> str:
    if reached >= today:
        return ""
    return "\n-# Celebrated a little late: Hearth couldn't post it on the day."


def public_card(
    member_mention: str, milestone: Milestone, reached: date, today: date, congratulations: int
) -> discord.Embed:
    # The counter's name stays private: someone's "gambling" counter is theirs to share.
    embed = discord.Embed(
        title=f"🎉 {milestone.label}!",
        description=f"{member_mention} reached **{milestone.label}** "
        f"{when_words(reached, today)}. "
        "Congratulations, we're glad you're here." + late_note(reached, today),
        colour=COLOUR,
    )
    embed.set_image(url="attachment://milestone.png")
    embed.set_footer(text=congratulations_text(congratulations))
    return embed


def congratulations_text(count: int) -> str:
    if count == 0:
        return "Be the first to congratulate them 💐"
    return f"💐 {count} member{'s' if count != 1 else ''} congratulated"


def private_message(
    label: str,
    milestone: Milestone,
    reached: date,
    today: date,
    guild_name: str | None,
    fell_back: bool,
) -> str:
    where = f" from **{guild_name}**" if guild_name else ""
    text = (
        f"🎉 Congratulations{where}: {when_words(reached, today)} you reached "
        f"**{milestone.label}** on your {label} counter. "
        "That's worth celebrating. 💛" + late_note(reached, today)
    )
    if fell_back:
        text += (
            "\n-# You chose to celebrate publicly, but I couldn't post in the server, so it's here "
            "instead."
        )
    return text + "\n-# `/sobriety announce` changes how milestones are shared."
