"""Reminder offsets typed by organizers: "1d,1h,15m" and friends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.reminder_offsets import (
    DEFAULT_OFFSETS,
    MAX_OFFSET,
    format_offset,
    offsets_spec,
    parse_offsets,
)

D, H, M = timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1d,1h,15m", (D, H, 15 * M)),
        ("15m,1d,1h", (D, H, 15 * M)),  # any order in, longest (earliest) first out
        ("1d 2h", (D, 2 * H)),  # a space between items separates them
        ("1d2h", (D + 2 * H,)),  # glued parts make one reminder
        ("90m", (90 * M,)),
        ("1 day, 2 hours", (D, 2 * H)),
        ("1 Day and 15 Minutes", (D, 15 * M)),
        ("  15 m ; 1 hr ", (H, 15 * M)),
        ("60m,1h", (H,)),  # the same moment twice counts once
        ("2w", (14 * D,)),
        ("1w", (7 * D,)),
        ("14d", (14 * D,)),
        ("1d,", (D,)),
        ("", ()),
        ("   ", ()),
        ("none", ()),
        ("None", ()),
        ("off", ()),
        ("1d,12h,1h,30m,5m", (D, 12 * H, H, 30 * M, 5 * M)),
    ],
)
def test_parse_accepts(text: str, expected: tuple[timedelta, ...]) -> None:
    assert parse_offsets(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0", "“0” isn't a reminder time.*none"),
        ("0m", "“0m” is zero"),
        ("15", "“15” needs a unit"),
        ("15x", "couldn't read “15x”"),
        ("1.5h", "couldn't read “1.5h”"),
        ("-1h", "couldn't read “-1h”"),
        ("1hh", "couldn't read “1hh”"),
        ("soon", "couldn't read “soon”"),
        ("1d,tomorrow", "couldn't read “tomorrow”"),
        ("15d", "“15d” is too early.*14 days"),
        ("3w", "“3w” is too early"),
        ("14d1m", "“14d1m” is too early"),
        ("1d,2d,3d,4d,5d,6d", "6 reminders; 5 is the most"),
    ],
)
def test_parse_refuses_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_offsets(text)


def test_defaults() -> None:
    assert DEFAULT_OFFSETS == (D, 15 * M)
    assert offsets_spec(DEFAULT_OFFSETS) == "1d,15m"
    assert parse_offsets(offsets_spec(DEFAULT_OFFSETS)) == DEFAULT_OFFSETS


@pytest.mark.parametrize(
    ("offset", "text"),
    [
        (D, "1 day"),
        (2 * H, "2 hours"),
        (15 * M, "15 minutes"),
        (D + 2 * H, "1 day 2 hours"),
        (H + M, "1 hour 1 minute"),
        (14 * D, "14 days"),
        (timedelta(0), "0 minutes"),
        (timedelta(seconds=30), "30 seconds"),
    ],
)
def test_format_offset(offset: timedelta, text: str) -> None:
    assert format_offset(offset) == text


def test_format_refuses_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        format_offset(-M)


def test_spec_of_nothing_is_none() -> None:
    assert offsets_spec(()) == "none"
    assert parse_offsets(offsets_spec(())) == ()
    assert offsets_spec([15 * M, D + 2 * H]) == "1d2h,15m"


@given(st.sets(st.integers(1, int(MAX_OFFSET / M)), max_size=5))
def test_spec_round_trips(minutes: set[int]) -> None:
    offsets = tuple(sorted((m * M for m in minutes), reverse=True))
    spec = offsets_spec(offsets)
    assert parse_offsets(spec) == offsets
    assert all(format_offset(o) for o in offsets)
