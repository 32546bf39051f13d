"""The helpline directory: bot/data/helplines.json, validated at start, looked up by country.

A wrong number is a real harm, so the file is strict: every line says where its data comes from
(`source`, an https page of the service itself) and when a person last checked it there
(`last_verified`, never in the future); phone numbers contain only digits, spaces, dashes and a
leading plus; every line offers at least one way to reach it. A broken file stops start-up with one
line naming the file and the place: "bot/data/helplines.json: US → lines[2] → phone: ...".
"""

from __future__ import annotations

import json
import re
from datetime import date
from enum import StrEnum
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.clock import SystemClock
from bot.reference_data import ReferenceDataError, display_name, shipped_file

_PHONE = re.compile(r"\+?[0-9][0-9 \-]*[0-9]|[0-9]")
_HTTPS = re.compile(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?:[/?#][^\s]*)?")


def _phone(value: str) -> str:
    if not _PHONE.fullmatch(value):
        raise ValueError(f"{value!r} is not a phone number (digits, spaces, dashes, leading +)")
    return value


def _https(value: str) -> str:
    if not _HTTPS.fullmatch(value):
        raise ValueError(f"{value!r} is not an https:// URL")
    return value


Phone = Annotated[str, AfterValidator(_phone)]
HttpsUrl = Annotated[str, AfterValidator(_https)]


class LineKind(StrEnum):
    CRISIS = "crisis"
    SUICIDE = "suicide"
    SUBSTANCE_USE_REFERRAL = "substance-use referral"
    SUBSTANCE_USE = "substance use"
    OVERDOSE = "overdose"
    POISON = "poison"
    DOMESTIC_VIOLENCE = "domestic violence"
    YOUTH = "youth"
    LGBTQ = "lgbtq"
    VETERANS = "veterans"
    INDIGENOUS = "indigenous"
    MENTAL_HEALTH = "mental health"


# Shown first: the lines for someone who may be thinking of suicide right now.
FIRST_KINDS = frozenset({LineKind.CRISIS, LineKind.SUICIDE})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Helpline(_Strict):
    name: str = Field(min_length=1)
    kind: LineKind
    phone: Phone | None = None
    # Further numbers for the same service ("0800 111 0 222" next to "0800 111 0 111").
    other_phones: tuple[Phone, ...] = ()
    sms_number: Phone | None = None
    sms_keyword: str | None = None  # "text HOME to 741741": keyword HOME, number 741741
    chat_url: HttpsUrl | None = None
    website: HttpsUrl | None = None
    hours: str | None = None
    languages: tuple[str, ...] = ()
    notes: str | None = None
    source: HttpsUrl
    last_verified: date

    @field_validator("last_verified")
    @classmethod
    def _not_in_future(cls, value: date, info: ValidationInfo) -> date:
        today = (info.context or {}).get("today") or SystemClock().now().date()
        if value > today:
            raise ValueError(f"{value} is in the future")
        return value

    @model_validator(mode="after")
    def _reachable(self) -> Self:
        if not (self.phone or self.sms_number or self.chat_url or self.website):
            raise ValueError("a line needs at least one of phone, sms_number, chat_url, website")
        if self.sms_keyword and not self.sms_number:
            raise ValueError("sms_keyword without sms_number")
        return self


class CountryHelplines(_Strict):
    emergency: Phone
    emergency_notes: str | None = None
    lines: tuple[Helpline, ...] = Field(min_length=1)


class FallbackEntry(_Strict):
    name: str = Field(min_length=1)
    website: HttpsUrl
    text: str = Field(min_length=1)


class _HelplinesFile(_Strict):
    about: str = ""
    countries: dict[str, CountryHelplines]
    fallback: FallbackEntry

    @field_validator("countries")
    @classmethod
    def _alpha2(cls, value: dict[str, CountryHelplines]) -> dict[str, CountryHelplines]:
        bad = [code for code in value if not re.fullmatch(r"[A-Z]{2}", code)]
        if bad:
            raise ValueError(f"country codes must be ISO 3166-1 alpha-2 in capitals: {bad[:5]}")
        return value


class HelplineDirectory:
    def __init__(self, countries: dict[str, CountryHelplines], fallback: FallbackEntry) -> None:
        self._countries = dict(countries)
        self._fallback = fallback

    def for_country(self, code: str | None) -> CountryHelplines | None:
        if not code:
            return None
        return self._countries.get(code.strip().upper())

    def fallback(self) -> FallbackEntry:
        return self._fallback

    def countries(self) -> list[str]:
        return sorted(self._countries)

    def ordered_lines(self, code: str | None) -> list[Helpline]:
        """Crisis and suicide lines first, then the rest, each group in file order."""
        country = self.for_country(code)
        if country is None:
            return []
        first = [line for line in country.lines if line.kind in FIRST_KINDS]
        return first + [line for line in country.lines if line.kind not in FIRST_KINDS]


def _where(location: tuple[str | int, ...]) -> str:
    parts: list[str] = []
    for part in location[1:] if location[:1] == ("countries",) else location:
        if isinstance(part, int) and parts:
            parts[-1] += f"[{part}]"
        else:
            parts.append(str(part))
    return " → ".join(parts)


def load_helplines(
    path: Path | Traversable | None = None, *, today: date | None = None
) -> HelplineDirectory:
    """Read and validate the directory; ReferenceDataError (one line) when it is unusable."""
    path = path or shipped_file("helplines.json")
    name = display_name(path)
    try:
        raw = path.read_text("utf-8")
        parsed = _HelplinesFile.model_validate_json(raw, context={"today": today})
    except FileNotFoundError:
        raise ReferenceDataError(f"{name}: the file is missing") from None
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(f"{name}: not valid JSON: {exc}") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        if error["type"] == "json_invalid":
            raise ReferenceDataError(f"{name}: not valid JSON: {error['msg']}") from None
        where = _where(tuple(error["loc"]))
        message = error["msg"].removeprefix("Value error, ")
        detail = f"{where}: {message}" if where else message
        raise ReferenceDataError(f"{name}: {detail}") from None
    return HelplineDirectory(parsed.countries, parsed.fallback)
