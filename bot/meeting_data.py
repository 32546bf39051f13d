"""The shipped Meeting Guide type table (bot/data/meeting_types.json), checked at start."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, field_validator

from bot.domain.meeting_types import MeetingTypes
from bot.reference_data import read_model, shipped_file


class _MeetingTypesFile(BaseModel):
    source: str
    types: dict[str, dict[str, str]]

    @field_validator("types")
    @classmethod
    def _usable(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        if not value:
            raise ValueError("no meeting types")
        # Codes are typed by organizers as "O, D,BE", so a separator inside one could never match.
        bad = [code for code in value if not code or any(c in code for c in " ,;\t\n")]
        if bad:
            raise ValueError(f"codes must be non-empty without spaces or commas: {bad[:5]}")
        folded = [code.casefold() for code in value]
        if len(set(folded)) != len(folded):
            raise ValueError("two codes differ only in upper/lower case")
        unnamed = [code for code, names in value.items() if not names.get("en", "").strip()]
        if unnamed:
            raise ValueError(f"codes without an English name: {unnamed[:5]}")
        return value


def load_meeting_types(path: Path | None = None) -> MeetingTypes:
    parsed = read_model(path or shipped_file("meeting_types.json"), _MeetingTypesFile)
    return MeetingTypes(parsed.types)
