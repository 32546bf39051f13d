"""Time zone and country lookups behind /hearth setup's validation and autocomplete."""

from __future__ import annotations

from bot.domain.timezones import canonical_timezone, search_timezones, selectable_timezones
from bot.reference_data import load_countries


def test_canonical_timezone() -> None:
    assert canonical_timezone("Europe/London") == "Europe/London"
    assert canonical_timezone("america/new york") == "America/New_York"
    assert canonical_timezone("UTC") == "UTC"
    for bad in ("", "Mars/Olympus", "localtime", "posixrules", "../etc/passwd", "Europe/"):
        assert canonical_timezone(bad) is None, bad


def test_search_ranks_city_matches_first_and_caps_at_25() -> None:
    assert search_timezones("london")[0] == "Europe/London"
    assert search_timezones("new york")[0] == "America/New_York"
    assert len(search_timezones("")) == 25
    assert len(search_timezones("a")) == 25
    assert search_timezones("zzzz") == []
    assert all("/" in zone or zone == "UTC" for zone in selectable_timezones())


def test_countries_directory() -> None:
    countries = load_countries()
    assert len(countries) >= 240
    assert countries.name_of("gb") == "United Kingdom"
    assert countries.canonical_code("us") == "US"
    assert countries.canonical_code("Ireland") == "IE"
    assert countries.canonical_code("Atlantis") is None
    assert countries.search("GB")[0] == ("GB", "United Kingdom")
    assert countries.search("austr")[:2] == [("AU", "Australia"), ("AT", "Austria")]
    assert len(countries.search("")) == 25
