"""On PostgreSQL, every shard is run by at most one process: a second process for a running
shard (or beside one running every shard) is refused, and a process that ends frees its shards."""

from __future__ import annotations

import asyncio
import sys

import pytest

from bot.domain.shards import ShardPlan
from bot.process_lock import AlreadyRunning
from bot.shard_locks import shards_held


@pytest.fixture
async def url(postgres):
    made = await postgres.new_database()
    try:
        yield made
    finally:
        await postgres.drop_database(made)


async def test_processes_on_different_shards_run_side_by_side(url: str) -> None:
    async with shards_held(url, ShardPlan(3, (0, 1))), shards_held(url, ShardPlan(3, (2,))):
        pass


async def test_a_shard_already_running_is_refused(url: str) -> None:
    async with shards_held(url, ShardPlan(3, (0, 1))):
        with pytest.raises(AlreadyRunning, match="already runs shard 1 on this database"):
            async with shards_held(url, ShardPlan(3, (1, 2))):
                pass
        # The refused process held nothing: shard 2 is still free.
        async with shards_held(url, ShardPlan(3, (2,))):
            pass


async def test_a_process_running_every_shard_runs_alone(url: str) -> None:
    async with shards_held(url, ShardPlan()):
        with pytest.raises(AlreadyRunning, match="all shards"):
            async with shards_held(url, ShardPlan(2, (1,))):
                pass
        with pytest.raises(AlreadyRunning, match="all shards"):
            async with shards_held(url, ShardPlan(2)):
                pass
    async with shards_held(url, ShardPlan(2, (0,))):
        with pytest.raises(AlreadyRunning, match="all shards"):
            async with shards_held(url, ShardPlan()):
                pass


async def test_a_process_that_ends_frees_its_shards(url: str) -> None:
    async with shards_held(url, ShardPlan(2, (0,))):
        pass
    async with shards_held(url, ShardPlan(2, (0,))):
        pass


HOLDER = """
import asyncio, sys
from bot.domain.shards import ShardPlan
from bot.shard_locks import shards_held

async def main():
    async with shards_held(sys.argv[1], ShardPlan(2, (0,))):
        print("held", flush=True)
        await asyncio.Event().wait()

asyncio.run(main())
"""


async def test_a_process_killed_frees_its_shards_for_its_replacement(url: str) -> None:
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLDER, url, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert holder.stdout is not None
        assert (await asyncio.wait_for(holder.stdout.readline(), 60)).strip() == b"held"
        with pytest.raises(AlreadyRunning):
            async with shards_held(url, ShardPlan(2, (0,))):
                pass
    finally:
        holder.kill()
        await holder.wait()

    # PostgreSQL ends the killed process's session as soon as it sees the connection close.
    async def replacement_starts() -> None:
        while True:
            try:
                async with shards_held(url, ShardPlan(2, (0,))):
                    return
            except AlreadyRunning:
                await asyncio.sleep(0.05)

    await asyncio.wait_for(replacement_starts(), 30)
