"""Meeting Guide import on messy feeds, the type table, and its loader."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.meeting_guide import (
    MAX_MEETINGS,
    NAME_LIMIT,
    NOTES_LIMIT,
    ParsedFeed,
    parse_feed,
    schedule_for,
)
from bot.domain.meeting_types import MeetingTypes
from bot.domain.recurrence import Repeat
from bot.meeting_data import load_meeting_types
from bot.reference_data import ReferenceDataError, shipped_file

DATA = Path(__file__).resolve().parent.parent / "data" / "meeting_guide"
TYPES = load_meeting_types()


def feed(name: str) -> Any:
    return json.loads((DATA / name).read_text("utf-8"))


def parse(data: Any, **options: Any) -> ParsedFeed:
    return parse_feed(data, default_zone="Europe/London", types=TYPES, **options)


def reasons(parsed: ParsedFeed) -> Counter[str]:
    return Counter(skip.reason for skip in parsed.skipped)


def by_slug(parsed: ParsedFeed) -> dict[str, Any]:
    return {meeting.slug: meeting for meeting in parsed.meetings}


def test_intergroup_feed_counts_and_reasons() -> None:
    data = feed("intergroup.json")
    parsed = parse(data)
    assert len(parsed.meetings) + len(parsed.skipped) == len(data) == 19
    assert [m.slug for m in parsed.meetings] == [
        "sunday-serenity-14",
        "1042",
        "lunch-bunch",
        "hybrid-step-study",
        "moved-online",
        "night-owls",
        "typo-end",
    ]
    assert reasons(parsed) == {
        "in-person only": 1,
        "appointment only (no day or time)": 1,
        "no meeting day": 1,
        "time missing or not HH:MM": 1,
        "duplicate slug": 1,
        "location temporarily closed and no online link or phone": 1,
        "no online link, phone or address": 1,
        "not a meeting object": 2,
        "no name": 1,
        "no slug": 1,
        "day isn't 0 (Sunday) to 6 (Saturday)": 1,
    }
    skipped = {(s.slug, s.reason) for s in parsed.skipped}
    assert ("downtown-big-book", "in-person only") in skipped
    assert ("sunday-serenity-14", "duplicate slug") in skipped


def test_intergroup_feed_fields() -> None:
    meetings = by_slug(parse(feed("intergroup.json")))
    serenity = meetings["sunday-serenity-14"]
    assert serenity.name == "Sunday Serenity & Solutions"  # HTML entity decoded
    assert serenity.weekdays == (6,)  # Meeting Guide day 0 is Sunday
    assert serenity.start_time == time(18)
    assert serenity.duration == timedelta(minutes=90)
    assert serenity.zone == "America/Chicago"
    assert serenity.types == ("O", "D")
    assert serenity.unknown_types == ("ONL", "XYZ")
    assert serenity.notes == "Newcomers welcome.\n\nCameras optional."
    assert serenity.online and not serenity.in_person and serenity.location is None

    early = meetings["1042"]  # numeric slug, string day, comma-string types, empty strings
    assert early.weekdays == (0,) and early.start_time == time(7)
    assert early.zone == "Europe/London"  # "" timezone → the default
    assert early.types == ("O", "BE", "12x12")  # matched case-insensitively, table spelling
    assert early.conference_url is None
    assert early.conference_phone == "+1 646 558 8656,,5551234567#"
    assert early.notes is None and early.duration == timedelta(hours=1)

    lunch = meetings["lunch-bunch"]  # one meeting with several days, seconds in the time
    assert lunch.weekdays == (0, 2, 4) and lunch.start_time == time(12)
    assert lunch.zone == "America/New_York"  # lower-case name normalised

    hybrid = meetings["hybrid-step-study"]
    assert hybrid.weekdays == (1, 3) and hybrid.online and hybrid.in_person
    assert hybrid.location == "St. Mark's Church Hall, 45 Elm Street, Springfield, MA 01101, US"
    assert hybrid.unknown_types == ("HY",)

    moved = meetings["moved-online"]  # temporarily closed building, meeting online
    assert moved.online and not moved.in_person and moved.location is None
    assert "TC" in moved.types

    owls = meetings["night-owls"]
    assert owls.duration == timedelta(minutes=105)  # 23:30 → 01:15 wraps past midnight
    assert owls.zone == "US/Eastern"  # legacy alias, still the right clock

    typo = meetings["typo-end"]
    assert typo.duration == timedelta(hours=1)  # 19:00 → 18:59 is a typo, not 23h59
    assert typo.zone == "Europe/London"  # unknown zone name → the default


def test_in_person_meetings_on_request() -> None:
    parsed = parse(feed("intergroup.json"), include_in_person=True)
    meetings = by_slug(parsed)
    assert len(parsed.meetings) == 8
    downtown = meetings["downtown-big-book"]
    assert downtown.in_person and not downtown.online
    assert downtown.location == "Alano Club, 123 Main St, Anytown, CA 98765, USA"
    # Appointment-only and closed meetings stay skipped even when in-person ones are wanted.
    still = reasons(parsed)
    assert still["appointment only (no day or time)"] == 1
    assert still["location temporarily closed and no online link or phone"] == 1
    assert "in-person only" not in still


def test_reimport_matches_by_slug() -> None:
    before = by_slug(parse(feed("intergroup.json")))
    after_parsed = parse(feed("intergroup_updated.json"))
    after = by_slug(after_parsed)
    # The numeric slug 1042 and the string "1042" are the same meeting.
    updated = sorted(after.keys() & before.keys())
    new = sorted(after.keys() - before.keys())
    gone = sorted(before.keys() - after.keys())
    assert updated == ["1042", "hybrid-step-study", "moved-online", "sunday-serenity-14"]
    assert new == ["2001", "new-newcomers"]
    assert gone == ["lunch-bunch", "night-owls", "typo-end"]
    assert after["sunday-serenity-14"].start_time == time(18, 30)
    assert after["1042"].weekdays == (0, 1)
    assert after["2001"].weekdays == (6,) and after["2001"].start_time == time(20)
    assert [s.reason for s in after_parsed.skipped] == ["in-person only"]


def test_spreadsheet_export_feed() -> None:
    parsed = parse(feed("sheet_export.json"))
    meetings = by_slug(parsed)
    assert sorted(meetings) == ["17", "s-3", "s-7", "s-8", "s-9"]
    assert reasons(parsed) == {
        "no online link, phone or address": 1,
        "day isn't 0 (Sunday) to 6 (Saturday)": 1,
        "appointment only (no day or time)": 1,
        "no slug": 1,
        "time missing or not HH:MM": 1,
    }
    simple = meetings["17"]  # float slug, day name, 12-hour times, lower-case codes
    assert simple.name == "Keep It Simple"
    assert simple.weekdays == (0,)
    assert (simple.start_time, simple.duration) == (time(18, 30), timedelta(hours=1))
    assert simple.types == ("O", "D", "12x12")
    assert simple.conference_url == "http://example.org/keep-it-simple"
    assert simple.zone == "Australia/Sydney"
    assert simple.notes is not None and len(simple.notes) == NOTES_LIMIT
    assert simple.notes.endswith("…")
    assert len(meetings["s-3"].name) == NAME_LIMIT
    assert meetings["s-7"].types == ("11", "SP")  # a numeric code in the list
    phone_only = meetings["s-8"]
    assert phone_only.conference_url is None  # ftp:// is not a meeting link
    assert phone_only.conference_phone == "442079460000"
    assert meetings["s-9"].name == "It’s a Wonderful Life"
    assert meetings["s-9"].zone == "Asia/Kolkata"


def test_feed_that_is_not_a_list() -> None:
    with pytest.raises(ValueError, match="the feed isn't a list of meetings"):
        parse(feed("wrapped_object.json"))
    with pytest.raises(ValueError, match="isn't a list"):
        parse("[]")


def test_huge_feed_is_cut_at_the_limit() -> None:
    item = {"name": "M", "day": 1, "time": "10:00", "conference_url": "https://zoom.us/j/1"}
    data = [{**item, "slug": n} for n in range(MAX_MEETINGS + 1_000)]
    parsed = parse(data)
    assert len(parsed.meetings) == MAX_MEETINGS
    assert reasons(parsed) == {"past the 5,000-meeting limit": 1_000}
    assert parsed.skipped[0].slug == str(MAX_MEETINGS)


def test_schedule_for_an_imported_meeting() -> None:
    lunch = by_slug(parse(feed("intergroup.json")))["lunch-bunch"]
    schedule = schedule_for(lunch, anchor=date(2025, 1, 1))
    assert schedule.weekdays == (0, 2, 4) and schedule.repeat is Repeat.WEEKLY
    assert schedule.zone == "America/New_York" and schedule.duration == timedelta(hours=1)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
_FIELDS = ["name", "slug", "day", "time", "end_time", "timezone", "types", "conference_url"]
_FIELDS += ["conference_phone", "notes", "location", "address", "formatted_address"]
_FIELDS += ["approximate", "city"]
_field_values = _json | st.sampled_from(["", "0", "6", "19:00", "7:00:00", "O,D", "TC", "ONL"])
_meetings = st.dictionaries(st.sampled_from(_FIELDS), _field_values, max_size=len(_FIELDS))


@settings(max_examples=300, deadline=None)
@given(st.lists(_meetings | _json, max_size=8), st.booleans())
def test_any_json_is_imported_or_skipped_never_crashes(data: list[Any], in_person: bool) -> None:
    parsed = parse(data, include_in_person=in_person)
    assert len(parsed.meetings) + len(parsed.skipped) == len(data)
    slugs = [m.slug for m in parsed.meetings]
    assert len(slugs) == len(set(slugs))
    for meeting in parsed.meetings:
        assert meeting.weekdays and all(0 <= d <= 6 for d in meeting.weekdays)
        assert meeting.online or (in_person and meeting.in_person)
        assert timedelta(0) < meeting.duration <= timedelta(hours=12)
        schedule_for(meeting, anchor=date(2025, 1, 1))  # always a valid Schedule


# ---- the type table ----------------------------------------------------------------------------


def test_type_table_lookups() -> None:
    assert len(TYPES) == 87
    assert TYPES.known("O") and TYPES.known("o") and TYPES.known("12X12")
    assert not TYPES.known("ONL") and not TYPES.known("")
    assert TYPES.describe(["O", "d", "NOPE", "BE", "O"]) == ["Open", "Discussion", "Newcomer"]
    assert TYPES.parse_codes("O, D,BE") == (("O", "D", "BE"), ())
    known, unknown = TYPES.parse_codes(" o d;be,,xyz, 12x12 XYZ")
    assert known == ("O", "D", "BE", "12x12") and unknown == ("xyz",)
    assert TYPES.parse_codes("") == ((), ())
    assert TYPES.name("BE", "es") == "Principiantes"
    assert TYPES.name("BE", "zz") == "Newcomer"
    assert TYPES.name("NOPE") is None


def test_small_table_from_a_mapping() -> None:
    table = MeetingTypes({"AL-AN": {"en": "Concurrent with Al-Anon"}, "x": {"en": "Lower"}})
    assert table.parse_codes("al-an,X") == (("AL-AN", "x"), ())
    assert table.codes() == ("AL-AN", "x")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "is missing"),
        ("{not json", "is not valid"),
        ('{"types": {"O": {"en": "Open"}}}', "is not valid: Field required"),
        ('{"source": "x", "types": {}}', "no meeting types"),
        ('{"source": "x", "types": {"O": {"es": "Abierta"}}}', "without an English name"),
        ('{"source": "x", "types": {"O D": {"en": "Open"}}}', "without spaces"),
        ('{"source": "x", "types": {"o": {"en": "a"}, "O": {"en": "b"}}}', "upper/lower"),
    ],
)
def test_loader_errors_name_the_file(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "meeting_types.json"
    if content is not None:
        path.write_text(content, "utf-8")
    with pytest.raises(ReferenceDataError, match=message) as caught:
        load_meeting_types(path)
    text = str(caught.value)
    assert str(path) in text and "\n" not in text


def test_shipped_table_matches_the_shared_copy() -> None:
    shipped = json.loads(shipped_file("meeting_types.json").read_text("utf-8"))
    assert "code4recovery/spec" in shipped["source"] and "MIT" in shipped["source"]
    assert set(shipped["types"]) == set(TYPES.codes())


@pytest.mark.parametrize(
    ("end_time", "minutes"), [("19:03", 60), ("19:05", 5), ("20:30", 90), ("18:59", 60)]
)
def test_implausible_end_times_get_the_default_length(end_time: str, minutes: int) -> None:
    entry = {"name": "Evening", "slug": "evening", "day": 1, "time": "19:00", "end_time": end_time}
    [meeting] = parse(
        [{**entry, "types": ["ONL"], "conference_url": "https://zoom.us/j/1"}]
    ).meetings
    assert meeting.duration == timedelta(minutes=minutes)
    schedule_for(meeting, anchor=date(2025, 1, 1))  # what the importer stores: valid
