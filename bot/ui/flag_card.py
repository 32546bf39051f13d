"""The moderator-queue card and the words around it."""

from __future__ import annotations

import discord
from discord.utils import format_dt

from bot.domain.flags import Flag, FlagSeverity, FlagStatus

COLOURS = {
    FlagSeverity.HIGH: discord.Colour(0xC0392B),
    FlagSeverity.MEDIUM: discord.Colour(0xE67E22),
    FlagSeverity.LOW: discord.Colour(0xF1C40F),
}
CLOSED_COLOUR = discord.Colour(0x95A5A6)
SOURCES = {
    "detection": "automatic detection",
    "report": "member report",
    "support": "member asked for support",
}
EXCERPT_LIMIT = 300
REPORTERS_SHOWN = 10


def excerpt(text: str) -> str:
    # Behind a spoiler: it may be distressing. "||" inside would close the spoiler early.
    cut = text[:EXCERPT_LIMIT].replace("||", "|\u200b|")
    return f"||{cut}{'…' if len(text) > EXCERPT_LIMIT else ''}||"


def card_url(flag: Flag) -> str | None:
    if flag.card_channel_id and flag.card_message_id:
        return (
            f"https://discord.com/channels/{flag.guild_id}/{flag.card_channel_id}/"
            f"{flag.card_message_id}"
        )
    return None


def card_description(
    flag: Flag, *, jump_url: str | None, message_text: str | None, reason: str | None
) -> str:
    lines = []
    if flag.user_id:
        where = f" in <#{flag.channel_id}>" if flag.channel_id else ""
        lines.append(f"About <@{flag.user_id}>{where}")
    if jump_url:
        lines.append(f"[Jump to the message]({jump_url})")
    if message_text:
        lines.append(f"Message (may be distressing): {excerpt(message_text)}")
    if reason:
        lines.append(f"Reason given: {excerpt(reason)}")
    return "\n".join(lines) or "No details were given."


def status_line(flag: Flag) -> str:
    if flag.reopened:
        return (
            f"🔴 Open again: a more serious message came after <@{flag.claimed_by}> claimed it. "
            "Claim it again to show someone is on it."
        )
    if flag.status == FlagStatus.OPEN:
        return "🔴 Open: nobody has claimed it yet"
    if flag.status == FlagStatus.CLAIMED:
        return (
            f"🟡 Claimed by <@{flag.claimed_by}> {format_dt(flag.claimed_at, 'R')}"
            if flag.claimed_at
            else f"🟡 Claimed by <@{flag.claimed_by}>"
        )
    word = "Resolved" if flag.status == FlagStatus.RESOLVED else "Marked not a concern"
    when = f" {format_dt(flag.closed_at, 'R')}" if flag.closed_at else ""
    return f"🟢 {word} by <@{flag.closed_by}>{when}"


def card(flag: Flag, description: str, reporters: list[int]) -> discord.Embed:
    embed = discord.Embed(
        title=f"Flag #{flag.id}: {flag.category}",
        description=description,
        colour=COLOURS[flag.severity] if flag.is_active else CLOSED_COLOUR,
        timestamp=flag.created_at,
    )
    embed.add_field(name="Severity", value=flag.severity.name.lower())
    embed.add_field(name="Source", value=SOURCES.get(flag.source, flag.source))
    if flag.source == "report":
        # Ten mentions fit the field whole (ids are at most 20 digits); the rest are counted.
        who = ", ".join(f"<@{r}>" for r in reporters[:REPORTERS_SHOWN]) or "—"
        if len(reporters) > REPORTERS_SHOWN:
            who += f" and {len(reporters) - REPORTERS_SHOWN} more"
        embed.add_field(name=f"Reports ({flag.reports})", value=who)
    elif flag.source == "detection" and flag.reports > 1:
        embed.add_field(name="Messages noticed", value=f"{flag.reports} (the first is shown)")
    if flag.member_unreachable:
        embed.add_field(
            name="⚠️ Private message not delivered",
            value="Hearth couldn't send them its private message with helplines (their DMs are "
            "closed to Hearth). Please reach out to them another way.",
            inline=False,
        )
    embed.add_field(name="Status", value=status_line(flag), inline=False)
    if flag.escalation_step:
        embed.set_footer(text=f"Escalated {flag.escalation_step} time(s)")
    return embed


def reping(flag: Flag, role_id: int | None, card_url: str | None) -> str:
    who = f"<@&{role_id}> " if role_id else ""
    link = f" [Open the card]({card_url})" if card_url else ""
    return (
        f"⏰ {who}flag #{flag.id} ({flag.category}, {flag.severity.name.lower()}) has been "
        f"waiting {format_dt(flag.created_at, 'R')} with nobody on it.{link}"
    )


def oncall_dm(flag: Flag, guild_name: str, card_url: str | None) -> str:
    link = f"\n{card_url}" if card_url else ""
    return (
        f"⏰ You're on call in **{guild_name}**: flag #{flag.id} ({flag.category}, "
        f"{flag.severity.name.lower()}) is still unclaimed. Could you take a look?{link}"
    )


def owner_dm(
    flag: Flag, guild_name: str, card_url: str | None, *, nobody_on_call: bool = False
) -> str:
    link = f"\n{card_url}" if card_url else ""
    why = (
        "is still unclaimed and no moderator is on call (`/modqueue oncall`)"
        if nobody_on_call
        else "has gone unclaimed through every step"
    )
    return (
        f"⚠️ A {flag.severity.name.lower()}-severity flag in **{guild_name}** (#{flag.id}, "
        f"{flag.category}) {why}. Please make sure someone sees it.{link}"
    )


def worse_ping(flag: Flag, role_id: int | None, card_url: str | None, kind: str) -> str:
    """A new message in the queue (a mention reaches people; an edited card doesn't)."""
    who = f"<@&{role_id}> " if role_id else ""
    link = f" [Open the card]({card_url})" if card_url else ""
    if kind == "worse":
        what = (
            f"🚨 {who}flag #{flag.id} ({flag.category}) got more serious: it is now "
            f"**{flag.severity.name.lower()}**."
        )
    else:
        what = (
            f"🚨 {who}flag #{flag.id} ({flag.category}, {flag.severity.name.lower()}) has a new "
            "message and nobody has claimed it."
        )
    claimed = (
        f" <@{flag.claimed_by}> had claimed it and has been messaged; it's open until someone "
        "claims it again."
        if flag.reopened
        else ""
    )
    return f"{what}{claimed}{link}"


def claimer_dm(flag: Flag, guild_name: str, card_url: str | None) -> str:
    link = f"\n{card_url}" if card_url else ""
    return (
        f"🚨 In **{guild_name}**, flag #{flag.id} that you claimed ({flag.category}) has a more "
        f"serious new message: it is now **{flag.severity.name.lower()}**. It's open again so "
        f"others see it too; please claim it again on the card if you're still on it.{link}"
    )
