"""Pages are made of whole entries, in order, each page within Discord's message limit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.ui.pages import Listing, line_chunks, render_page, split_pages

entries = st.lists(st.text(min_size=1, max_size=400).filter(lambda s: "\n" not in s), max_size=80)


@given(entries, st.integers(min_value=1, max_value=30), st.text(max_size=300))
def test_every_entry_appears_once_whole_and_in_order(
    found: list[str], per_page: int, heading: str
) -> None:
    listing = Listing(found, heading=heading, closing="-# a closing line", per_page=per_page)
    pages = split_pages(listing)
    assert [entry for page in pages for entry in page] == found
    assert all(0 < len(page) <= per_page for page in pages)
    for number in range(1, len(pages) + 1):
        page = render_page(listing, number)
        assert len(page.text) <= 2000
        assert all(entry in page.text for entry in pages[number - 1])
        if len(pages) > 1:
            assert page.text.endswith(f"Page {number} of {len(pages)}")


def test_a_page_past_the_end_shows_the_last_and_an_empty_list_says_so() -> None:
    listing = Listing([f"entry {n}" for n in range(25)], per_page=10)
    last = render_page(listing, 9)
    assert (last.number, last.total) == (3, 3) and "entry 24" in last.text
    assert render_page(Listing([], empty="Nothing yet."), 1).text == "Nothing yet."


def test_long_entries_fill_pages_by_length_not_only_by_count() -> None:
    listing = Listing(["x" * 900 for _ in range(5)], per_page=10)
    pages = split_pages(listing)
    assert [len(page) for page in pages] == [2, 2, 1]


@given(st.lists(st.text(min_size=1, max_size=300).filter(lambda s: "\n" not in s), max_size=40))
def test_line_chunks_keep_every_line_whole_within_the_limit(lines: list[str]) -> None:
    chunks = line_chunks(lines, 1024)
    assert all(len(chunk) <= 1024 for chunk in chunks)
    assert [line for chunk in chunks for line in chunk.split("\n") if chunk] == lines
