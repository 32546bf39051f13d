"""Words for people who may be in crisis, following safe-messaging practice.

Warm, short and plain; says it is automated; no judgement, no risk verdicts, no method talk,
never "committed suicide"; the emergency number first; how to turn these messages off.
"""

from __future__ import annotations

from bot.helplines import Helpline
from bot.services.helpline_lookup import LinesToShow


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


DM_LIMIT = 1900
REPLY_LIMIT = 2000
DM_LINES = 4  # short: the few lines that matter most now, the rest are one /helpline away


def lines_block(lines: LinesToShow, *, limit: int = 8, someone_else: bool = False) -> str:
    who = "someone is" if someone_else else "you're"
    parts = []
    if lines.country is not None:
        parts.append(f"If {who} in immediate danger, call **{lines.country.emergency}** now.")
        parts += [helpline_line(line) for line in lines.ordered[:limit]]
    parts += [
        f"• **{local.name}**: {local.contact}" + (f" ({local.notes})" if local.notes else "")
        for local in lines.local[:3]
    ]
    if lines.country is None:
        parts.append(
            f"If {who} in immediate danger, please call your local emergency number now.\n"
            f"• **{lines.fallback.name}**: <{lines.fallback.website}> {lines.fallback.text}"
        )
    return "\n".join(parts)


def private_reply(
    guild_name: str, lines: LinesToShow, moderators_told: bool, *, someone_else: bool = False
) -> str:
    """The automated DM. Its opening and its opt-out line are always kept whole; only the list
    of lines is shortened to fit Discord's limit."""
    if someone_else:
        opening = (
            f"Hi, this is an automated message from Hearth, the bot in **{guild_name}**. It "
            "sounds like someone you care about may be in danger. You don't have to handle this "
            "alone. These people can help right now:"
        )
    else:
        opening = (
            f"Hi, this is an automated message from Hearth, the bot in **{guild_name}**. "
            "Something you wrote made us want to check in. You're not alone, and you don't have "
            "to carry this by yourself. People are ready to listen right now:"
        )
    told = (
        f"The moderators of **{guild_name}** have been told, so a person can reach out too.\n"
        if moderators_told
        else ""
    )
    closing = (
        "-# Would you rather not get these messages? `/profile crisis-replies off` turns "
        "them off. `/helpline` shows all the lines any time."
    )
    room = DM_LIMIT - len(opening) - len(told) - len(closing) - 6
    block = lines_block(lines, limit=DM_LINES, someone_else=someone_else)
    if len(block) > room:
        block = block[:room].rsplit("\n", 1)[0]
    return f"{opening}\n\n{block}\n\n{told}{closing}"


def channel_pointer() -> str:
    """For everyone in a channel, naming and answering no one: the member it follows must not
    be singled out."""
    return (
        "💛 A gentle reminder for everyone here: you don't have to carry hard things alone. "
        "`/helpline` privately shows people you can call, text or chat with, any time."
    )


def helpline_reply(lines: LinesToShow) -> str:
    if lines.country is not None:
        head = f"**Support lines for {lines.country_name or lines.country_code}**"
    else:
        head = "**Support lines**"
    tail = "\n-# Wrong country? Use `/helpline country:` or set yours with `/profile country`."
    block = lines_block(lines, limit=12)
    room = REPLY_LIMIT - len(head) - len(tail) - 1
    if len(block) > room:
        # Whole lines only: a number or an address cut in half is worse than one line fewer.
        block = block[:room].rsplit("\n", 1)[0]
    return f"{head}\n{block}{tail}"
