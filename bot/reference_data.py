"""Shipped data files under config/: loaded and validated once at start."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ValidationError, field_validator

from bot.domain.countries import CountryDirectory

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"


class ReferenceDataError(Exception):
    """A shipped data file is missing or malformed; the message names the file."""


class _CountriesFile(BaseModel):
    source: str
    countries: dict[str, str]

    @field_validator("countries")
    @classmethod
    def _alpha2(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [code for code in value if len(code) != 2 or not code.isalpha() or not code.isupper()]
        if bad:
            raise ValueError(f"not ISO 3166-1 alpha-2 codes: {bad[:5]}")
        return value


def load_countries(path: Path | None = None) -> CountryDirectory:
    path = path or CONFIG_DIR / "countries.json"
    try:
        parsed = _CountriesFile.model_validate_json(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ReferenceDataError(f"{path} is missing") from None
    except (ValidationError, json.JSONDecodeError) as exc:
        first = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        raise ReferenceDataError(f"{path} is not valid: {first}") from None
    return CountryDirectory(parsed.countries)
