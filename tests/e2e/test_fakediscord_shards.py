"""The fake's sharding against discord.py's real AutoShardedClient: GET /gateway/bot's shard
count and max_concurrency, IDENTIFY's ``shard`` checked (4010 / 4011), guild events only on the
guild's shard, DMs on shard 0, and identify pacing per max_concurrency bucket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from discord import app_commands

from tests.fakediscord import FakeDiscord
from tests.fakediscord.gateway_session import GatewaySession
from tests.fakediscord.gateway_shards import IDENTIFY_WINDOW_SECONDS, shard_of
from tests.fakediscord.harness import patched_discord, running_bot

TOKEN = "fake-bot-token"


class ShardedClient(discord.AutoShardedClient):
    """A bare AutoShardedClient that keeps the messages it receives, with the shard that got
    them."""

    def __init__(self, *, identify_wait: float | None = None, **options: Any) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(
            intents=intents, guild_ready_timeout=0.05, chunk_guilds_at_startup=False, **options
        )
        # None: discord.py's own hook (5 s before every IDENTIFY but the first).
        self.identify_wait = identify_wait
        self.messages: asyncio.Queue[tuple[int | None, str]] = asyncio.Queue()
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="ping", description="Which shard answers")
        async def ping(interaction: discord.Interaction) -> None:
            shard = interaction.guild.shard_id if interaction.guild else None
            await interaction.response.send_message(f"pong from shard {shard}")

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if self.identify_wait is None:
            await super().before_identify_hook(shard_id, initial=initial)
        elif not initial:
            await asyncio.sleep(self.identify_wait)

    async def on_message(self, message: discord.Message) -> None:
        if not message.author.bot:
            shard = message.guild.shard_id if message.guild else None
            await self.messages.put((shard, message.content))


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN) as server:
        with patched_discord(server):
            yield server


def _dispatched(session: GatewaySession) -> list[str]:
    return [json.loads(frame)["t"] for _, frame in session.backlog]


def _sessions_by_shard(fake: FakeDiscord) -> dict[tuple[int, int] | None, GatewaySession]:
    return {s.shard: s for s in fake.gateway_sessions if s.connected}


async def test_gateway_bot_recommends_the_shard_count_and_each_shard_gets_its_guilds(
    fake: FakeDiscord,
) -> None:
    fake.sharding.shard_count = 2
    fake.sharding.max_concurrency = 2  # shards 0 and 1 sit in different identify buckets
    first = fake.add_guild("First circle", on_shard=(0, 2))
    second = fake.add_guild("Second circle", on_shard=(1, 2))
    assert [shard_of(first.id, 2), shard_of(second.id, 2)] == [0, 1]
    client = ShardedClient(identify_wait=0)
    async with running_bot(client, fake):
        assert client.shard_count == 2
        assert sorted(client.shards) == [0, 1]
        assert client.get_guild(first.id).shard_id == 0
        assert client.get_guild(second.id).shard_id == 1
        sessions = _sessions_by_shard(fake)
    assert set(sessions) == {(0, 2), (1, 2)}
    assert _dispatched(sessions[(0, 2)]).count("GUILD_CREATE") == 1
    assert _dispatched(sessions[(1, 2)]).count("GUILD_CREATE") == 1
    assert [r.bucket for r in fake.sharding.identifies] == [0, 1]
    assert fake.sharding.too_fast() == []
    gateway_bot = [r for r in fake.requests if r.path == "/gateway/bot"]
    assert gateway_bot[0].response["session_start_limit"]["max_concurrency"] == 2


async def test_guild_events_reach_only_their_shard_and_dms_only_shard_zero(
    fake: FakeDiscord,
) -> None:
    fake.sharding.shard_count = 2
    fake.sharding.max_concurrency = 2
    first = fake.add_guild("First circle", on_shard=(0, 2))
    second = fake.add_guild("Second circle", on_shard=(1, 2))
    alice = fake.add_user("alice")
    first.add_member(alice)
    second.add_member(alice)
    first_room = first.add_text_channel("lobby")
    second_room = second.add_text_channel("lobby")
    client = ShardedClient(identify_wait=0)
    async with running_bot(client, fake):
        sessions = _sessions_by_shard(fake)
        await fake.send_message(second_room, alice, "hello from shard one")
        assert await client.messages.get() == (1, "hello from shard one")
        await fake.send_message(first_room, alice, "hello from shard zero")
        assert await client.messages.get() == (0, "hello from shard zero")
        await fake.send_dm(alice, "a private hello")
        assert await client.messages.get() == (None, "a private hello")
        new_room = second.add_text_channel("second lobby")
    shard_zero, shard_one = _dispatched(sessions[(0, 2)]), _dispatched(sessions[(1, 2)])
    # One guild message each; the DM (and its DM channel) only on shard 0.
    assert shard_zero.count("MESSAGE_CREATE") == 2 and shard_one.count("MESSAGE_CREATE") == 1
    assert "CHANNEL_CREATE" in shard_one and "CHANNEL_CREATE" not in shard_zero
    assert new_room != second_room


async def test_an_interaction_goes_to_the_shard_of_its_guild(fake: FakeDiscord) -> None:
    fake.sharding.shard_count = 2
    fake.sharding.max_concurrency = 2
    first = fake.add_guild("First circle", on_shard=(0, 2))
    second = fake.add_guild("Second circle", on_shard=(1, 2))
    alice = fake.add_user("alice")
    for guild in (first, second):
        guild.add_member(alice)
        guild.add_text_channel("lobby")
    async with running_bot(ShardedClient(identify_wait=0), fake):
        sessions = _sessions_by_shard(fake)
        answers = []
        for guild_id in (second.id, first.id, None):
            ix = await fake.slash(guild_id, alice, "ping")
            answers.append((await ix.wait_final())["content"])
    assert answers == ["pong from shard 1", "pong from shard 0", "pong from shard None"]
    assert _dispatched(sessions[(0, 2)]).count("INTERACTION_CREATE") == 2  # guild 0 and the DM
    assert _dispatched(sessions[(1, 2)]).count("INTERACTION_CREATE") == 1
    # A process running only shard 0 never gets the second guild's interactions.
    async with running_bot(ShardedClient(identify_wait=0, shard_ids=[0], shard_count=2), fake):
        with pytest.raises(RuntimeError, match="no connected shard gets guild"):
            await fake.slash(second.id, alice, "ping")
        ix = await fake.slash(first.id, alice, "ping")
        assert (await ix.wait_final())["content"] == "pong from shard 0"


async def test_an_invalid_shard_is_closed_with_4010(fake: FakeDiscord) -> None:
    fake.add_guild("First circle")
    client = ShardedClient(identify_wait=0, shard_ids=[2], shard_count=2)
    with pytest.raises(discord.ConnectionClosed) as closed:
        async with running_bot(client, fake):
            pass
    assert closed.value.code == 4010
    assert fake.sessions == 0


async def test_too_many_guilds_on_one_connection_is_closed_with_4011(fake: FakeDiscord) -> None:
    fake.sharding.max_guilds_per_shard = 1  # Discord: 2,500
    fake.sharding.max_concurrency = 2
    fake.add_guild("First circle", on_shard=(0, 2))
    fake.add_guild("Second circle", on_shard=(1, 2))
    unsharded = ShardedClient(identify_wait=0, shard_ids=[0], shard_count=1)
    with pytest.raises(discord.ConnectionClosed) as closed:
        async with running_bot(unsharded, fake):
            pass
    assert closed.value.code == 4011
    sharded = ShardedClient(identify_wait=0, shard_ids=[0, 1], shard_count=2)
    async with running_bot(sharded, fake):
        assert len(sharded.guilds) == 2


async def test_discord_py_paces_identify_within_one_concurrency_bucket(
    fake: FakeDiscord,
) -> None:
    fake.sharding.shard_count = 2
    fake.sharding.max_concurrency = 1  # both shards share bucket 0
    fake.sharding.enforce_identify_rate = True
    fake.add_guild("First circle", on_shard=(0, 2))
    fake.add_guild("Second circle", on_shard=(1, 2))
    client = ShardedClient()  # discord.py's own hook: 5 s before every IDENTIFY but the first
    async with running_bot(client, fake, timeout=20.0):
        assert sorted(client.shards) == [0, 1]
    first, second = fake.sharding.identifies
    assert (first.bucket, second.bucket) == (0, 0)
    assert second.at - first.at >= IDENTIFY_WINDOW_SECONDS
    assert not first.refused and not second.refused


async def test_an_identify_too_soon_in_its_bucket_is_refused_when_enforced(
    fake: FakeDiscord,
) -> None:
    fake.sharding.shard_count = 2
    fake.sharding.max_concurrency = 1
    fake.sharding.enforce_identify_rate = True
    fake.add_guild("First circle", on_shard=(0, 2))
    fake.add_guild("Second circle", on_shard=(1, 2))
    client = ShardedClient(identify_wait=1.0)  # impatient: tries again every second
    async with running_bot(client, fake, timeout=20.0):
        assert sorted(client.shards) == [0, 1]
    refused = [r for r in fake.sharding.identifies if r.refused]
    accepted = [r for r in fake.sharding.identifies if not r.refused]
    assert refused and all(r.shard == (1, 2) for r in refused)
    assert [r.shard for r in accepted] == [(0, 2), (1, 2)]
    assert fake.sharding.too_fast() == []
    assert accepted[1].at - accepted[0].at >= IDENTIFY_WINDOW_SECONDS
