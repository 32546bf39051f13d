"""Idempotent sends, as Discord does them: a message created with `enforce_nonce: true` and a
nonce the same author used in the last few minutes is not created again; the first message is
returned instead (and nothing is dispatched). Discord echoes the nonce in the create response and
in MESSAGE_CREATE only: message history never shows it, so a client cannot find a message by its
nonce later.
"""

from __future__ import annotations

import weakref
from datetime import datetime, timedelta
from typing import Any

from tests.fakediscord.state import FakeState

# Discord documents "a few minutes"; tests that need another window set `FakeDiscord.nonce_window`.
DEFAULT_WINDOW = timedelta(minutes=5)


class NonceRegistry:
    def __init__(self) -> None:
        self.window = DEFAULT_WINDOW
        self._seen: dict[tuple[int, str], tuple[int, datetime]] = {}
        self.deduplicated = 0  # how many creates returned an earlier message

    def earlier(
        self, state: FakeState, author_id: int, body: dict[str, Any]
    ) -> dict[str, Any] | None:
        key = _key(author_id, body)
        if key is None or key not in self._seen:
            return None
        message_id, at = self._seen[key]
        stored = state.messages.get(message_id)
        if stored is None or state.now() - at > self.window:
            return None
        self.deduplicated += 1
        stored["nonce"] = body["nonce"]
        return stored

    def remember(
        self, state: FakeState, author_id: int, body: dict[str, Any], message: dict[str, Any]
    ) -> None:
        key = _key(author_id, body)
        if key is not None:
            self._seen[key] = (int(message["id"]), state.now())


_registries: weakref.WeakKeyDictionary[FakeState, NonceRegistry] = weakref.WeakKeyDictionary()


def registry(state: FakeState) -> NonceRegistry:
    found = _registries.get(state)
    if found is None:
        found = _registries[state] = NonceRegistry()
    return found


def _key(author_id: int, body: dict[str, Any]) -> tuple[int, str] | None:
    nonce = body.get("nonce")
    if nonce is None or not body.get("enforce_nonce"):
        return None
    return author_id, str(nonce)
