"""The test-side handle of one interaction the fake sent to the bot, and everything the bot did
with it (callback, original response edits, followups)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakediscord.limits import walk_components
from tests.fakediscord.messages import FLAG_EPHEMERAL, FLAG_LOADING
from tests.fakediscord.models import UploadedFile

if TYPE_CHECKING:
    from tests.fakediscord.state import FakeState

# Callback types (https://discord.com/developers/docs/interactions/receiving-and-responding)
PONG = 1
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9


class Interaction:
    """Handle returned by ``fake.slash()``, ``fake.click()`` and friends."""

    def __init__(self, state: FakeState, payload: dict[str, Any]) -> None:
        self._state = state
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.channel_id = int(payload["channel_id"])
        self.guild_id = int(payload["guild_id"]) if payload.get("guild_id") else None
        user = payload["member"]["user"] if "member" in payload else payload["user"]
        self.user_id = int(user["id"])
        source = payload.get("message")
        # The message a component/modal interaction came from: target of types 6 and 7.
        self.source_message_id = int(source["id"]) if source else None
        self.dispatched_at: float | None = None
        self.responded_at: float | None = None
        self.callback: dict[str, Any] | None = None
        self.rejected: list[tuple[int, dict[str, Any]]] = []
        self.original_message_id: int | None = None
        self.original_edits = 0
        self.followup_ids: list[int] = []
        self.uploaded: list[UploadedFile] = []
        self._last_message_id: int | None = None  # most recently sent or edited message

    def __repr__(self) -> str:
        kind = self.callback["type"] if self.callback else None
        return f"<fake Interaction id={self.id} type={self.type} callback={kind}>"

    # ----------------------------------------------------- recorded by the REST side
    def accept_callback(self, body: dict[str, Any], at: float, message_id: int | None) -> None:
        self.callback = body
        self.responded_at = at
        if body["type"] in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE):
            self.original_message_id = self.source_message_id
        else:
            self.original_message_id = message_id
        if body["type"] in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
            self._last_message_id = message_id
        self._state.changed.notify()

    def message_touched(self, message_id: int, *, followup: bool = False) -> None:
        if followup and message_id not in self.followup_ids:
            self.followup_ids.append(message_id)
        if message_id == self.original_message_id:
            self.original_edits += 1
        self._last_message_id = message_id
        self._state.changed.notify()

    # ------------------------------------------------------------------ queries
    @property
    def latency(self) -> float | None:
        """Seconds between the dispatch and the accepted callback."""
        if self.responded_at is None or self.dispatched_at is None:
            return None
        return self.responded_at - self.dispatched_at

    @property
    def ephemeral(self) -> bool:
        """Whether the response is only visible to the user (flag 64 on the callback, also for
        a deferral: a deferred-ephemeral response stays ephemeral when it is edited)."""
        if self.callback is None:
            return False
        data = self.callback.get("data") or {}
        if self.callback["type"] in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE):
            source = self._state.messages.get(self.source_message_id or 0)
            return bool(source and source["flags"] & FLAG_EPHEMERAL)
        return bool(int(data.get("flags") or 0) & FLAG_EPHEMERAL)

    @property
    def original(self) -> dict[str, Any] | None:
        """The current original response message (as edited), if there is one."""
        if self.original_message_id is None:
            return None
        return self._state.messages.get(self.original_message_id)

    @property
    def followups(self) -> list[dict[str, Any]]:
        found = (self._state.messages.get(mid) for mid in self.followup_ids)
        return [message for message in found if message is not None]

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal (custom_id, title, components) if the bot answered with one."""
        if self.callback is None or self.callback["type"] != MODAL:
            return None
        return self.callback.get("data")

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        """Autocomplete choices if the bot answered an autocomplete interaction."""
        if self.callback is None or self.callback["type"] != AUTOCOMPLETE_RESULT:
            return None
        return list((self.callback.get("data") or {}).get("choices") or [])

    @property
    def final(self) -> dict[str, Any] | None:
        """The message the user last saw change: an edited original or the latest followup."""
        if self._last_message_id is None:
            return None
        message = self._state.messages.get(self._last_message_id)
        if message is None or message["flags"] & FLAG_LOADING:
            return None
        return message

    @property
    def text(self) -> str:
        """Text of the final/original message, see :func:`message_text`."""
        message = self.final or self.original
        return message_text(message) if message else ""

    @property
    def all_text(self) -> str:
        """Text of the original response and every followup, in order."""
        messages = [self.original] if self.original else []
        messages += [m for m in self.followups if m["id"] != (self.original or {}).get("id")]
        return "\n\n".join(message_text(m) for m in messages if m)

    @property
    def files(self) -> list[UploadedFile]:
        """Files uploaded with the callback, followups and edits (filename, content, type)."""
        return list(self.uploaded)

    # ------------------------------------------------------------------ waiting
    async def wait_response(self, timeout: float = 5.0) -> dict[str, Any]:
        """The accepted initial callback body ``{"type": ..., "data": {...}}``."""
        return await self._state.changed.wait_for(
            lambda: self.callback, timeout, self._waiting("an interaction response")
        )

    async def wait_followup(self, n: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """All followup messages, once there are at least ``n``."""
        await self._state.changed.wait_for(
            lambda: len(self.followup_ids) >= n, timeout, self._waiting(f"{n} followup(s)")
        )
        return self.followups

    async def wait_final(self, timeout: float = 5.0) -> dict[str, Any]:
        """For deferred responses, the edited original or first followup; otherwise the
        message of the callback itself."""
        callback = await self.wait_response(timeout)
        if callback["type"] in (AUTOCOMPLETE_RESULT, MODAL, PONG):
            raise ValueError(
                f"interaction was answered with callback type {callback['type']}, "
                "which has no message"
            )
        return await self._state.changed.wait_for(
            lambda: self.final, timeout, self._waiting("the final response message")
        )

    def _waiting(self, what: str) -> str:
        detail = f"{what} to interaction {self.id}"
        if self.rejected:
            detail += f"; the fake refused the bot's attempts: {self.rejected}"
        return detail


def message_text(message: dict[str, Any]) -> str:
    """Everything a user reads in a message, for assertions: the content, then one block per
    embed (author, title, description, field names and values, footer; one per line), then
    components-v2 text displays. Blocks are separated by a blank line."""
    blocks: list[str] = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        lines = [(embed.get("author") or {}).get("name") or ""]
        lines += [embed.get("title") or "", embed.get("description") or ""]
        for field in embed.get("fields") or []:
            lines += [field.get("name") or "", field.get("value") or ""]
        lines.append((embed.get("footer") or {}).get("text") or "")
        blocks.append("\n".join(line for line in lines if line))
    for component in walk_components(message.get("components") or []):
        if component.get("type") == 10:  # text display (components v2)
            blocks.append(component.get("content") or "")
    return "\n\n".join(block for block in blocks if block)
