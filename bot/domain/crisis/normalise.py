"""Text normalisation shared by messages and phrase patterns.

Both sides go through the same function, so a pattern written plainly ("i really want to die")
matches every spelling that normalises to the same string ("I REALLY wanna dieee", "i want 2 d1e").
The result is lowercase ASCII words separated by single spaces, with " | " where a clause ends
(context checks such as negation never look across it), padded with a space at both ends so a
phrase match can require whole words.
"""

from __future__ import annotations

import re
import unicodedata

CLAUSE = "|"

# Invisible characters used to dodge filters ("ki\u200bll") are removed, not turned into spaces.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2060-\u206f\ufeff]"
)
_COMBINING = re.compile("[\u0300-\u036f]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
# Laughing emoji carry meaning for jest checks ("gonna kill him 😂"), so they become a word.
_LAUGH = dict.fromkeys(map(ord, "😂🤣😆😹💀☠"), " lol ")
# Curly quotes and look-alike letters from other scripts ("kіll" with a Cyrillic i).
_LOOKALIKE = str.maketrans(
    "\u2018\u2019\u201b\u02bc\u2032\u00b4\u201c\u201d\u2026\u2013\u2014аеорсухіѕјкмтвнԁαειοκντρøłđ",
    "''''''\"\".--aeopcyxisjkmtbhdaeiokvtpold",
)

# Leetspeak only inside words that also contain letters, so "13 reasons" and "90 days" survive.
_LEET_HINT = re.compile(r"[a-z][0-9@$!|+]+[a-z]|(?<![a-z0-9])[@$][a-z]|[0-9][a-z]|[a-z][0-9]")
_LEET_TOKEN = re.compile(r"[a-z0-9@$]+(?:[!|+][a-z0-9@$]+)*")
_NUMBER_THEN_WORD = re.compile(r"(\d+)([a-z]+)")
_LEET = str.maketrans("01345789@$!|+", "oieastbgasilt") | {ord("2"): " to "}

# Words are runs of letters and digits; runs of clause punctuation become one CLAUSE token;
# everything else separates words. Apostrophes are dropped first ("don't" -> "dont").
_TOKENS = re.compile(r"[a-z0-9#]+|[.!?;,:()\[\]{}|\n]+")
_APOSTROPHES = str.maketrans("", "", "'`")
_REPEATS = re.compile(r"([a-z])\1+")
_LEET_CHARS = re.compile(r"[0-9@$!|+]")

# Words that add emphasis but never change meaning for our patterns; dropping them lets one
# pattern cover "i just want to die", "i honestly just fucking want to die" and so on.
_FILLER_WORDS = str.split(
    "really just literally honestly seriously actually so very like fucking fuckin fking fkn "
    "freaking frickin effing kinda sorta lowkey highkey totally truly genuinely simply still "
    "even um uh ngl tbh fr tho though deadass legit basically bloody finally"
)


def _collapse(word: str) -> str:
    return _REPEATS.sub(r"\1", word)


FILLERS = frozenset(_collapse(word) for word in _FILLER_WORDS)


def _fix_leet(match: re.Match[str]) -> str:
    token = match.group()
    if not any("a" <= ch <= "z" for ch in token):
        return token
    split = _NUMBER_THEN_WORD.fullmatch(token)
    if split:  # "30pills", "2am": a number glued to a word, not leetspeak
        return f"{split.group(1)} {split.group(2)}"
    return token.translate(_LEET)


def _to_ascii(text: str) -> str:
    text = _INVISIBLE.sub("", text.lower()).translate(_LAUGH).translate(_LOOKALIKE)
    text = unicodedata.normalize("NFKD", text)  # fancy letters and accents -> base letters
    return _NON_ASCII.sub(" ", _COMBINING.sub("", text).lower())


_CLAUSE_START = frozenset(".!?;,:()[]{}|\n")


def _canonical(word: str, keep_fillers: bool = False) -> str:
    if word[0] in _CLAUSE_START:
        return CLAUSE
    word = _REPEATS.sub(r"\1", word)  # "sooo" = "so", "kill" = "kil", "dieee" = "die"
    return "" if word in FILLERS and not keep_fillers else word


# Messages reuse the same few thousand words, so each word is made canonical once. The memo is
# bounded: past the cap, new words are computed every time instead of remembered.
_CANONICAL: dict[str, str] = {}
_CANONICAL_CAP = 200_000


def _remember(word: str) -> str:
    canonical = _canonical(word)
    if len(_CANONICAL) < _CANONICAL_CAP:
        _CANONICAL[word] = canonical
    return canonical


def normalise_words(text: str, *, keep_fillers: bool = False) -> list[str]:
    """The normalised words of `text`, with CLAUSE tokens where clauses end."""
    text = text.lower() if text.isascii() else _to_ascii(text)
    if "'" in text or "`" in text:
        text = text.translate(_APOSTROPHES)
    if _LEET_CHARS.search(text) and _LEET_HINT.search(text):
        text = _LEET_TOKEN.sub(_fix_leet, text)
    if keep_fillers:
        return [_canonical(token, keep_fillers=True) for token in _TOKENS.findall(text)]
    get = _CANONICAL.get
    words = [
        canonical if (canonical := get(token)) is not None else _remember(token)
        for token in _TOKENS.findall(text)
    ]
    if "" in words:
        words = [word for word in words if word]
    if "2" in words:  # "i want 2 die": a lone 2 between words is "to"
        words = [_two(words, index) for index in range(len(words))]
    return words


def _two(words: list[str], index: int) -> str:
    word = words[index]
    if word != "2" or index == 0 or index + 1 == len(words):
        return word
    return "to" if words[index - 1].isalpha() and words[index + 1].isalpha() else word


def normalise(text: str, *, keep_fillers: bool = False) -> str:
    """ " word word | word " — see the module docstring."""
    return f" {' '.join(normalise_words(text, keep_fillers=keep_fillers))} "
