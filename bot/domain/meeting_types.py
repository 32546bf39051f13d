"""Meeting Guide type codes ("O", "D", "BE" …) and their names, from the shipped table."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_SEPARATORS = re.compile(r"[\s,;]+")
# A feed can send any junk as a type; keep what we hold on to small.
_MAX_CODE_LENGTH = 20
_MAX_CODES = 40


class MeetingTypes:
    """Codes are matched case-insensitively and always handed back in the table's spelling."""

    def __init__(self, names_by_code: Mapping[str, Mapping[str, str]]) -> None:
        self._names = {code: dict(names) for code, names in names_by_code.items()}
        self._canonical = {code.casefold(): code for code in self._names}

    def __len__(self) -> int:
        return len(self._names)

    def codes(self) -> tuple[str, ...]:
        return tuple(sorted(self._names))

    def canonical(self, code: str) -> str | None:
        """The table's spelling of `code` ("12X12" → "12x12"), or None when unknown."""
        return self._canonical.get(code.strip().casefold())

    def known(self, code: str) -> bool:
        return self.canonical(code) is not None

    def name(self, code: str, lang: str = "en") -> str | None:
        """The name in `lang`, falling back to English; None for an unknown code."""
        canonical = self.canonical(code)
        if canonical is None:
            return None
        names = self._names[canonical]
        return names.get(lang) or names.get("en") or canonical

    def describe(self, codes: Iterable[str]) -> list[str]:
        """English names of the known codes, in the order given; unknown codes are left out."""
        known, _ = self.classify(codes)
        return [self.name(code) or code for code in known]

    def classify(self, codes: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Split codes into (known, unknown), each without repeats and in first-seen order."""
        known: dict[str, None] = {}
        unknown: dict[str, str] = {}  # folded → first spelling seen, so "xyz" and "XYZ" are one
        for raw in codes:
            code = raw.strip()[:_MAX_CODE_LENGTH]
            if not code:
                continue
            canonical = self.canonical(code)
            if canonical is not None:
                known[canonical] = None
            elif len(unknown) < _MAX_CODES:
                unknown.setdefault(code.casefold(), code)
        return tuple(known), tuple(unknown.values())

    def parse_codes(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """ "O, D,BE" → (("O", "D", "BE"), ()); codes may be split by commas or spaces."""
        return self.classify(_SEPARATORS.split(text))
