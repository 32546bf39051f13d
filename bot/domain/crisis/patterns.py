"""Phrase templates -> one word-level automaton that finds every phrase in a message at once.

Templates are small: "(im|i am) (going to|gonna) kill {SELF}" with {MACRO} vocabulary from
vocab.py, "(a|b|)" for alternatives (an empty one makes the group optional) and "#" for any
number. Brackets sit at word boundaries, so a template is a sequence of words and groups.

All templates are merged into one automaton over normalised words: built as a Thompson-style NFA,
then made deterministic once. Written out as literal phrases they would number in the millions
("{GOING} {HARM} {VICTIM} tonight"); as an automaton they share their parts and stay small (a few
thousand states). A scan first asks whether any word of the message can start a phrase at all
(one set operation, where most messages stop), then follows the automaton from those words only,
one dictionary lookup per word, reporting every phrase that ends along the way (overlaps too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.domain.crisis.normalise import normalise_words

T = TypeVar("T")
NUMBER = "#"
_MACRO = re.compile(r"\{([A-Z0-9_]+)\}")
_Seq = list["str | list[_Seq]"]  # words and alternation groups


class TemplateError(ValueError):
    """A phrase template that cannot be compiled (unbalanced brackets, unknown macro...)."""


def substitute(template: str, macros: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise TemplateError(f"unknown macro {{{name}}} in {template!r}")
        return f"({substitute(macros[name], macros)})"

    return _MACRO.sub(replace, template)


def _words(chunk: str) -> list[str]:
    # Normalised like a message, so "don't" is "dont" and fillers vanish on both sides.
    return normalise_words(chunk)


def _check_boundary(template: str, pos: int) -> None:
    # A bracket glued to letters on both sides ("overdos(e|ing)") would split a word in two.
    before = template[pos - 1] if pos > 0 else " "
    after = template[pos + 1] if pos + 1 < len(template) else " "
    if before.isalnum() and after.isalnum():
        raise TemplateError(f"bracket inside a word at {pos} in {template!r}")


def parse(template: str) -> list[_Seq]:
    """The template's top-level alternatives, each a sequence of words and groups."""
    stack: list[tuple[list[_Seq], _Seq]] = []
    alternatives: list[_Seq] = []
    current: _Seq = []
    chunk = ""
    for pos, char in enumerate(template):
        if char not in "(|)":
            chunk += char
            continue
        current.extend(_words(chunk))
        chunk = ""
        if char == "(":
            _check_boundary(template, pos)
            stack.append((alternatives, current))
            alternatives, current = [], []
        elif char == "|":
            if not stack:
                raise TemplateError(f"'|' outside brackets in {template!r}")
            alternatives.append(current)
            current = []
        else:
            _check_boundary(template, pos)
            if not stack:
                raise TemplateError(f"unbalanced ')' in {template!r}")
            group = [*alternatives, current]
            alternatives, current = stack.pop()
            current.append(group)  # type: ignore[arg-type]
    if stack:
        raise TemplateError(f"unclosed '(' in {template!r}")
    current.extend(_words(chunk))
    return [*alternatives, current]


@dataclass
class _Builder(Generic[T]):
    moves: list[dict[str, set[int]]] = field(default_factory=lambda: [{}])
    empty: list[set[int]] = field(default_factory=lambda: [set()])
    accepts: list[list[T]] = field(default_factory=lambda: [[]])

    def state(self) -> int:
        self.moves.append({})
        self.empty.append(set())
        self.accepts.append([])
        return len(self.moves) - 1

    def sequence(self, items: _Seq, state: int) -> int:
        for item in items:
            if isinstance(item, str):
                target = self.state()
                self.moves[state].setdefault(item, set()).add(target)
                state = target
            else:
                ends = [self.sequence(alternative, state) for alternative in item]
                joined = self.state()  # created last, so empty moves always go forward
                for end in ends:
                    self.empty[end].add(joined)
                state = joined
        return state

    def add(self, template: str, value: T) -> None:
        end = self.sequence([parse(template)], 0)  # type: ignore[list-item]
        if value not in self.accepts[end]:
            self.accepts[end].append(value)


class Automaton(Generic[T]):
    """Finds every (start, end, values) of phrases in a list of normalised words.

    The word-level NFA is made deterministic once, up front (subset construction over the words
    that occur in templates), so a scan costs one dictionary lookup per word it follows.
    """

    def __init__(self, templates: Iterable[tuple[str, T]]) -> None:
        builder: _Builder[T] = _Builder()
        for template, value in templates:
            builder.add(template, value)
        closure = self._closures(builder.empty)
        if any(builder.accepts[state] for state in closure[0]):
            raise TemplateError("a template matches no words at all")
        self._moves: list[dict[str, int]] = []
        self._accepts: list[tuple[T, ...]] = []
        index: dict[frozenset[int], int] = {}
        pending = [closure[0]]
        index[closure[0]] = 0
        while pending:
            current = pending.pop()
            merged: dict[str, set[int]] = {}
            values: list[T] = []
            for state in sorted(current):
                for word, targets in builder.moves[state].items():
                    bucket = merged.setdefault(word, set())
                    for target in targets:
                        bucket |= closure[target]
                values.extend(v for v in builder.accepts[state] if v not in values)
            moves: dict[str, int] = {}
            for word, targets in merged.items():
                key = frozenset(targets)
                if key not in index:
                    index[key] = len(index)
                    pending.append(key)
                moves[word] = index[key]
            position = index[current]
            while len(self._moves) <= position:
                self._moves.append({})
                self._accepts.append(())
            self._moves[position] = moves
            self._accepts[position] = tuple(values)
        while len(self._accepts) < len(index):
            self._moves.append({})
            self._accepts.append(())
        self._start = self._moves[0]
        self._numbers = NUMBER in self._start
        self.first_words = frozenset(self._start)
        self.state_count = len(index)

    @staticmethod
    def _closures(empty: Sequence[set[int]]) -> list[frozenset[int]]:
        # Empty moves only go forward (states are created in order), so one backward pass does.
        closures: list[frozenset[int]] = [frozenset()] * len(empty)
        for state in range(len(empty) - 1, -1, -1):
            reached = {state}
            for target in empty[state]:
                reached |= closures[target]
            closures[state] = frozenset(reached)
        return closures

    def hits(self, words: Sequence[str]) -> list[tuple[int, int, tuple[T, ...]]]:
        start = self._start
        found: list[tuple[int, int, tuple[T, ...]]] = []
        if start.keys().isdisjoint(words) and not (
            self._numbers and any(word.isdigit() for word in words)
        ):
            return found
        moves, accepts, count = self._moves, self._accepts, len(words)
        for begin, word in enumerate(words):
            state = start.get(word)
            if state is None:
                if not (self._numbers and word.isdigit()):
                    continue
                state = start[NUMBER]
            end = begin + 1
            while True:
                if accepts[state]:
                    found.append((begin, end, accepts[state]))
                if end == count:
                    break
                following = words[end]
                step = moves[state].get(following)
                if step is None and following.isdigit():
                    step = moves[state].get(NUMBER)
                if step is None:
                    break
                state = step
                end += 1
        return found
