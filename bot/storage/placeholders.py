"""`?` placeholders (SQLite's) rewritten as `$1, $2 …` (PostgreSQL's), once per statement.

Repositories write one SQL text for both databases. A statement's translation is cached, so the
hot path pays a dictionary look-up, not a scan. `?` inside string literals, quoted names and
comments is left alone; `?NNN` (a numbered parameter, which SQLite also accepts) becomes `$NNN`.
"""

from __future__ import annotations

from functools import lru_cache


class PlaceholderError(ValueError):
    """A statement mixes `?` and `?NNN`, which would number its parameters ambiguously."""


@lru_cache(maxsize=4096)
def to_numbered(sql: str) -> str:
    out: list[str] = []
    position, count, length = 0, 0, len(sql)
    kinds: set[str] = set()
    while position < length:
        char = sql[position]
        if char in "'\"":
            end = _closing_quote(sql, position)
            out.append(sql[position:end])
            position = end
        elif sql.startswith("--", position):
            end = sql.find("\n", position)
            end = length if end < 0 else end
            out.append(sql[position:end])
            position = end
        elif char == "?":
            digits_end = position + 1
            while digits_end < length and sql[digits_end].isdigit():
                digits_end += 1
            if digits_end > position + 1:
                kinds.add("numbered")
                out.append("$" + sql[position + 1 : digits_end])
            else:
                kinds.add("plain")
                count += 1
                out.append(f"${count}")
            position = digits_end
        else:
            out.append(char)
            position += 1
    if len(kinds) > 1:
        raise PlaceholderError("a statement uses both ? and ?NNN placeholders")
    return "".join(out)


def _closing_quote(sql: str, start: int) -> int:
    """The index just past the literal opened at `start`; a doubled quote is an escaped one."""
    quote, position = sql[start], start + 1
    while True:
        found = sql.find(quote, position)
        if found < 0:
            return len(sql)
        if sql.startswith(quote * 2, found):
            position = found + 2
            continue
        return found + 1
