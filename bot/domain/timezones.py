"""IANA time zone names: validation and search for autocomplete."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

# Names tzdata ships for backwards compatibility or as file plumbing; nobody should pick them.
_HIDDEN_PREFIXES = ("Etc/", "SystemV/", "US/", "posix", "right/")


@cache
def selectable_timezones() -> tuple[str, ...]:
    names = {
        name
        for name in available_timezones()
        if ("/" in name and not name.startswith(_HIDDEN_PREFIXES)) or name == "UTC"
    }
    return tuple(sorted(names))


@cache
def _by_lower_name() -> dict[str, str]:
    return {zone.lower(): zone for zone in selectable_timezones()}


def canonical_timezone(name: str) -> str | None:
    """The stored spelling of a selectable zone name (case-insensitive), or None.

    Legacy aliases are refused on purpose: "EST" has no DST and "Etc/GMT+5" means UTC-5.
    """
    cleaned = name.strip().replace(" ", "_")
    return _by_lower_name().get(cleaned.lower()) if cleaned else None


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
