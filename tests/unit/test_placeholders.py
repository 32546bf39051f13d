"""`?` placeholders rewritten for PostgreSQL: counted in order, never inside literals."""

from __future__ import annotations

import pytest

from bot.storage.placeholders import PlaceholderError, to_numbered


def test_plain_placeholders_are_numbered_in_order() -> None:
    assert to_numbered("SELECT * FROM t WHERE a = ? AND b IN (?, ?)") == (
        "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)"
    )


def test_numbered_placeholders_keep_their_numbers_and_may_repeat() -> None:
    assert to_numbered("SELECT ?2, ?1 WHERE x = ?1") == "SELECT $2, $1 WHERE x = $1"


def test_question_marks_in_literals_names_and_comments_are_left_alone() -> None:
    sql = "SELECT 'why?', 'it''s ?', \"odd?name\" -- really?\nFROM t WHERE a = ?"
    assert to_numbered(sql) == (
        "SELECT 'why?', 'it''s ?', \"odd?name\" -- really?\nFROM t WHERE a = $1"
    )


def test_mixing_both_styles_is_refused() -> None:
    with pytest.raises(PlaceholderError):
        to_numbered("SELECT ? WHERE x = ?1")


def test_a_statement_is_translated_once() -> None:
    sql = "SELECT count(*) FROM cache_probe WHERE a = ?"
    before = to_numbered.cache_info().hits
    assert to_numbered(sql) is to_numbered(sql)
    assert to_numbered.cache_info().hits == before + 1
