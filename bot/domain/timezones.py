"""IANA time zone names: validation and search for autocomplete."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# Names tzdata ships for backwards compatibility or as file plumbing; nobody should pick them.
_HIDDEN_PREFIXES = ("Etc/", "SystemV/", "US/", "posix", "right/")
_HIDDEN_NAMES = frozenset({"Factory", "localtime", "posixrules", "leap-seconds.list"})


@cache
def selectable_timezones() -> tuple[str, ...]:
    names = {
        name
        for name in available_timezones()
        if ("/" in name and not name.startswith(_HIDDEN_PREFIXES)) or name == "UTC"
    }
    return tuple(sorted(names))


def canonical_timezone(name: str) -> str | None:
    """The stored spelling of a valid zone name (case-insensitive), or None if there is none."""
    cleaned = name.strip().replace(" ", "_")
    if not cleaned:
        return None
    by_lower = {zone.lower(): zone for zone in available_timezones()}
    found = by_lower.get(cleaned.lower())
    if found is None or found in _HIDDEN_NAMES:
        return None
    try:
        ZoneInfo(found)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return found


def search_timezones(query: str, limit: int = 25) -> list[str]:
    """Zones whose name contains every word typed; names starting with the query come first."""
    words = query.strip().lower().replace(" ", "_").split("_") if query.strip() else []
    zones = selectable_timezones()
    if not words:
        return list(zones[:limit])
    needle = query.strip().lower().replace(" ", "_")
    matches = [z for z in zones if all(word in z.lower() for word in words)]
    matches.sort(
        key=lambda z: (
            not z.lower().split("/")[-1].startswith(needle),
            not z.lower().startswith(needle),
            z,
        )
    )
    return matches[:limit]
