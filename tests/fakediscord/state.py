"""The fake's whole in-memory world; it outlives bot connections, as Discord's data does."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from tests.fakediscord import payloads
from tests.fakediscord.commands import CommandRegistry
from tests.fakediscord.fault_log import FaultLog
from tests.fakediscord.faults import RestFaults
from tests.fakediscord.gateway_shards import Sharding
from tests.fakediscord.guild import FakeGuild
from tests.fakediscord.messages import MessageStore
from tests.fakediscord.models import DM, FakeChannel, FakeMember, FakeRole, FakeUser, UploadedFile
from tests.fakediscord.permissions import (
    ATTACH_FILES,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    EMBED_LINKS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    channel_permissions,
)
from tests.fakediscord.ratelimits import RateLimits
from tests.fakediscord.signals import Signal
from tests.fakediscord.snowflakes import SnowflakeGenerator, iso_now

if TYPE_CHECKING:
    from tests.fakediscord.handles import Interaction

# What anybody may do in a DM channel (the bot and the user alike).
DM_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY


class EventSink(Protocol):
    """Where state changes are announced; the gateway implements it."""

    def dispatch(self, event: str, data: dict[str, Any]) -> None: ...

    def guild_available(self, guild: FakeGuild, *, joined: bool = False) -> None: ...


class _NoGateway:
    """Sink used before the gateway exists: changes are simply not announced."""

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        return None

    def guild_available(self, guild: FakeGuild, *, joined: bool = False) -> None:
        return None


@dataclass
class RecordedRequest:
    """One REST call the bot made (kept in order in ``FakeDiscord.requests``)."""

    method: str
    path: str  # without the /api/v10 prefix, e.g. "/channels/123/messages"
    query: dict[str, str]
    json: Any
    files: list[UploadedFile]
    authorized: bool
    timestamp: float  # time.monotonic() at arrival
    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None  # filled in once the answer is sent (None: connection dropped)
    response: Any = None  # the JSON answered (None for 204)
    fault: str | None = None  # "rate_limited", "http_error" or "timeout" when the fake failed it
    via: str | None = None  # the label of the address it came in on (labelled.py); None: main

    def matches(self, method: str, path_regex: str) -> bool:
        return self.method == method.upper() and re.fullmatch(path_regex, self.path) is not None


class FakeState:
    def __init__(
        self, token: str, bot_name: str, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.ids = SnowflakeGenerator()
        # "Now" for rules that compare with the present (e.g. events in the past): the same
        # clock the bot under test reads, so no test depends on the day it runs.
        self.now: Callable[[], datetime] = clock or (lambda: datetime.now(tz=UTC))
        self.token = token
        self.sink: EventSink = _NoGateway()
        self.base_url = ""  # http://127.0.0.1:PORT once listening (attachment URLs use it)
        self.gateway_url = ""  # ws://127.0.0.1:PORT/gateway once listening
        bot_id = self.ids.next()
        # Discord gives new applications the same id as their bot user.
        self.bot_user = FakeUser(id=bot_id, username=bot_name, bot=True)
        self.application_id = bot_id
        self.users: dict[int, FakeUser] = {bot_id: self.bot_user}
        self.guilds: dict[int, FakeGuild] = {}
        # The application's owner (what commands.Bot.is_owner() checks); tests may reassign it.
        self.app_owner_id = self.add_user("app-owner")
        self.channels: dict[int, FakeChannel] = {}
        self.dm_channel_ids: dict[int, int] = {}  # user id -> DM channel id
        self.messages = MessageStore(self)
        self.commands = CommandRegistry(self.ids, self.application_id)
        self.interactions: dict[int, Interaction] = {}
        self.interactions_by_token: dict[str, Interaction] = {}
        # Discord's timing rules, adjustable by tests that want to probe the edges.
        self.interaction_deadline = 3.0  # seconds to send the first callback
        self.followup_ttl = 15 * 60.0  # lifetime of the interaction webhook token
        self.requests: list[RecordedRequest] = []
        # Tracebacks of bugs in the fake (answered 503 / dropped gateway frames).
        self.internal_errors: list[str] = []
        self.request_signal = Signal()
        # Fired on any change a test may wait for (interaction responses, messages).
        self.changed = Signal()
        # Failure modes, all off until a test switches them on, and the record of what was served.
        self.fault_log = FaultLog()
        self.rate_limits = RateLimits(self.fault_log)
        self.faults = RestFaults(self.fault_log)
        # Pinned messages per channel: message id -> pinned_at (ISO), in pin order.
        self.pins: dict[int, dict[int, str]] = {}
        self.sharding = Sharding()
        # Extra listening ports, each naming the process sent there (labelled.py).
        self.labels_by_port: dict[int, str] = {}
        # Message id -> the label of the address whose POST created it (None: the main one).
        self.created_via: dict[int, str | None] = {}

    # -------------------------------------------------------------------- users
    def add_user(self, username: str, *, global_name: str | None = None, bot: bool = False) -> int:
        user = FakeUser(id=self.ids.next(), username=username, global_name=global_name, bot=bot)
        self.users[user.id] = user
        return user.id

    def user(self, user_id: int) -> FakeUser:
        try:
            return self.users[user_id]
        except KeyError:
            raise KeyError(f"unknown user id {user_id}; create it with fake.add_user()") from None

    # ------------------------------------------------------------------- guilds
    def add_guild(
        self,
        name: str,
        *,
        owner_id: int | None = None,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        on_shard: tuple[int, int] | None = None,
    ) -> FakeGuild:
        """Create a guild with @everyone, an owner, and the bot as a member with its own role.
        ``on_shard=(shard_id, shard_count)`` picks an id that lives on that shard."""
        if owner_id is None:
            owner_id = self.add_user(f"{name.lower().replace(' ', '-')}-owner")
        guild_id = self.ids.next() if on_shard is None else self.ids.next_on_shard(*on_shard)
        guild = FakeGuild(self, guild_id, name, owner_id)
        guild.roles[guild.id] = FakeRole(
            id=guild.id, name="@everyone", permissions=everyone_permissions, position=0
        )
        bot_role = FakeRole(
            id=self.ids.next(),
            name=self.bot_user.username,
            permissions=bot_permissions,
            position=1,
            managed=True,
            bot_id=self.bot_user.id,
        )
        guild.roles[bot_role.id] = bot_role
        guild.bot_role_id = bot_role.id
        for user_id, roles in ((owner_id, []), (self.bot_user.id, [bot_role.id])):
            guild.members[user_id] = FakeMember(
                user_id=user_id, role_ids=roles, joined_at=iso_now()
            )
        self.guilds[guild.id] = guild
        self.sink.guild_available(guild, joined=True)
        return guild

    def guild(self, guild_id: int) -> FakeGuild:
        try:
            return self.guilds[guild_id]
        except KeyError:
            raise KeyError(f"unknown guild id {guild_id}") from None

    def guild_of(self, channel: FakeChannel) -> FakeGuild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id is not None else None

    def bot_guilds(self) -> list[FakeGuild]:
        return [g for g in self.guilds.values() if self.bot_user.id in g.members]

    # ----------------------------------------------------------------- channels
    def channel(self, channel_id: int) -> FakeChannel | None:
        return self.channels.get(channel_id)

    def open_dm(self, user_id: int) -> FakeChannel:
        """The DM channel between the bot and a user (one per user, created on first use)."""
        existing = self.dm_channel_ids.get(user_id)
        if existing is not None:
            return self.channels[existing]
        channel = FakeChannel(
            id=self.ids.next(),
            type=DM,
            name=None,
            guild_id=None,
            created_at=iso_now(),
            recipient_id=user_id,
        )
        self.channels[channel.id] = channel
        self.dm_channel_ids[user_id] = channel.id
        return channel

    def dm_payload(self, channel: FakeChannel) -> dict[str, Any]:
        assert channel.recipient_id is not None
        return payloads.dm_channel(channel, self.user(channel.recipient_id))

    def permissions_in(self, user_id: int, channel: FakeChannel) -> int:
        """A user's permissions in any channel (DMs have a fixed set)."""
        guild = self.guild_of(channel)
        if guild is None:
            return DM_PERMISSIONS
        return channel_permissions(guild, user_id, channel)

    def shares_guild_with_bot(self, user_id: int) -> bool:
        return any(user_id in guild.members for guild in self.bot_guilds())

    def channel_payload(self, channel: FakeChannel) -> dict[str, Any]:
        if channel.type == DM:
            return self.dm_payload(channel)
        return payloads.channel(channel)
