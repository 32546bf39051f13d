"""A flag's history as moderators read it in /modqueue show."""

from __future__ import annotations

from discord.utils import format_dt

from bot.domain.flags import Flag, FlagEvent


def history(flag: Flag, events: list[FlagEvent]) -> str:
    lines = [
        f"**Flag #{flag.id}**: {flag.category} · {flag.severity.name.lower()} · {flag.status.value}"
    ]
    for event in events:
        actor = f"<@{event.actor_id}>" if event.actor_id else "Hearth"
        detail = (
            f": {event.detail}"
            if event.detail
            and event.action in ("resolved", "dismissed", "escalated", "worsened", "renewed")
            else ""
        )
        lines.append(f"• {format_dt(event.at, 'f')} · {event.action} by {actor}{detail}")
    return "\n".join(lines)[:1990]
