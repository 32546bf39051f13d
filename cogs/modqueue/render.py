"""A flag's history as moderators read it in /modqueue show."""

from __future__ import annotations

from discord.utils import format_dt

from bot.domain.flags import Flag, FlagEvent


def history_heading(flag: Flag) -> str:
    return (
        f"**Flag #{flag.id}**: {flag.category} · {flag.severity.name.lower()} · {flag.status.value}"
    )


def history(events: list[FlagEvent]) -> list[str]:
    """One entry per event, oldest first."""
    lines = []
    for event in events:
        actor = f"<@{event.actor_id}>" if event.actor_id else "Hearth"
        detail = (
            f": {event.detail}"
            if event.detail
            and event.action in ("resolved", "dismissed", "escalated", "worsened", "renewed")
            else ""
        )
        lines.append(f"• {format_dt(event.at, 'f')} · {event.action} by {actor}{detail}")
    return lines
