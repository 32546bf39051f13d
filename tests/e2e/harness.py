"""Start the real Hearth the way `python -m bot` does, pointed at the fake Discord server."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import discord
import pytest

from bot.app import Hearth
from bot.runner import build_hearth
from bot.settings import load_settings
from tests.clocks import ManualClock
from tests.fakediscord import FakeDiscord, Interaction
from tests.fakediscord.guild import FakeGuild

DEADLINE_SECONDS = 3.0
# The runners alive in this test process (one test at a time per worker).
RUNNERS: weakref.WeakSet[HearthRunner] = weakref.WeakSet()


@dataclass
class Community:
    """A typical recovery server: its channels, roles and people."""

    guild_id: int
    checkins: int
    celebrations: int
    announcements: int
    mod_queue: int
    moderator_role: int
    organizer_role: int
    admin: int
    member: int
    moderator: int
    extra_channels: dict[str, int] = field(default_factory=dict)


def build_community(
    fake: FakeDiscord, *, name: str = "Recovery Circle", on_shard: tuple[int, int] | None = None
) -> Community:
    """``on_shard=(shard_id, shard_count)``: the server lives on that shard."""
    guild = fake.add_guild(name, on_shard=on_shard)
    admin_role = guild.add_role("Admins", permissions=discord.Permissions(manage_guild=True).value)
    # Moderators can manage messages, as on most servers: with that, their role may read the
    # moderator queue even before it is named the moderator role in /hearth setup.
    moderator_role = guild.add_role(
        "Moderators", permissions=discord.Permissions(manage_messages=True).value
    )
    organizer_role = guild.add_role("Organizers", permissions=0)
    admin, member, moderator = fake.add_user("ada"), fake.add_user("sam"), fake.add_user("mo")
    guild.add_member(admin, roles=[admin_role])
    guild.add_member(member, roles=[])
    guild.add_member(moderator, roles=[moderator_role])
    return Community(
        guild_id=guild.id,
        checkins=guild.add_text_channel("check-ins"),
        celebrations=guild.add_text_channel("celebrations"),
        announcements=guild.add_text_channel("announcements"),
        mod_queue=guild.add_text_channel("mod-queue", overwrites=private_to(guild, moderator_role)),
        moderator_role=moderator_role,
        organizer_role=organizer_role,
        admin=admin,
        member=member,
        moderator=moderator,
    )


def private_to(guild: FakeGuild, *role_ids: int) -> list[dict]:
    """Overwrites for a channel only these roles (and Hearth) can read: a private queue."""
    view = str(discord.Permissions(view_channel=True).value)
    return [
        {"id": str(guild.id), "type": 0, "allow": "0", "deny": view},
        *({"id": str(role), "type": 0, "allow": view, "deny": "0"} for role in role_ids),
        {"id": str(guild.bot_role_id), "type": 0, "allow": view, "deny": "0"},
    ]


def running_bots() -> list[Hearth]:
    """Every Hearth the test's runners have running now (for helpers that must wait on them)."""
    return [bot for runner in RUNNERS for bot, _ in runner._running]


class HearthRunner:
    """Starts and stops Hearth processes-in-a-task on one database file, like restarts."""

    def __init__(
        self,
        fake: FakeDiscord,
        database: Path | str,
        clock: ManualClock,
        monkeypatch: pytest.MonkeyPatch,
        *,
        state_dir: Path | None = None,
    ) -> None:
        self.fake = fake
        # A SQLite file, or a PostgreSQL URL: the bot is started with either, like a user would.
        self.database = database
        self.state_dir = state_dir
        self.clock = clock
        self._monkeypatch = monkeypatch
        self._running: list[tuple[Hearth, asyncio.Task[None]]] = []
        RUNNERS.add(self)
        self._unfollow: dict[int, Callable[[], None]] = {}

    def environment(self) -> dict[str, str]:
        url = self.database if isinstance(self.database, str) else f"sqlite:///{self.database}"
        env = {"HEARTH_STATE_DIR": str(self.state_dir)} if self.state_dir else {}
        return {
            **env,
            "DISCORD_TOKEN": self.fake.token,
            "HEARTH_DATABASE_URL": url,
            "HEARTH_DISCORD_API_BASE": self.fake.api_base,
            "HEARTH_DISCORD_GATEWAY_URL": self.fake.gateway_url,
        }

    async def start(self, **env: str) -> Hearth:
        for name, value in {**self.environment(), **env}.items():
            self._monkeypatch.setenv(name, value)
        settings = load_settings()
        bot = await build_hearth(settings, clock=self.clock, guild_ready_timeout=0.05)
        # The test's clock jumps; the scheduler looks at its jobs after each jump, so timed work
        # fires by itself as soon as the clock reaches it, as it does in production.
        self._unfollow[id(bot)] = self.clock.on_move(bot.scheduler.wakeup)
        task = asyncio.create_task(bot.start(settings.discord_token.get_secret_value()))
        self._running.append((bot, task))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({task, ready}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            if task in done:
                task.result()  # re-raise the start-up failure
            raise TimeoutError("Hearth did not become ready")
        return bot

    async def stop(self, bot: Hearth) -> None:
        for entry in list(self._running):
            if entry[0] is bot:
                self._running.remove(entry)
                self._unfollow.pop(id(bot))()
                await bot.close()
                with contextlib.suppress(asyncio.CancelledError):
                    await entry[1]
                await bot.storage.close()

    async def restart(self, bot: Hearth) -> Hearth:
        await self.stop(bot)
        return await self.start()

    async def stop_all(self) -> None:
        for bot, _ in list(self._running):
            await self.stop(bot)


async def answered(ix: Interaction) -> dict:
    """The interaction's first response, checked against Discord's 3-second deadline."""
    response = await ix.wait_response()
    assert ix.latency is not None and ix.latency < DEADLINE_SECONDS, ix.latency
    return response
