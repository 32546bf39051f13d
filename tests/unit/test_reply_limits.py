"""Every reply fits Discord's limits, checked by the fake Discord's own validator."""

from __future__ import annotations

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ui.replies import CONTENT_LIMIT, SHORTENED, fit_content, fit_embed
from tests.fakediscord.errors import ApiError
from tests.fakediscord.limits import validate_message


def test_short_content_is_untouched() -> None:
    assert fit_content("hello\nthere") == "hello\nthere"
    assert fit_content(None) is None
    exact = "x" * CONTENT_LIMIT
    assert fit_content(exact) == exact


def test_long_content_is_cut_at_a_line_and_says_so() -> None:
    lines = [f"• line {number} " + " ".join(["words"] * 10) for number in range(100)]
    fitted = fit_content("\n".join(lines))
    assert fitted is not None and len(fitted) <= CONTENT_LIMIT
    assert fitted.endswith(SHORTENED)
    kept = fitted.removesuffix(SHORTENED).split("\n")
    assert kept == lines[: len(kept)], "whole lines only"


def test_one_long_line_is_cut_at_a_word() -> None:
    fitted = fit_content("word " * 1000)
    assert fitted is not None and len(fitted) <= CONTENT_LIMIT
    assert fitted.removesuffix(SHORTENED).endswith("word")


@given(st.text(min_size=0, max_size=9000))
@settings(derandomize=True, max_examples=200)
def test_any_content_fits(text: str) -> None:
    fitted = fit_content(text)
    assert fitted is not None and len(fitted) <= CONTENT_LIMIT
    validate_message({"content": fitted})


def test_an_embed_past_every_limit_is_brought_within_them() -> None:
    embed = discord.Embed(title="T" * 400, description="D" * 5000)
    embed.set_footer(text="F" * 3000)
    embed.set_author(name="A" * 300)
    for number in range(30):
        embed.add_field(name=f"N{number}" * 100, value="V" * 2000)
    embed.add_field(name="", value="")
    with pytest.raises(ApiError):
        validate_message({"embeds": [embed.to_dict()]})
    fitted = fit_embed(embed)
    validate_message({"embeds": [fitted.to_dict()]})
    assert fitted.title is not None and fitted.title.endswith("…")
    assert embed.title == "T" * 400, "the caller's embed is left as it was"


@given(
    st.text(max_size=300),
    st.text(max_size=5000),
    st.lists(st.tuples(st.text(max_size=300), st.text(max_size=1200)), max_size=30),
)
@settings(derandomize=True, max_examples=100)
def test_any_embed_fits(title: str, description: str, fields: list[tuple[str, str]]) -> None:
    embed = discord.Embed(title=title or None, description=description or None)
    for name, value in fields:
        embed.add_field(name=name, value=value)
    validate_message({"embeds": [fit_embed(embed).to_dict()]})
