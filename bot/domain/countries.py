"""ISO 3166-1 alpha-2 countries: lookup and search for autocomplete."""

from __future__ import annotations

from collections.abc import Mapping


class CountryDirectory:
    def __init__(self, names_by_code: Mapping[str, str]) -> None:
        self._names = {code.upper(): name for code, name in names_by_code.items()}
        self._sorted = sorted(self._names.items(), key=lambda item: item[1])

    def __len__(self) -> int:
        return len(self._names)

    def name_of(self, code: str) -> str | None:
        return self._names.get(code.strip().upper())

    def canonical_code(self, text: str) -> str | None:
        """Accept a code ("gb") or an exact country name ("United Kingdom")."""
        cleaned = text.strip()
        if cleaned.upper() in self._names:
            return cleaned.upper()
        for code, name in self._names.items():
            if name.casefold() == cleaned.casefold():
                return code
        return None

    def search(self, query: str, limit: int = 25) -> list[tuple[str, str]]:
        """(code, name) pairs: exact code first, then names starting with the query, then others."""
        needle = query.strip().casefold()
        if not needle:
            return self._sorted[:limit]
        exact = [(c, n) for c, n in self._sorted if c.casefold() == needle]
        starts = [(c, n) for c, n in self._sorted if n.casefold().startswith(needle)]
        contains = [(c, n) for c, n in self._sorted if needle in n.casefold()]
        ordered: dict[str, str] = {}
        for code, name in exact + starts + contains:
            ordered.setdefault(code, name)
        return list(ordered.items())[:limit]
