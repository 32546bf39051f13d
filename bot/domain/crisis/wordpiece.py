"""Uncased WordPiece tokenisation (the scheme of the BERT vocabulary the learned stage's token
vectors were distilled from), written in plain Python so the run time needs no tokenizer library.

Pure: the vocabulary is handed in; words already seen are cached, since chat repeats them."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

_MAX_WORD_CHARS = 60
_CACHE_LIMIT = 50_000


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def basic_words(text: str) -> list[str]:
    """Lower-cased words, each punctuation mark a word of its own (as BERT's basic tokenizer)."""
    words: list[str] = []
    for chunk in _strip_accents(text.lower()).split():
        if chunk.isalnum():
            words.append(chunk)
            continue
        current = []
        for char in chunk:
            if _is_punctuation(char):
                if current:
                    words.append("".join(current))
                    current = []
                words.append(char)
            elif unicodedata.category(char)[0] != "C":
                current.append(char)
        if current:
            words.append("".join(current))
    return words


class WordPiece:
    def __init__(self, vocab: Mapping[str, int]) -> None:
        self._vocab = vocab
        self._cache: dict[str, tuple[int, ...]] = {}

    def word_ids(self, word: str) -> tuple[int, ...]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        ids = self._split(word)
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[word] = ids
        return ids

    def _split(self, word: str) -> tuple[int, ...]:
        if len(word) > _MAX_WORD_CHARS:
            return ()
        vocab = self._vocab
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return ()  # BERT maps the whole word to [UNK], which carries no meaning here
            ids.append(found)
            start = end
        return tuple(ids)

    def ids(self, text: str) -> list[int]:
        out: list[int] = []
        for word in basic_words(text):
            out.extend(self.word_ids(word))
        return out
