"""Quoting what someone typed back to them: short, and unable to ping, format or flip the text.

Refusals name the part of the input they could not use. Echoed raw, a long value would push the
reply past Discord's 2,000 characters (so no answer at all), a mention or markdown would be
rendered, and right-to-left or invisible characters would scramble the sentence around it.
Pure text, so the domain's own parsers and the cogs share it.
"""

from __future__ import annotations

import re
import unicodedata

EXCERPT_LENGTH = 40
# <@123> <@!123> <@&123> <#123> </cmd:123> <t:123:F> <:name:123> <a:name:123>
_DISCORD_MARKUP = re.compile(r"<(?:@[!&]?\d*|#\d*|/[^<>]{0,100}|t:[^<>]{0,30}|a?:\w{0,32}:\d*)>")
# Markdown, the characters mentions, masked links and headings are made of, and the curly
# quotes the excerpt is shown in.
_MARKDOWN = str.maketrans("", "", "*_~`|\\@<>#[]“”")
# Control, format (zero-width, direction overrides), private-use, surrogate and unassigned.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})


def excerpt(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """`text` made safe to show inside a sentence, at most `limit` characters (… when cut)."""
    # Only the start is ever shown, so a huge value costs no more than a short one.
    text = _DISCORD_MARKUP.sub("", text[: limit * 8]).translate(_MARKDOWN)
    visible = "".join(
        " " if unicodedata.category(ch) in ("Zl", "Zp") else ch
        for ch in text
        if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES or ch in "\n\t"
    )
    words = " ".join(visible.split())
    if len(words) > limit:
        words = words[: limit - 1].rstrip() + "…"
    return words or "…"


def quoted(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """The excerpt in curly quotes, as Hearth quotes input: “like this”."""
    return f"“{excerpt(text, limit)}”"
