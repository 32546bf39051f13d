"""Words for people who may be in crisis, following safe-messaging practice.

Warm, short and plain; says it is automated; no judgement, no risk verdicts, no method talk,
never "committed suicide"; the emergency number first; how to turn these messages off.
"""

from __future__ import annotations

import discord

from bot.domain.crisis import Category, GuildPhrases, Severity
from bot.helplines import Helpline
from bot.storage.crisis import GuildPhrase
from cogs.crisis.lines import LinesToShow


def guild_phrases(phrases: list[GuildPhrase]) -> GuildPhrases:
    extra = tuple(
        (p.phrase, Category(p.category), Severity(p.severity or 2))
        for p in phrases
        if p.kind == "flag" and p.category
    )
    allowed = tuple(p.phrase for p in phrases if p.kind == "allow")
    return GuildPhrases(extra=extra, allowed=allowed)


def helpline_line(line: Helpline) -> str:
    ways = []
    if line.phone:
        ways.append(f"call **{line.phone}**")
    if line.sms_number:
        keyword = f" {line.sms_keyword} to" if line.sms_keyword else ""
        ways.append(f"text{keyword} **{line.sms_number}**")
    if line.chat_url:
        ways.append(f"chat at <{line.chat_url}>")
    if not ways and line.website:
        ways.append(f"<{line.website}>")
    text = f"• **{line.name}**: {', '.join(ways)}"
    extras = [part for part in (line.hours, line.notes) if part]
    if extras:
        text += f" ({'; '.join(extras)})"
    return text


def lines_block(lines: LinesToShow, *, limit: int = 8) -> str:
    parts = []
    if lines.country is not None:
        parts.append(f"If you're in immediate danger, call **{lines.country.emergency}** now.")
        parts += [helpline_line(line) for line in lines.ordered[:limit]]
    parts += [
        f"• **{local.name}**: {local.contact}" + (f" ({local.notes})" if local.notes else "")
        for local in lines.local[:5]
    ]
    if lines.country is None:
        parts.append(
            "If you're in immediate danger, please call your local emergency number now.\n"
            f"• **{lines.fallback.name}**: <{lines.fallback.website}> {lines.fallback.text}"
        )
    return "\n".join(parts)


def private_reply(guild_name: str, lines: LinesToShow, moderators_told: bool) -> str:
    told = (
        f"The moderators of **{guild_name}** have been let know, so a person can reach out too.\n"
        if moderators_told
        else ""
    )
    text = (
        f"Hi, this is an automated message from Hearth, the bot in **{guild_name}**. Something "
        "you wrote made us want to check in. You're not alone, and you don't have to carry this "
        "by yourself. People are ready to listen right now:\n\n"
        f"{lines_block(lines)}\n\n{told}"
        "-# Would you rather not get these messages? `/profile crisis-replies off` turns them "
        "off. `/helpline` shows these lines any time."
    )
    return text[:1990]


def channel_reply(member: discord.abc.User) -> str:
    return (
        f"{member.mention} 💛 you're not alone. If you'd like to talk to someone, `/helpline` "
        "shows people you can call, text or chat with, any time."
    )


def helpline_reply(lines: LinesToShow) -> str:
    if lines.country is not None:
        head = f"**Support lines for {lines.country_name or lines.country_code}**"
    else:
        head = "**Support lines**"
    tail = "\n-# Wrong country? Use `/helpline country:` or set yours with `/profile country`."
    return f"{head}\n{lines_block(lines, limit=12)}{tail}"[:1990]
