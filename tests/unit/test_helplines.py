"""The shipped helpline directory: required lines, ordering, and one-line errors for bad files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.helplines import FIRST_KINDS, LineKind, load_helplines
from bot.reference_data import ReferenceDataError, shipped_file

SHIPPED = shipped_file("helplines.json")


def _by_name(code: str) -> dict[str, Any]:
    country = load_helplines().for_country(code)
    assert country is not None, code
    return {line.name: line for line in country.lines}


def test_the_shipped_file_loads_with_the_fallback() -> None:
    directory = load_helplines()
    assert {"US", "CA", "GB", "IE", "AU", "NZ"} <= set(directory.countries())
    assert directory.countries() == sorted(directory.countries())
    assert directory.fallback().website == "https://findahelpline.com/"
    assert directory.for_country("us") is directory.for_country(" US ")
    assert directory.for_country(None) is None
    assert directory.for_country("XX") is None
    assert directory.ordered_lines("XX") == []


def test_united_states_lines() -> None:
    us = load_helplines().for_country("US")
    assert us is not None and us.emergency == "911"
    lines = _by_name("US")
    lifeline = lines["988 Suicide & Crisis Lifeline"]
    assert (lifeline.phone, lifeline.sms_number) == ("988", "988")
    assert lifeline.chat_url and lifeline.chat_url.startswith("https://988lifeline.org/")
    assert "press 1" in lifeline.notes and "2 for Spanish" in lifeline.notes
    ctl = lines["Crisis Text Line"]
    assert (ctl.sms_keyword, ctl.sms_number) == ("HOME", "741741")
    samhsa = lines["SAMHSA National Helpline"]
    assert samhsa.phone == "1-800-662-4357"
    assert samhsa.kind is LineKind.SUBSTANCE_USE_REFERRAL
    assert "does not provide counselling" in samhsa.notes
    never_alone = lines["Never Use Alone"]
    assert (never_alone.phone, never_alone.kind) == ("1-800-484-3731", LineKind.OVERDOSE)


@pytest.mark.parametrize(
    ("code", "name", "phone", "sms"),
    [
        ("CA", "9-8-8: Suicide Crisis Helpline", "988", "988"),
        ("GB", "Samaritans", "116 123", None),
        ("IE", "Samaritans Ireland", "116 123", None),
        ("AU", "Lifeline", "13 11 14", "0477 13 11 14"),
        ("NZ", "1737 Need to talk?", "1737", "1737"),
    ],
)
def test_required_lines_elsewhere(code: str, name: str, phone: str, sms: str | None) -> None:
    line = _by_name(code)[name]
    assert (line.phone, line.sms_number) == (phone, sms)
    assert line.source.startswith("https://")


def test_emergency_numbers() -> None:
    directory = load_helplines()
    expected = {"US": "911", "CA": "911", "GB": "999", "IE": "112", "AU": "000", "NZ": "111"}
    for code, number in expected.items():
        country = directory.for_country(code)
        assert country is not None and country.emergency == number, code


def test_crisis_and_suicide_lines_come_first_everywhere() -> None:
    directory = load_helplines()
    for code in directory.countries():
        kinds = [line.kind in FIRST_KINDS for line in directory.ordered_lines(code)]
        assert kinds == sorted(kinds, reverse=True), code
        assert len(kinds) == len(directory.for_country(code).lines)  # type: ignore[union-attr]
    names = [line.name for line in directory.ordered_lines("GB")]
    assert names.index("PAPYRUS HOPELINE247") < names.index("NHS 111")  # suicide before the rest


def test_every_line_is_sourced_and_reachable() -> None:
    directory = load_helplines()
    for code in directory.countries():
        for line in directory.ordered_lines(code):
            assert line.source.startswith("https://"), (code, line.name)
            assert line.last_verified <= date(2026, 11, 22), (code, line.name)
            assert line.phone or line.sms_number or line.chat_url or line.website


# --- broken copies: each gives one line naming the file and the place -------------------------


def _broken(tmp_path: Path, change: Any) -> Path:
    data = json.loads(SHIPPED.read_text("utf-8"))
    change(data)
    path = tmp_path / "helplines.json"
    path.write_text(json.dumps(data), "utf-8")
    return path


def _error(path: Path, *, today: date | None = None) -> str:
    with pytest.raises(ReferenceDataError) as caught:
        load_helplines(path, today=today)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    return message


def _line(data: dict[str, Any], code: str, index: int) -> dict[str, Any]:
    return data["countries"][code]["lines"][index]


def test_bad_phone_names_the_line(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: _line(d, "US", 2).update(phone="1-800-HELP"))
    assert "US → lines[2] → phone" in _error(path)


def test_http_url_is_refused(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: _line(d, "GB", 0).update(source="http://samaritans.org"))
    assert "GB → lines[0] → source" in _error(path)


def test_lowercase_country_code_is_refused(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d["countries"].update(us=d["countries"].pop("US")))
    assert "alpha-2" in _error(path)


def test_future_verification_date_is_refused(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: _line(d, "AU", 0).update(last_verified="2026-11-23"))
    assert "AU → lines[0] → last_verified" in _error(path, today=date(2026, 11, 22))
    assert load_helplines(path, today=date(2026, 11, 23)).for_country("AU") is not None


def test_a_line_needs_a_way_to_reach_it(tmp_path: Path) -> None:
    def strip(data: dict[str, Any]) -> None:
        line = _line(data, "IE", 1)
        for key in ("phone", "sms_number", "sms_keyword", "chat_url", "website"):
            line.pop(key, None)

    assert "IE → lines[1]: a line needs at least one of" in _error(_broken(tmp_path, strip))


def test_unknown_kind_and_unknown_field_are_refused(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: _line(d, "CA", 0).update(kind="hotline"))
    assert "CA → lines[0] → kind" in _error(path)
    path = _broken(tmp_path, lambda d: _line(d, "CA", 0).update(fax="123"))
    assert "CA → lines[0] → fax" in _error(path)


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    assert "missing" in _error(tmp_path / "nope.json")
    bad = tmp_path / "helplines.json"
    bad.write_text('{"countries": {', "utf-8")
    assert "not valid JSON" in _error(bad)
    path = _broken(tmp_path, lambda d: d.pop("fallback"))
    assert "fallback: Field required" in _error(path)
