"""How instants travel to and from the database.

Repositories pass `to_db(moment)` as a parameter: an aware UTC datetime cut to milliseconds, so
both databases hold the same value. PostgreSQL stores it in a TIMESTAMPTZ column as it is; the
SQLite backend writes it as `as_text(moment)`, fixed-width ISO-8601 UTC text with a Z
("2026-11-22T18:43:59.123Z"), whose text order is time order, so comparisons in SQL work on
both. `from_db` reads either form back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def to_db(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("refusing to store a naive datetime: its zone is unknown")
    utc = moment.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


def as_text(moment: datetime) -> str:
    """The canonical text of an instant: what SQLite stores and what exports show."""
    if moment.tzinfo is None:
        raise ValueError("refusing to store a naive datetime: its zone is unknown")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def from_db(stored: str | datetime) -> datetime:
    if isinstance(stored, datetime):
        return stored.astimezone(UTC)
    return datetime.fromisoformat(stored.replace("Z", "+00:00")).astimezone(UTC)


def plain(value: Any) -> Any:
    """A column's value as the same plain type on both databases: instants as their text."""
    return as_text(value) if isinstance(value, datetime) else value


def plain_row(row: Any) -> dict[str, Any]:
    """A row as a dict of plain values, the same from either database (exports)."""
    # Rows of both drivers iterate over their values, so pair them with the names.
    return {key: plain(value) for key, value in zip(row.keys(), row, strict=True)}
