"""Processes sharing one PostgreSQL database share Discord's identify buckets: an IDENTIFY in a
bucket another process has just used waits out that process's window; other buckets do not wait.
(Each pacer stands for one process; each holds its own connections.)"""

from __future__ import annotations

import time

import asyncpg
import pytest

from bot.identify_pacing import BUCKET_LOCK_SPACE, IdentifyPacer

WINDOW = 0.5


@pytest.fixture
async def url(postgres):
    made = await postgres.new_database()
    try:
        yield made
    finally:
        await postgres.drop_database(made)


async def _bucket_held(url: str, bucket: int) -> bool:
    connection = await asyncpg.connect(url)
    try:
        held = await connection.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::oid"
            " AND objid = $2::oid AND granted",
            BUCKET_LOCK_SPACE,
            bucket,
        )
    finally:
        await connection.close()
    return bool(held)


async def test_the_same_bucket_waits_for_the_other_process_window(url: str) -> None:
    first = IdentifyPacer(1, shared_with=url, window=WINDOW)
    second = IdentifyPacer(1, shared_with=url, window=WINDOW)
    await first.wait_turn(0)
    first_identified = time.monotonic()
    await second.wait_turn(1)  # bucket 0 too, with max_concurrency 1
    assert time.monotonic() - first_identified >= WINDOW * 0.9


async def test_other_buckets_start_together_across_processes(url: str) -> None:
    first = IdentifyPacer(2, shared_with=url, window=60)
    second = IdentifyPacer(2, shared_with=url, window=60)
    await first.wait_turn(0)
    await second.wait_turn(1)  # bucket 1: free at once although bucket 0 is held
    assert await _bucket_held(url, 0)
    assert await _bucket_held(url, 1)
    await first.close()
    await second.close()
    assert not await _bucket_held(url, 0)
    assert not await _bucket_held(url, 1)


async def test_an_unreachable_database_leaves_pacing_to_the_process() -> None:
    pacer = IdentifyPacer(1, shared_with="postgresql://nobody@127.0.0.1:9/none", window=WINDOW)
    await pacer.wait_turn(0)  # paced in this process only, not stuck
    await pacer.close()
