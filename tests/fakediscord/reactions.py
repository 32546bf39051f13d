"""Reactions on stored messages (by the bot through REST, or by test users)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakediscord import errors, payloads

MAX_REACTIONS = 20  # distinct emojis on one message

if TYPE_CHECKING:
    from tests.fakediscord.state import FakeState


def parse_emoji(raw: str) -> dict[str, Any]:
    """Turn the URL form (``👍`` or ``name:id``) into an emoji object.

    The fake knows no custom emojis, so ``name:id`` is refused like an emoji from a guild the
    bot is not in; plain ASCII words (``thumbsup``) are refused as Discord does too.
    """
    if ":" in raw or raw.isascii():
        raise errors.unknown_emoji()
    return {"id": None, "name": raw}


def emoji_key(emoji: dict[str, Any]) -> str:
    return f"{emoji['name']}:{emoji['id']}" if emoji.get("id") else str(emoji["name"])


def add_reaction(state: FakeState, message_id: int, emoji: dict[str, Any], user_id: int) -> bool:
    """Add ``user_id``'s reaction; False if it was already there."""
    message = state.messages.require(message_id)
    users = state.messages.reactors.setdefault(message_id, {}).setdefault(emoji_key(emoji), [])
    if user_id in users:
        return False
    users.append(user_id)
    _rebuild(state, message, emoji)
    state.sink.dispatch("MESSAGE_REACTION_ADD", _event(state, message, emoji, user_id))
    return True


def remove_reaction(state: FakeState, message_id: int, emoji: dict[str, Any], user_id: int) -> bool:
    """Remove ``user_id``'s reaction; False if there was none."""
    message = state.messages.require(message_id)
    users = state.messages.reactors.get(message_id, {}).get(emoji_key(emoji), [])
    if user_id not in users:
        return False
    users.remove(user_id)
    _rebuild(state, message, emoji)
    data = _event(state, message, emoji, user_id)
    data.pop("member", None)
    data.pop("message_author_id", None)
    state.sink.dispatch("MESSAGE_REACTION_REMOVE", data)
    return True


def reactors(state: FakeState, message_id: int, emoji: dict[str, Any]) -> list[int]:
    return list(state.messages.reactors.get(message_id, {}).get(emoji_key(emoji), []))


def _rebuild(state: FakeState, message: dict[str, Any], emoji: dict[str, Any]) -> None:
    """Recompute the message's reaction object for one emoji from the reactor list."""
    users = state.messages.reactors.get(int(message["id"]), {}).get(emoji_key(emoji), [])
    reactions = [
        r for r in message.get("reactions", []) if emoji_key(r["emoji"]) != emoji_key(emoji)
    ]
    if users:
        reactions.append(
            {
                "emoji": emoji,
                "count": len(users),
                "count_details": {"burst": 0, "normal": len(users)},
                "me": state.bot_user.id in users,
                "me_burst": False,
                "burst_colors": [],
            }
        )
    message["reactions"] = reactions


def _event(
    state: FakeState, message: dict[str, Any], emoji: dict[str, Any], user_id: int
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "user_id": str(user_id),
        "channel_id": message["channel_id"],
        "message_id": message["id"],
        "emoji": emoji,
        "message_author_id": message["author"]["id"],
        "burst": False,
        "burst_colors": [],
        "type": 0,
    }
    if message.get("guild_id"):
        data["guild_id"] = message["guild_id"]
        guild = state.guilds[int(message["guild_id"])]
        member = guild.members.get(user_id)
        if member is not None:
            data["member"] = payloads.member(state, guild, member)
    return data
