"""Pure rules for delivering exactly once: nonces, fingerprints, priorities and retry waits.

A delivery has a key: a name that is the same every time the same delivery is tried (a meeting's
15-minute reminder for one occurrence, one member's check-in reminder for one day). From the key
comes the Discord nonce, so a request repeated within Discord's few-minute window returns the
first message instead of posting a second. Beyond that window, and after a crash, the message is
recognised in the channel's history by its fingerprint: Discord does not return nonces there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import IntEnum
from typing import Any

NONCE_LENGTH = 25  # Discord's limit for a message nonce


class Priority(IntEnum):
    """Who goes first when more is waiting than Discord lets through (lower goes first)."""

    URGENT = 0  # crisis DMs, moderator-queue cards, escalation pings
    FOLLOWUP = 1  # what a member's own action makes Hearth post
    TIMED = 2  # reminders, announcements, celebrations, daily prompts
    BULK = 3  # catch-up work, mirroring events, reading history


# Waits between tries of one request that failed in passing (5xx, timeout, dropped connection).
# Crisis DMs and queue cards try again sooner and more often. Every try carries the same nonce,
# and all of them fit inside Discord's nonce window, so none of them can post twice.
RETRY_WAITS: dict[Priority, tuple[float, ...]] = {
    Priority.URGENT: (0.2, 0.5, 1.0, 2.0, 4.0, 8.0),
    Priority.FOLLOWUP: (0.5, 1.0, 2.0, 4.0, 8.0),
    Priority.TIMED: (1.0, 2.0, 4.0, 8.0, 16.0),
    Priority.BULK: (2.0, 4.0, 8.0, 16.0),
}
# How long one try may take once Discord's rate limits let it leave, before it counts as lost.
TRY_TIMEOUT: dict[Priority, float] = {
    Priority.URGENT: 5.0,
    Priority.FOLLOWUP: 10.0,
    Priority.TIMED: 15.0,
    Priority.BULK: 20.0,
}


def longest_tries(priority: Priority) -> float:
    """Seconds one request may take at most with every retry, once the lane lets each try go."""
    waits = RETRY_WAITS[priority]
    return sum(waits) + (len(waits) + 1) * TRY_TIMEOUT[priority]


# A process sends a delivery only while it holds the delivery's claim in the database. The claim
# of a process that died passes on at once; the lease is the backstop for one that is still
# connected but hung. It covers two full retry sequences of the slowest priority (opening a DM
# channel, then the message: 2 x 130 s for BULK), and the holder renews it far more often than
# that, because waiting for Discord's rate limits is not bounded.
CLAIM_LEASE = timedelta(minutes=5)
CLAIM_RENEW_EVERY = timedelta(minutes=1)


def nonce_for(key: str) -> str:
    """The same 25-character nonce for every try of the same delivery."""
    return "h" + hashlib.sha256(key.encode()).hexdigest()[: NONCE_LENGTH - 1]


@dataclass(frozen=True)
class Fingerprint:
    """What a message looks like, as hashes (no text is kept): content, embeds, and the
    identities of its buttons and files."""

    content: str
    embeds: str
    identity: str

    def encode(self) -> str:
        return f"{self.content}:{self.embeds}:{self.identity}"

    @classmethod
    def decode(cls, text: str) -> Fingerprint:
        content, embeds, identity = text.split(":")
        return cls(content, embeds, identity)

    def matches(self, found: Fingerprint) -> bool:
        """Whether a message found in history is this one. Discord silently drops the embeds of
        a bot without Embed Links, so a found message without embeds still matches."""
        if found.content != self.content or found.identity != self.identity:
            return False
        return found.embeds in (self.embeds, _EMPTY_EMBEDS)


def fingerprint(
    content: str | None,
    embeds: Sequence[Mapping[str, Any]],
    components: Sequence[Mapping[str, Any]],
    filenames: Iterable[str],
) -> Fingerprint:
    """From a message body as Discord's API shapes it (request or message object alike)."""
    return Fingerprint(
        content=_digest((content or "").strip()),
        embeds=_digest([_embed_text(embed) for embed in embeds]),
        identity=_digest({"ids": list(_custom_ids(components)), "files": list(filenames)}),
    )


def message_fingerprint(message: Mapping[str, Any]) -> Fingerprint:
    """The fingerprint of a message object from Discord (e.g. one read from history)."""
    return fingerprint(
        message.get("content"),
        message.get("embeds") or [],
        message.get("components") or [],
        [str(a.get("filename", "")) for a in message.get("attachments") or []],
    )


def _embed_text(embed: Mapping[str, Any]) -> list[Any]:
    """The parts a member reads, which Discord returns as sent (colours, types and image
    proxies differ between a request and the stored message)."""

    def text(value: Any) -> str:
        return str(value or "").strip()

    return [
        text(embed.get("title")),
        text(embed.get("description")),
        [[text(f.get("name")), text(f.get("value"))] for f in embed.get("fields") or []],
        text((embed.get("footer") or {}).get("text")),
        text((embed.get("author") or {}).get("name")),
    ]


def _custom_ids(components: Sequence[Mapping[str, Any]]) -> Iterable[str]:
    for component in components:
        if component.get("custom_id"):
            yield str(component["custom_id"])
        yield from _custom_ids(component.get("components") or [])


def _digest(value: Any) -> str:
    encoded = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(encoded.encode()).hexdigest()[:32]


_EMPTY_EMBEDS = _digest([])
