"""Hypothesis strategies of hostile option values, built from a command's registered schema.

Each option gets what a member (or a client other than Discord's own) might send: long
strings, zero-width and right-to-left characters, mentions, markdown, SQL-looking text,
impossible dates and times, huge numbers, private and odd URLs, plus values that look right,
so the commands are reached past their first check. Values within an option's declared limits
("official", what Discord's apps allow) and beyond them (another client) are kept apart.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from bot.feeds import FeedError, check_url, is_public_address

SUBCOMMANDS = (1, 2)  # option types of a subcommand and a subcommand group
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)
LIMITED = (STRING, INTEGER, NUMBER)  # option types with declared limits to go past
TEXT_CHANNEL, VOICE_CHANNEL = 0, 2
LONGEST_TEXT = 6000  # Discord's longest string option value
LONGEST_UNOFFICIAL = 8000  # what a client ignoring Discord's limits might send
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u061c"]
DIRECTION = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2069"]
ODD_TEXT = [
    "'; DROP TABLE flags; --",
    '" OR 1=1 --',
    "%s %d {0} {name} %(x)s",
    "\\",
    "\x00",
    "\n",
    "\r\n",
    "\t",
    "**bold**",
    "__under__",
    "~~strike~~",
    "||spoiler||",
    "`code`",
    "```\nblock\n```",
    "> quote",
    "# Heading",
    "-# small",
    "[masked](https://example.invalid/x)",
    "@everyone",
    "@here",
    "Z̴̡̪͌a̷l̸g̸o̸",
    "👨‍👩‍👧‍👦",
    "🏳️‍⚧️",
    "𒐫",
    "ﷺ",
    "İß",
    "ﬁ",
    "٣²",
    "１２：３０",
    "nan",
    "inf",
    "-0",
    "1e309",
    str(2**63),
    str(2**64),
    "9" * 30,
]
# Per formatted option: values that are right (so commands get past their first check) and
# values that look right but are not.
VALID = {
    "date": ["2025-03-14", "2024-02-29", "2026-11-22", "2026-11-29", "2026-12-01", "2020-01-01"],
    "at": ["2026-12-24 18:00", "2027-01-01 00:00", "13:00", "23:59"],
    "time": ["08:00", "12:10", "19:00", "23:59", "00:00"],
    "timezone": ["UTC", "Europe/London", "America/New_York", "Pacific/Kiritimati", "Asia/Kolkata"],
    "country": ["GB", "US", "DE", "IN", "none"],
    "weekdays": ["Tuesday", "Mon, Thu", "mon-fri", "fri-mon", "sundays"],
    "milestones": ["24h,7d,30d,6m,1y,yearly", "default", "30d", "100y", "1d,2d,3d", "yearly"],
    "milestone": ["30d", "1y", "6m", "24h"],
    "reminders": ["1d,1h,15m", "none", "14d", "1d 2h", "15m"],
    "types": ["O,D,BE", "O", "C", "D"],
    "label": ["sobriety", "SOBRIETY", "gambling"],
    "link": ["https://meet.example/abc"],
}
ODD = {
    "date": [
        *("2023-02-29", "2026-02-30", "9999-12-31", "0001-01-01", "1899-12-31", "20261122"),
        *("2026-W48-2", "2026-13-01", "-2026-01-01", "2025/01/01", " 2025-01-01 "),
    ],
    "time": ["24:00", "23:60", "7:5", "7pm", "-1:00", "99999:00", "１２:３０"],
    "timezone": [
        *("America", "../../etc/passwd", "/etc/localtime", "Europe/Londn", "server"),
        *("posix/Europe/Paris", "EST5EDT", "Factory", "Etc/GMT+12"),
    ],
    "country": ["gb", "XX", "UK", "United Kingdom", "Türkiye", "🇬🇧"],
    "weekdays": ["Tu", "T", "mon-", "lundi", "Mon,,,Thu", "everyday"],
    "milestones": [
        *("999999999d", "10000y", "0d", "-1d", "25h", "1d," * 45, "36525d", "1201m", "²d"),
    ],
    "reminders": ["0", "15", "99999d", "15d", "1m,2m,3m,4m,5m,6m", ",,,"],
    "types": ["XYZ", ",,,", "O;D", "ONL", "o d"],
    "label": ["  sobriety  ", "Sobriety\u200b"],
    "link": ["http://x", "javascript:alert(1)", "https://x.example/ y", "https://" + "a" * 600],
}
ALIASES = {"checkin_time": "time", "helpline_country": "country"}
# Only addresses Hearth refuses before connecting: the suite never reaches the internet.
FEED_URLS = [
    "https://127.0.0.1/feed.json",
    "https://10.0.0.1/",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://0.0.0.0/",
    "https://192.168.1.1:8443/x",
    "https://100.64.0.1/",
    "https://224.0.0.1/",
    "http://127.0.0.1/",
    "ftp://127.0.0.1/",
    "file:///etc/passwd",
    "https://user:pass@127.0.0.1/",
    "https://127.0.0.1:99999/",
    "https://",
    "data:application/json,[]",
]
FEEDS = [
    b"[]",
    b"{not json",
    b"[" * 100_000 + b"]" * 100_000,
    b"\xff\xfe\x00garbage",
    b'[{"name": "<@1> **x**", "slug": "a", "day": 2, "time": "19:00",'
    b' "conference_url": "https://meet.example/1"}]',
    b'[{"name": "' + b"N" * 5000 + b'", "slug": 1e309, "day": "9999", "time": "99:99"}]',
    b'{"meetings": [{"name": "x", "slug": "y", "day": [1, 2], "time": "7:00 pm",'
    b' "conference_url": "http://127.0.0.1/"}]}',
]


def offline(url: str) -> bool:
    """Whether Hearth refuses `url` before any DNS lookup or connection."""
    try:
        host = check_url(url).raw_host or ""
    except FeedError:
        return True
    try:
        return not is_public_address(ipaddress.ip_address(host.strip("[]").split("%")[0]))
    except ValueError:
        return False  # a name: it would be looked up


@dataclass(frozen=True)
class World:
    """Ids in the fuzzed guild that options may point at."""

    guild_id: int
    member: int
    text_channels: tuple[int, ...]
    voice_channels: tuple[int, ...]
    roles: tuple[int, ...]
    pingable_role: int  # one any organizer may mention


def hostile_text(world: World) -> st.SearchStrategy[str]:
    pieces = st.sampled_from(
        [
            *ODD_TEXT,
            *INVISIBLE,
            *DIRECTION,
            f"<@{world.member}>",
            f"<@!{world.member}>",
            f"<@&{world.roles[-1]}>",
            f"<#{world.text_channels[0]}>",
            "<t:99999999999:F>",
        ]
    )
    return st.one_of(
        st.lists(pieces, min_size=1, max_size=8).map("".join),
        st.text(max_size=60),
        st.tuples(st.one_of(pieces, st.characters()), st.integers(1, LONGEST_TEXT)).map(
            lambda pair: (pair[0] * pair[1])[:LONGEST_TEXT]
        ),
    )


def _formats(world: World) -> dict[str, tuple[st.SearchStrategy[str], st.SearchStrategy[str]]]:
    """Option name → (right values, wrong-but-plausible values)."""
    found = {
        name: (st.sampled_from(VALID[name]), st.sampled_from(ODD.get(name, VALID[name])))
        for name in VALID
    }
    found["time"] = (
        found["time"][0] | st.times().map(lambda t: t.strftime("%H:%M")),
        found["time"][1],
    )
    found["date"] = (found["date"][0], found["date"][1] | st.dates().map(lambda d: d.isoformat()))
    found["at"] = (
        found["at"][0],
        st.tuples(found["date"][1], found["time"][0]).map(" ".join) | found["time"][1],
    )
    found["url"] = (st.sampled_from(FEED_URLS), st.sampled_from(FEED_URLS))
    found["meeting"] = (
        st.integers(1, 5).map(str),
        st.sampled_from(["0", "-1", str(2**63), "1.0", "Evening", "evening "]),
    )
    ids = [world.guild_id, world.text_channels[0], 0, 2**63 - 1, 2**63, 10**20 - 1]
    link = "https://discord.com/channels/{}/{}/{}"
    found["message_link"] = (
        st.integers(1, 2**62).map(lambda m: link.format(world.guild_id, world.text_channels[0], m)),
        st.tuples(*[st.sampled_from(ids)] * 3).map(lambda parts: link.format(*parts)),
    )
    found["milestone"] = (found["milestone"][0], found["milestones"][1])
    for alias, name in ALIASES.items():
        found[alias] = found[name]
    return found


def _fit(low: int, high: int) -> Callable[[str], str]:
    def fit(text: str) -> str:
        text = text[:high]
        return text + "." * (low - len(text)) if len(text) < low else text

    return fit


PLAUSIBLE = "plausible"  # right values where the option has a format: gets deep
HOSTILE = "hostile"  # anything within the declared limits (what Discord's apps allow)
BEYOND = "beyond"  # one option past its declared limits, as another client could send
MODES = (PLAUSIBLE, PLAUSIBLE, HOSTILE, BEYOND)  # half the examples go deep


def _string(world: World, option: dict[str, Any], mode: str) -> st.SearchStrategy[str]:
    low = option.get("min_length") or 0
    high = option.get("max_length") or LONGEST_TEXT
    if mode == BEYOND:
        beyond = [
            st.text(min_size=high + 1, max_size=high + 20),
            st.integers(high + 1, LONGEST_UNOFFICIAL).map(lambda n: "A" * n),
        ]
        if low > 0:
            beyond.append(st.just(""))
        if option.get("choices"):
            beyond.append(hostile_text(world).map(lambda s: s[:100]))
        return st.one_of(*beyond).filter(offline)
    formats = _formats(world).get(option["name"])
    if option.get("choices"):
        values = st.sampled_from([c["value"] for c in option["choices"]])
    elif formats is None:
        values = hostile_text(world)  # free text: anything goes, and is kept and shown later
    elif mode == PLAUSIBLE:
        values = formats[0]
    else:
        values = st.one_of(formats[0], formats[1], hostile_text(world))
    official = values.map(_fit(low, high))
    return official.filter(offline) if option["name"] == "url" else official


def _number(option: dict[str, Any], mode: str) -> st.SearchStrategy[int]:
    choices = [c["value"] for c in option.get("choices") or []]
    low = option.get("min_value", -(2**53))
    high = option.get("max_value", 2**53)
    if mode == BEYOND:
        extremes = [low - 1, high + 1, -1, 0, 11, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1]
        outside = [n for n in extremes if (n not in choices if choices else not low <= n <= high)]
        return st.sampled_from(outside)
    if choices:
        return st.sampled_from(choices)
    if mode == PLAUSIBLE:
        return st.integers(max(low, 1), min(high, 40))
    return st.one_of(st.integers(low, high), st.sampled_from([low, high]))


def option_value(world: World, option: dict[str, Any], mode: str) -> st.SearchStrategy[Any]:
    kind = option["type"]
    if kind == STRING:
        return _string(world, option, mode)
    if kind in (INTEGER, NUMBER):
        return _number(option, mode)
    if kind == BOOLEAN:
        return st.booleans()
    if kind == CHANNEL:
        types = option.get("channel_types") or [TEXT_CHANNEL]
        found = [
            *(world.text_channels if TEXT_CHANNEL in types else ()),
            *(world.voice_channels if VOICE_CHANNEL in types else ()),
        ]
        return st.sampled_from(found)
    if kind == ROLE:
        return st.just(world.pingable_role) if mode == PLAUSIBLE else st.sampled_from(world.roles)
    if kind in (USER, MENTIONABLE):
        return st.just(world.member)
    if kind == ATTACHMENT:
        return st.sampled_from(FEEDS).map(
            lambda content: {
                "filename": "feed.json",
                "content": content,
                "content_type": "application/json",
            }
        )
    raise AssertionError(f"option type {kind} has no strategy")


def options_for(
    world: World, definitions: list[dict[str, Any]], mode: str
) -> st.SearchStrategy[dict[str, Any]]:
    """Every required option and any of the optional ones, each with a drawn value. In BEYOND
    mode one option with limits is past them (None if the command has no such option)."""
    if mode == BEYOND:
        limited = [o["name"] for o in definitions if o["type"] in LIMITED]
        if not limited:
            return st.nothing()
        return st.sampled_from(limited).flatmap(lambda target: _drawn(world, definitions, target))
    required = {o["name"]: option_value(world, o, mode) for o in definitions if o.get("required")}
    optional = {
        o["name"]: option_value(world, o, mode) for o in definitions if not o.get("required")
    }
    if mode == PLAUSIBLE:
        # Right values for every option at once is what gets a command all the way through.
        return st.fixed_dictionaries({**required, **optional})
    return st.fixed_dictionaries(required, optional=optional)


def _drawn(
    world: World, definitions: list[dict[str, Any]], target: str
) -> st.SearchStrategy[dict[str, Any]]:
    def value(option: dict[str, Any]) -> st.SearchStrategy[Any]:
        return option_value(world, option, BEYOND if option["name"] == target else HOSTILE)

    chosen = {o["name"]: value(o) for o in definitions if o.get("required") or o["name"] == target}
    rest = {o["name"]: value(o) for o in definitions if o["name"] not in chosen}
    return st.fixed_dictionaries(chosen, optional=rest)
