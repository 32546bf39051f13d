"""Quoting input back: short, and unable to ping, format or flip the sentence around it."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.excerpts import EXCERPT_LENGTH, excerpt, quoted

HOSTILE_PIECES = st.sampled_from(
    [
        "<@123456789012345678>",
        "<@!1>",
        "<@&42>",
        "<#77>",
        "</report:1>",
        "<t:1700000000:F>",
        "@everyone",
        "@here",
        "**bold**",
        "__under__",
        "~~strike~~",
        "||spoiler||",
        "`code`",
        "```block```",
        "> quote",
        "# heading",
        "[link](https://x.example)",
        "\u200b",
        "\u200d",
        "\u202e",
        "\u2066",
        "\ufeff",
        "\x00",
        "\n",
        "\u2028",
        "“”",
        "'; DROP TABLE flags; --",
    ]
)


@given(st.lists(st.one_of(HOSTILE_PIECES, st.text(max_size=30)), max_size=40))
@settings(derandomize=True, max_examples=300)
def test_an_excerpt_is_short_plain_and_visible(parts: list[str]) -> None:
    text = excerpt("".join(parts))
    assert 1 <= len(text) <= EXCERPT_LENGTH
    assert not any(mark in text for mark in "*_~`|\\@<>#[]“”\n")
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn") for ch in text)
    assert text == text.strip()


def test_plain_words_are_kept_and_long_ones_cut_with_an_ellipsis() -> None:
    assert quoted("Europe/Londn") == "“Europe/Londn”"
    assert quoted("  two   words\n") == "“two words”"
    long = quoted("A" * 6000)
    assert long == "“" + "A" * (EXCERPT_LENGTH - 1) + "…”"


def test_mentions_markdown_and_direction_marks_are_removed() -> None:
    assert excerpt("<@123> hi **there** \u202eevil") == "hi there evil"
    assert excerpt("@everyone `now`") == "everyone now"
    assert excerpt("\u200b\u200b") == "…"


def test_a_short_limit_is_respected() -> None:
    assert excerpt("abcdefghijkl", limit=5) == "abcd…"
