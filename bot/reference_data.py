"""Shipped data files under config/: loaded and validated once at start."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError, field_validator

from bot.domain.countries import CountryDirectory

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
M = TypeVar("M", bound=BaseModel)


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


def read_model(path: Path, model: type[M]) -> M:
    """Read a shipped JSON file into its pydantic model; any problem is one ReferenceDataError
    line naming the file, so start-up stops with a message a person can act on."""
    try:
        return model.model_validate_json(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ReferenceDataError(f"{path} is missing") from None
    except (ValidationError, json.JSONDecodeError) as exc:
        first = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        raise ReferenceDataError(f"{path} is not valid: {' '.join(str(first).split())}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(f"{path} could not be read: {exc}") from None


def load_countries(path: Path | None = None) -> CountryDirectory:
    parsed = read_model(path or CONFIG_DIR / "countries.json", _CountriesFile)
    return CountryDirectory(parsed.countries)
