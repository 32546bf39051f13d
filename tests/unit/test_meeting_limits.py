"""The Events budget, the soonest-first choice, and the digest's timing and splitting."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.meeting_digest import (
    gives_up_at,
    latest_due,
    next_due,
    parse_digest_time,
    split_messages,
)
from bot.domain.meeting_events import EventWindow, events_words, soonest, window_for

NY = "America/New_York"


def test_the_budget_leaves_room_for_the_servers_own_events() -> None:
    assert window_for(0) == EventWindow(budget=75, others=0)
    assert window_for(20) == EventWindow(budget=70, others=20)
    assert window_for(89) == EventWindow(budget=1, others=89)
    assert window_for(95).budget == 0
    for others in range(0, 120):
        assert window_for(others).budget + others <= 90 or window_for(others).budget == 0


def test_soonest_takes_the_earliest_and_breaks_ties_by_age() -> None:
    at = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    targets = [(3, at), (1, at), (2, at - timedelta(hours=1)), (4, None), (5, at + timedelta(1))]
    assert soonest(targets, 3) == [2, 1, 3]
    assert soonest(targets, 0) == []
    assert soonest(targets, 10) == [2, 1, 3, 5]


def test_events_words_say_how_many_and_why() -> None:
    assert events_words(0, 0, None) == "No meetings to show in the server's Events."
    assert events_words(4, 4, EventWindow(75, 0)) == "All 4 meeting(s) are in the server's Events."
    text = events_words(75, 600, EventWindow(75, 0))
    assert text.startswith("75 of 600 meetings are in the server's Events (the soonest ones)")
    assert "the other 525 are not" in text
    assert "only the 75 soonest meetings and keeps room for the server's own" in text
    assert "leave no room" in events_words(0, 10, EventWindow(0, 95))


def test_digest_time_follows_the_local_clock_across_dst() -> None:
    eight = time(8, 0)
    # Saturday 31 October 2026 is EDT (UTC-4); Sunday 1 November is EST (UTC-5).
    assert next_due(datetime(2026, 10, 31, 11, 0, tzinfo=UTC), NY, eight) == datetime(
        2026, 10, 31, 12, 0, tzinfo=UTC
    )
    assert next_due(datetime(2026, 10, 31, 12, 0, tzinfo=UTC), NY, eight) == datetime(
        2026, 11, 1, 13, 0, tzinfo=UTC
    )
    assert latest_due(datetime(2026, 11, 1, 12, 30, tzinfo=UTC), NY, eight) is None
    due = latest_due(datetime(2026, 11, 1, 13, 0, tzinfo=UTC), NY, eight)
    assert due is not None and due.day == date(2026, 11, 1)
    # Up to six hours late it is still posted; later, that day's is skipped.
    assert latest_due(datetime(2026, 11, 1, 18, 59, tzinfo=UTC), NY, eight) is not None
    assert latest_due(datetime(2026, 11, 1, 19, 0, tzinfo=UTC), NY, eight) is None
    # Just after midnight, yesterday's late digest is still found for a late time of day.
    late = latest_due(datetime(2026, 11, 2, 5, 30, tzinfo=UTC), NY, time(23, 0))
    assert late is not None and late.day == date(2026, 11, 1)


def test_a_digest_is_given_up_exactly_when_it_is_no_longer_due() -> None:
    eight = time(8, 0)
    limit = gives_up_at(date(2026, 11, 1), NY, eight)  # 08:00 EST is 13:00 UTC
    assert limit == datetime(2026, 11, 1, 19, 0, tzinfo=UTC)
    assert latest_due(limit - timedelta(microseconds=1), NY, eight) is not None
    assert latest_due(limit, NY, eight) is None
    assert gives_up_at(date(2026, 11, 1), NY, None) is None, "off: given up at once"


def test_digest_setting_reads_off_and_times() -> None:
    assert parse_digest_time("off") is None
    assert parse_digest_time("07:30") == time(7, 30)


@given(st.lists(st.text(min_size=1, max_size=300).map(lambda s: "• " + s), max_size=60))
def test_split_never_cuts_an_entry_and_keeps_them_all_in_order(entries: list[str]) -> None:
    messages = split_messages("Header", "Header (continued)", entries, limit=2000)
    assert all(len(m) <= 2000 for m in messages)
    assert messages[0].startswith("Header")
    rebuilt: list[str] = []
    for message in messages:
        rebuilt += message.split("\n")[1:]
    assert "\n".join(rebuilt) == "\n".join(entries)
