"""Guild lifecycle as the bot sees it: outages, being removed and added back.

- ``fake.guild_outage(guild_id)``: GUILD_DELETE ``{"id", "unavailable": true}``. Until
  ``fake.guild_returns(guild_id)`` (a full GUILD_CREATE) the guild sends no events, a new
  IDENTIFY lists it as unavailable without a GUILD_CREATE, test users cannot act in it, and REST
  for the guild (``/guilds/{id}/...`` and its channels' ``/channels/{id}/...``; application
  command routes keep working) answers ``rest_status`` (503
  ``{"message": "503: Service Unavailable", "code": 0}`` by default; discord.py raises
  ``DiscordServerError`` at once for a 503, while 500/502/504 it retries for ~25 s first).
  Discord documents no REST answer for an unavailable guild; a 5xx is what bots meet in practice.
- ``fake.remove_bot_from_guild(guild_id)``: GUILD_DELETE ``{"id"}`` (no ``unavailable``); the bot's
  member and managed role are gone, no more events, REST on the guild and its channels answers
  403/50001 Missing Access (an id that never existed answers 404/10004 Unknown Guild).
  ``fake.add_bot_to_guild(guild_id)`` re-adds it with a new managed role → GUILD_CREATE.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

from tests.fakediscord.errors import ApiError
from tests.fakediscord.fault_log import BOT_ADDED, BOT_REMOVED, GUILD_OUTAGE, GUILD_RETURNED
from tests.fakediscord.models import FakeMember, FakeRole
from tests.fakediscord.snowflakes import iso_now

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tests.fakediscord.guild import FakeGuild
    from tests.fakediscord.state import FakeState


def check_guild_reachable(state: FakeState, template: str, match_info: Mapping[str, str]) -> None:
    """Raise the outage answer for a route on an unavailable guild or one of its channels
    (``/guilds/{guild_id}/...``, ``/channels/{channel_id}/...``; application-command routes
    keep working)."""
    guild: FakeGuild | None = None
    raw_guild = match_info.get("guild_id", "")
    raw_channel = match_info.get("channel_id", "")
    if template.startswith("/guilds/{guild_id}") and raw_guild.isdigit():
        guild = state.guilds.get(int(raw_guild))
    elif template.startswith("/channels/{channel_id}") and raw_channel.isdigit():
        channel = state.channel(int(raw_channel))
        guild = state.guild_of(channel) if channel is not None else None
    if guild is not None and guild.unavailable and state.bot_user.id in guild.members:
        status = guild.outage_status
        raise ApiError(status, 0, f"{status}: {HTTPStatus(status).phrase}")


def require_reachable(state: FakeState, guild_id: int | None) -> None:
    """Test users cannot act in a guild during its outage (Discord's clients cannot either)."""
    guild = state.guilds.get(guild_id) if guild_id is not None else None
    if guild is not None and guild.unavailable:
        raise RuntimeError(f"guild {guild.name!r} is in an outage (fake.guild_outage)")


class GuildLifecycle:
    """Mixed into FakeDiscord."""

    _state: FakeState

    def guild_outage(self, guild_id: int, *, rest_status: int = 503) -> None:
        """The guild becomes unavailable (GUILD_DELETE with ``unavailable: true``)."""
        guild = self._bot_guild(guild_id)
        if guild.unavailable:
            raise ValueError(f"guild {guild.name!r} is already in an outage")
        HTTPStatus(rest_status)  # fail early on a made-up status
        self._state.sink.dispatch("GUILD_DELETE", {"id": str(guild.id), "unavailable": True})
        guild.unavailable = True
        guild.outage_status = rest_status
        self._state.fault_log.add(GUILD_OUTAGE, str(guild.id), rest_status=rest_status)

    def guild_returns(self, guild_id: int) -> None:
        """The outage ends: a full GUILD_CREATE, events and REST work again."""
        guild = self._bot_guild(guild_id)
        if not guild.unavailable:
            raise ValueError(f"guild {guild.name!r} is not in an outage")
        guild.unavailable = False
        self._state.sink.guild_available(guild)
        self._state.fault_log.add(GUILD_RETURNED, str(guild.id))

    def remove_bot_from_guild(self, guild_id: int) -> None:
        """The bot is kicked (GUILD_DELETE without ``unavailable``)."""
        guild = self._bot_guild(guild_id)
        bot_id = self._state.bot_user.id
        guild.unavailable = False
        del guild.members[bot_id]
        # Discord deletes the bot's managed role with it; a new one comes on the next invite.
        old_role = guild.roles.pop(guild.bot_role_id)
        guild.removed_bot_role = (old_role.permissions, old_role.position)
        self._state.sink.dispatch("GUILD_DELETE", {"id": str(guild.id)})
        self._state.fault_log.add(BOT_REMOVED, str(guild.id))

    def add_bot_to_guild(self, guild_id: int, *, bot_permissions: int | None = None) -> None:
        """Invite the bot back → GUILD_CREATE. Its new managed role takes the old one's place
        in the hierarchy with the old permissions unless ``bot_permissions`` is given."""
        guild = self._state.guild(guild_id)
        bot = self._state.bot_user
        if bot.id in guild.members:
            raise ValueError(f"the bot is already in {guild.name!r}")
        old_permissions, position = guild.removed_bot_role
        for other in guild.roles.values():
            if other.id != guild.id and other.position >= position:
                other.position += 1  # the new role takes the old one's place in the hierarchy
        role = FakeRole(
            id=self._state.ids.next(),
            name=bot.username,
            permissions=old_permissions if bot_permissions is None else bot_permissions,
            position=position,
            managed=True,
            bot_id=bot.id,
        )
        guild.roles[role.id] = role
        guild.bot_role_id = role.id
        guild.members[bot.id] = FakeMember(user_id=bot.id, role_ids=[role.id], joined_at=iso_now())
        guild.joined_at = iso_now()
        self._state.sink.guild_available(guild, joined=True)
        self._state.fault_log.add(BOT_ADDED, str(guild.id))

    def _bot_guild(self, guild_id: int) -> FakeGuild:
        guild = self._state.guild(guild_id)
        if self._state.bot_user.id not in guild.members:
            raise ValueError(f"the bot is not in {guild.name!r}")
        return guild
