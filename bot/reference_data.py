"""Shipped data files in the `bot.data` package: loaded and validated once at start."""

from __future__ import annotations

import json
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError, field_validator

from bot.domain.countries import CountryDirectory

DATA_PACKAGE = "bot.data"
M = TypeVar("M", bound=BaseModel)


def shipped_file(name: str) -> Traversable:
    """A data file of the installed package, wherever pip put it (editable or wheel)."""
    return files(DATA_PACKAGE) / name


def display_name(path: Path | Traversable) -> str:
    """How error lines name a file: shipped ones as bot/data/NAME, others as given."""
    shipped = files(DATA_PACKAGE)
    if isinstance(path, Path) and isinstance(shipped, Path):
        try:
            return f"bot/data/{path.resolve().relative_to(shipped.resolve())}"
        except ValueError:
            return str(path)
    return f"bot/data/{path.name}"


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


def read_model(path: Path | Traversable, model: type[M]) -> M:
    """Read a shipped JSON file into its pydantic model; any problem is one ReferenceDataError
    line naming the file, so start-up stops with a message a person can act on."""
    try:
        return model.model_validate_json(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ReferenceDataError(f"{display_name(path)} is missing") from None
    except (ValidationError, json.JSONDecodeError) as exc:
        first = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        detail = " ".join(str(first).split())
        raise ReferenceDataError(f"{display_name(path)} is not valid: {detail}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(f"{display_name(path)} could not be read: {exc}") from None


def load_countries(path: Path | None = None) -> CountryDirectory:
    parsed = read_model(path or shipped_file("countries.json"), _CountriesFile)
    return CountryDirectory(parsed.countries)
