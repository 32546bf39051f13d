"""Which meetings Discord's scheduled events can show: at most 100 per server, shared with the
server's own events, so Hearth mirrors only the soonest meetings and says so."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

DISCORD_EVENT_LIMIT = 100  # uncompleted scheduled events per server (Discord's error 30038)
HEARTH_EVENT_MAX = 75  # Hearth never takes more, however few events the server has itself
KEEP_FREE = 10  # places always left for events people create after Hearth last looked
ALERT_TOPIC = "meeting-events"  # the server alert raised when Hearth can't create events


@dataclass(frozen=True)
class EventWindow:
    """How many events Hearth may use in a server, and the server's own it leaves room for."""

    budget: int
    others: int


def window_for(others: int) -> EventWindow:
    budget = max(0, min(HEARTH_EVENT_MAX, DISCORD_EVENT_LIMIT - KEEP_FREE - others))
    return EventWindow(budget=budget, others=others)


def soonest(targets: Iterable[tuple[int, datetime | None]], budget: int) -> list[int]:
    """The meetings (ids) whose shown occurrence comes first, at most `budget` of them; ties go
    to the older meeting so the choice is stable from one run to the next."""
    dated = sorted((start, meeting_id) for meeting_id, start in targets if start is not None)
    return [meeting_id for _, meeting_id in dated[:budget]]


def events_words(mirrored: int, active: int, window: EventWindow | None) -> str:
    """One plain sentence or two for /meetings list and /hearth status."""
    if active == 0:
        return "No meetings to show in the server's Events."
    if mirrored >= active:
        return f"All {active} meeting(s) are in the server's Events."
    rest = active - mirrored
    if window is None:
        return (
            f"{mirrored} of {active} meetings are in the server's Events so far; "
            "Hearth is still working out how many fit."
        )
    limit = (
        f"Discord allows {DISCORD_EVENT_LIMIT} Events per server, so Hearth lists only the "
        f"{window.budget} soonest meetings"
    )
    if window.budget == 0:
        limit = (
            f"Discord allows {DISCORD_EVENT_LIMIT} Events per server and the server's own "
            f"{window.others} leave no room for Hearth's"
        )
    elif window.others:
        limit += f" beside the server's own {window.others} and room for new ones"
    else:
        limit += " and keeps room for the server's own"
    return (
        f"{mirrored} of {active} meetings are in the server's Events (the soonest ones); "
        f"the other {rest} are not. {limit}. As meetings pass, the next ones move in."
    )
