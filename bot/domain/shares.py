"""Anonymous shares: how long one may be, and how often a member may share."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

TEXT_MAX_LENGTH = 1500
# Room to be heard, without one person's shares filling the channel.
SHARES_PER_WINDOW = 3
WINDOW = timedelta(hours=24)


def clean_share(text: str) -> str:
    """The text as posted; raises ValueError with a member-facing reason."""
    cleaned = text.strip()
    if not cleaned:
        raise ValueError("there's nothing to share yet: write a few words first")
    if len(cleaned) > TEXT_MAX_LENGTH:
        raise ValueError(
            f"a share can be at most {TEXT_MAX_LENGTH} characters (this one is {len(cleaned)})"
        )
    return cleaned


def next_share_at(recent: Iterable[datetime], now: datetime) -> datetime | None:
    """When the member may share again, or None if they may now."""
    within = sorted(at for at in recent if at > now - WINDOW)
    if len(within) < SHARES_PER_WINDOW:
        return None
    return within[-SHARES_PER_WINDOW] + WINDOW
