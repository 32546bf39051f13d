"""A fake guild and the test-facing helpers that shape it (channels, roles, members).

Changes made while a bot is connected are also dispatched over the gateway (CHANNEL_CREATE,
GUILD_ROLE_CREATE, GUILD_MEMBER_ADD, ...) so the bot's cache stays in step, as with Discord.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakediscord import payloads
from tests.fakediscord.models import (
    GUILD_CATEGORY,
    GUILD_TEXT,
    GUILD_VOICE,
    FakeChannel,
    FakeMember,
    FakeRole,
    normalize_overwrite,
)
from tests.fakediscord.permissions import (
    ADMINISTRATOR,
    DEFAULT_BOT_PERMISSIONS,
    MANAGE_GUILD,
    base_permissions,
    channel_permissions,
)
from tests.fakediscord.snowflakes import iso_now

if TYPE_CHECKING:
    from tests.fakediscord.state import FakeState


class FakeGuild:
    """One guild. ``id`` doubles as the @everyone role id, as on Discord."""

    def __init__(self, state: FakeState, guild_id: int, name: str, owner_id: int) -> None:
        self._state = state
        self.id = guild_id
        self.name = name
        self.owner_id = owner_id
        self.roles: dict[int, FakeRole] = {}
        self.members: dict[int, FakeMember] = {}
        self.channel_ids: list[int] = []
        self.scheduled_events: dict[int, dict[str, Any]] = {}
        self.bot_role_id: int = 0  # set by FakeState.add_guild once the bot joined
        self.joined_at = iso_now()
        # An outage (fake.guild_outage): no events, and REST for the guild answers this status.
        self.unavailable = False
        self.outage_status = 503
        # (permissions, position) of the bot's managed role when it was removed from the guild.
        self.removed_bot_role = (DEFAULT_BOT_PERMISSIONS, 1)

    def __repr__(self) -> str:
        return f"<FakeGuild id={self.id} name={self.name!r}>"

    # ----------------------------------------------------------------- channels
    def add_text_channel(
        self,
        name: str,
        overwrites: list[dict[str, Any]] | None = None,
        *,
        topic: str | None = None,
        parent_id: int | None = None,
        nsfw: bool = False,
    ) -> int:
        """Create a text channel (type 0) and return its id."""
        channel = self._new_channel(GUILD_TEXT, name, overwrites, parent_id)
        channel.topic = topic
        channel.nsfw = nsfw
        return self._register_channel(channel)

    def add_voice_channel(
        self,
        name: str,
        overwrites: list[dict[str, Any]] | None = None,
        *,
        parent_id: int | None = None,
    ) -> int:
        """Create a voice channel (type 2) and return its id."""
        return self._register_channel(self._new_channel(GUILD_VOICE, name, overwrites, parent_id))

    def add_category(self, name: str, overwrites: list[dict[str, Any]] | None = None) -> int:
        return self._register_channel(self._new_channel(GUILD_CATEGORY, name, overwrites, None))

    def delete_channel(self, channel_id: int) -> None:
        """A moderator deletes a channel (and its threads): CHANNEL_DELETE / THREAD_DELETE, and
        the bot's REST calls on it answer 404/10003 Unknown Channel from then on."""
        channel = self._require_channel(channel_id)
        if channel.is_thread:
            raise ValueError("delete the parent channel; threads go with it")
        for thread in [t for t in self.threads if t.parent_id == channel.id]:
            del self._state.channels[thread.id]
            self._state.sink.dispatch(
                "THREAD_DELETE",
                {
                    "id": str(thread.id),
                    "guild_id": str(self.id),
                    "parent_id": str(channel.id),
                    "type": thread.type,
                },
            )
        del self._state.channels[channel.id]
        self.channel_ids.remove(channel.id)
        self._state.sink.dispatch("CHANNEL_DELETE", payloads.channel(channel))

    def set_overwrites(self, channel_id: int, overwrites: list[dict[str, Any]]) -> None:
        """Replace a channel's permission overwrites (dispatches CHANNEL_UPDATE)."""
        channel = self._require_channel(channel_id)
        channel.overwrites = [normalize_overwrite(o) for o in overwrites]
        self._state.sink.dispatch("CHANNEL_UPDATE", payloads.channel(channel))

    def channel_record(self, channel_id: int) -> FakeChannel | None:
        channel = self._state.channels.get(channel_id)
        if channel is None or channel.guild_id != self.id:
            return None
        return channel

    @property
    def channels(self) -> list[FakeChannel]:
        """Channels (not threads) in creation order."""
        return [self._state.channels[cid] for cid in self.channel_ids]

    @property
    def threads(self) -> list[FakeChannel]:
        return [c for c in self._state.channels.values() if c.guild_id == self.id and c.is_thread]

    def channel_id(self, name: str) -> int:
        """Look a channel up by name (handy in tests)."""
        for channel in self.channels + self.threads:
            if channel.name == name:
                return channel.id
        raise KeyError(f"no channel named {name!r} in guild {self.name!r}")

    # -------------------------------------------------------------------- roles
    def add_role(
        self,
        name: str,
        permissions: int = 0,
        *,
        above_bot: bool = False,
        color: int = 0,
        hoist: bool = False,
        mentionable: bool = False,
    ) -> int:
        """Create a role and return its id.

        Like Discord, a new role is created at the bottom of the hierarchy (position 1), so the
        bot can manage it; ``above_bot=True`` puts it at the top, out of the bot's reach.
        """
        if above_bot:
            position = max(role.position for role in self.roles.values()) + 1
        else:
            position = 1
            for role in self.roles.values():
                if role.id != self.id and role.position >= position:
                    role.position += 1
                    self._state.sink.dispatch(
                        "GUILD_ROLE_UPDATE",
                        {"guild_id": str(self.id), "role": payloads.role(role)},
                    )
        role = FakeRole(
            id=self._state.ids.next(),
            name=name,
            permissions=permissions,
            position=position,
            color=color,
            hoist=hoist,
            mentionable=mentionable,
        )
        self.roles[role.id] = role
        self._state.sink.dispatch(
            "GUILD_ROLE_CREATE", {"guild_id": str(self.id), "role": payloads.role(role)}
        )
        return role.id

    def role(self, role_id: int) -> FakeRole:
        try:
            return self.roles[role_id]
        except KeyError:
            raise KeyError(f"role {role_id} is not in guild {self.name!r}") from None

    def top_role_position(self, user_id: int) -> int:
        member = self.member(user_id)
        positions = [self.roles[r].position for r in member.role_ids if r in self.roles]
        return max(positions, default=0)

    # ------------------------------------------------------------------ members
    def add_member(
        self,
        user_id: int,
        roles: list[int] | None = None,
        permissions_override: int | None = None,
        *,
        nick: str | None = None,
    ) -> FakeMember:
        """Add a user to the guild (dispatches GUILD_MEMBER_ADD when the bot has that intent)."""
        user = self._state.user(user_id)
        for role_id in roles or []:
            self.role(role_id)  # fail early on a typo rather than silently ignoring the role
        member = FakeMember(
            user_id=user.id,
            role_ids=list(roles or []),
            joined_at=iso_now(),
            nick=nick,
            permissions_override=permissions_override,
        )
        self.members[user.id] = member
        data = payloads.member(self._state, self, member)
        data["guild_id"] = str(self.id)
        self._state.sink.dispatch("GUILD_MEMBER_ADD", data)
        return member

    def remove_member(self, user_id: int) -> None:
        """The member leaves (or is kicked): GUILD_MEMBER_REMOVE to sessions with the
        GUILD_MEMBERS intent only, as on Discord; afterwards GET member answers 10007, they see
        none of the guild's channels, and DMs fail with 50007 if no other guild is shared."""
        if user_id == self._state.bot_user.id:
            raise ValueError("use fake.remove_bot_from_guild() for the bot")
        if user_id == self.owner_id:
            raise ValueError("the owner cannot leave their guild")
        self.member(user_id)
        del self.members[user_id]
        self._state.sink.dispatch(
            "GUILD_MEMBER_REMOVE",
            {"guild_id": str(self.id), "user": payloads.user(self._state.user(user_id))},
        )

    def member(self, user_id: int) -> FakeMember:
        try:
            return self.members[user_id]
        except KeyError:
            raise KeyError(f"user {user_id} is not a member of {self.name!r}") from None

    def set_admin(self, user_id: int) -> int:
        """Give a member Administrator + Manage Guild through an "Admin" role; returns its id.

        The user is added to the guild first if needed.
        """
        admin_role = next((r for r in self.roles.values() if r.name == "Admin"), None)
        role_id = (
            admin_role.id
            if admin_role is not None
            else self.add_role("Admin", ADMINISTRATOR | MANAGE_GUILD, above_bot=True)
        )
        if user_id not in self.members:
            self.add_member(user_id, roles=[role_id])
        else:
            self.give_role(user_id, role_id)
        return role_id

    def give_role(self, user_id: int, role_id: int) -> None:
        """Test-side role change (as if a moderator did it in the client)."""
        member = self.member(user_id)
        self.role(role_id)
        if role_id not in member.role_ids:
            member.role_ids.append(role_id)
            self.member_updated(member)

    def take_role(self, user_id: int, role_id: int) -> None:
        member = self.member(user_id)
        if role_id in member.role_ids:
            member.role_ids.remove(role_id)
            self.member_updated(member)

    def member_updated(self, member: FakeMember) -> None:
        data = payloads.member(self._state, self, member)
        data["guild_id"] = str(self.id)
        self._state.sink.dispatch("GUILD_MEMBER_UPDATE", data)

    # -------------------------------------------------------------- permissions
    def permissions_of(self, user_id: int, channel_id: int | None = None) -> int:
        """Computed permissions of a member, guild-wide or in one channel."""
        if channel_id is None:
            return base_permissions(self, user_id)
        return channel_permissions(self, user_id, self._require_channel(channel_id))

    # ------------------------------------------------------------------ helpers
    def _new_channel(
        self,
        kind: int,
        name: str,
        overwrites: list[dict[str, Any]] | None,
        parent_id: int | None,
    ) -> FakeChannel:
        return FakeChannel(
            id=self._state.ids.next(),
            type=kind,
            name=name,
            guild_id=self.id,
            created_at=iso_now(),
            position=len(self.channel_ids),
            overwrites=[normalize_overwrite(o) for o in overwrites or []],
            parent_id=parent_id,
        )

    def _register_channel(self, channel: FakeChannel) -> int:
        self._state.channels[channel.id] = channel
        self.channel_ids.append(channel.id)
        self._state.sink.dispatch("CHANNEL_CREATE", payloads.channel(channel))
        return channel.id

    def _require_channel(self, channel_id: int) -> FakeChannel:
        channel = self.channel_record(channel_id)
        if channel is None:
            raise KeyError(f"channel {channel_id} is not in guild {self.name!r}")
        return channel
