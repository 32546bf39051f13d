"""Which events each gateway intent unlocks, and the MESSAGE_CONTENT redaction.

Discord only sends a session the events its IDENTIFY intents cover; without the privileged
MESSAGE_CONTENT intent, guild messages arrive with empty content, embeds, attachments and
components unless they mention the bot or were sent by it. The fake does the same, so a bot
that forgets an intent fails in tests too.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakediscord.state import FakeState

GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
GUILD_MESSAGE_REACTIONS = 1 << 10
DIRECT_MESSAGES = 1 << 12
DIRECT_MESSAGE_REACTIONS = 1 << 13
MESSAGE_CONTENT = 1 << 15
GUILD_SCHEDULED_EVENTS = 1 << 16
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT

# Events whose intent does not depend on guild vs DM. Events not listed (READY, RESUMED,
# INTERACTION_CREATE, GUILD_MEMBERS_CHUNK) are always sent.
_EVENT_INTENTS = {
    "GUILD_CREATE": GUILDS,
    "GUILD_UPDATE": GUILDS,
    "GUILD_DELETE": GUILDS,
    "GUILD_ROLE_CREATE": GUILDS,
    "GUILD_ROLE_UPDATE": GUILDS,
    "GUILD_ROLE_DELETE": GUILDS,
    "CHANNEL_CREATE": GUILDS,
    "CHANNEL_UPDATE": GUILDS,
    "CHANNEL_DELETE": GUILDS,
    "THREAD_CREATE": GUILDS,
    "THREAD_UPDATE": GUILDS,
    "THREAD_DELETE": GUILDS,
    # Only the bot's own joins come without GUILD_MEMBERS; the fake never adds the bot later.
    "THREAD_MEMBERS_UPDATE": GUILD_MEMBERS,
    "GUILD_MEMBER_ADD": GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": GUILD_MEMBERS,
    "GUILD_SCHEDULED_EVENT_CREATE": GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_UPDATE": GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_DELETE": GUILD_SCHEDULED_EVENTS,
}
_MESSAGE_EVENTS = frozenset({"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE"})
_REACTION_EVENTS = frozenset({"MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE"})
_REDACTED_FIELDS = {"content": "", "embeds": [], "attachments": [], "components": []}


def required_intent(event: str, data: dict[str, Any]) -> int | None:
    in_guild = data.get("guild_id") is not None
    if event in _MESSAGE_EVENTS:
        return GUILD_MESSAGES if in_guild else DIRECT_MESSAGES
    if event in _REACTION_EVENTS:
        return GUILD_MESSAGE_REACTIONS if in_guild else DIRECT_MESSAGE_REACTIONS
    if event == "CHANNEL_PINS_UPDATE":
        return GUILDS if in_guild else DIRECT_MESSAGES
    return _EVENT_INTENTS.get(event)


def payload_for_session(
    event: str, data: dict[str, Any], intents: int, state: FakeState
) -> dict[str, Any] | None:
    """The payload this session should get, or None when its intents exclude the event."""
    needed = required_intent(event, data)
    if needed is not None and not intents & needed:
        return None
    if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and _redact(data, intents, state):
        redacted = copy.deepcopy(data)
        redacted.update(copy.deepcopy(_REDACTED_FIELDS))
        redacted.pop("poll", None)
        return redacted
    return data


def _redact(data: dict[str, Any], intents: int, state: FakeState) -> bool:
    if intents & MESSAGE_CONTENT or data.get("guild_id") is None:
        return False  # DMs always carry content
    bot_id = str(state.bot_user.id)
    if data.get("author", {}).get("id") == bot_id:
        return False
    return not any(user.get("id") == bot_id for user in data.get("mentions", []))
