"""Delivery claims between processes: two (or three) connections to one database, each one a
Hearth process, on SQLite and on PostgreSQL.

On SQLite a claimant that started before another has ended (one process per file, the flock),
so the "other live process" is the connection opened later; on PostgreSQL every open session is
alive and a closed one is dead.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain.delivery import CLAIM_LEASE
from bot.storage.deliveries import JournalEntry
from bot.storage.storage import Storage, open_storage
from tests.postgres_server import PostgresServer

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
MS = timedelta(milliseconds=1)


async def claim(storage: Storage, key: str, now: datetime = NOW) -> JournalEntry | None:
    return await storage.deliveries.claim(
        key, guild_id=1, user_id=None, fingerprint="a:b:c", now=now
    )


async def begin(storage: Storage, key: str, now: datetime = NOW) -> bool:
    return await storage.deliveries.begin(
        key, guild_id=1, channel_id=10, user_id=None, fingerprint="a:b:c", anchor_id=5, now=now
    )


@asynccontextmanager
async def processes(target: Path | str) -> AsyncIterator[tuple[Storage, Storage]]:
    """Two live processes on one database: `other` started first, `first` after it."""
    other = await open_storage(target)
    first = await open_storage(target)
    try:
        yield first, other
    finally:
        await first.close()
        await other.close()


async def until_session_ended(storage: Storage, claimant: str) -> None:
    """PostgreSQL ends a closed connection's session a moment after the client goes."""
    if storage.database.dialect != "postgresql":
        return
    pid = int(claimant.split(":")[1])
    for _ in range(1000):
        row = await storage.database.fetch_one(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = ?", (pid,)
        )
        if row is not None and row[0] == 0:
            return
        await asyncio.sleep(0.01)  # polling the server for the session's end
    raise AssertionError("the closed connection's session never ended")


async def test_a_claim_held_by_a_live_process_is_skipped_by_another_until_given_back(
    db_target: Path | str,
) -> None:
    async with processes(db_target) as (first, other):
        taken = await claim(first, "k")
        assert taken is not None and (taken.status, taken.attempts) == ("unsent", 0)
        assert taken.claimed_by == (await first.database.claimant()).name
        assert taken.claim_expires_at == NOW + CLAIM_LEASE
        assert await claim(other, "k") is None
        assert not await begin(other, "k"), "nor can it start sending without the claim"
        again = await claim(first, "k")
        assert again is not None, "its holder may take it again (a retry in the same process)"
        await first.deliveries.release("k")
        taken_over = await claim(other, "k")
        assert taken_over is not None
        assert taken_over.claimed_by == (await other.database.claimant()).name


async def test_a_sent_delivery_can_be_claimed_by_nobody(db_target: Path | str) -> None:
    async with processes(db_target) as (first, other):
        assert await claim(first, "k") is not None
        assert await begin(first, "k")
        await first.deliveries.sent("k", 10, 700, NOW)
        entry = await other.deliveries.get("k")
        assert entry is not None and (entry.status, entry.claimed_by) == ("sent", None)
        assert await claim(other, "k") is None
        assert await claim(first, "k") is None
        assert not await begin(other, "k")
        entry = await other.deliveries.get("k")
        assert entry is not None and (entry.status, entry.message_id) == ("sent", 700)


async def test_every_settling_gives_the_claim_back(db_target: Path | str) -> None:
    async with processes(db_target) as (first, other):
        journal = first.deliveries
        for key, settle in (
            ("unsure", lambda k: journal.still_unsure(k, "Discord didn't answer in time", NOW)),
            ("failed", lambda k: journal.failed(k, "Hearth is missing permissions there", NOW)),
            ("unsent", lambda k: journal.unsent(k, NOW)),
        ):
            assert await claim(first, key) is not None and await begin(first, key)
            assert await claim(other, key) is None
            await settle(key)
            taken = await claim(other, key)
            assert taken is not None, key
            assert taken.status == ("sending" if key == "unsure" else key)


async def test_a_dead_processs_claim_passes_at_once_to_the_one_restarted(
    db_target: Path | str,
) -> None:
    dead = await open_storage(db_target)
    name = (await dead.database.claimant()).name
    assert await claim(dead, "k") is not None and await begin(dead, "k")
    await dead.close()
    restarted = await open_storage(db_target)
    try:
        await until_session_ended(restarted, name)
        taken = await claim(restarted, "k", NOW + MS)  # long before the lease runs out
        assert taken is not None
        # Still 'sending': it may have reached Discord, so the new holder looks before sending.
        assert (taken.status, taken.attempts, taken.anchor_id) == ("sending", 1, 5)
        assert taken.claimed_by == (await restarted.database.claimant()).name != name
    finally:
        await restarted.close()


async def test_a_hung_processs_claim_passes_when_its_lease_runs_out_unless_renewed(
    db_target: Path | str,
) -> None:
    async with processes(db_target) as (first, other):
        assert await claim(first, "k") is not None
        assert await claim(other, "k", NOW + CLAIM_LEASE) is None
        assert await first.deliveries.renew_claims(NOW + timedelta(minutes=4)) == 1
        assert await claim(other, "k", NOW + CLAIM_LEASE + MS) is None, "renewed: still held"
        lapsed = NOW + timedelta(minutes=4) + CLAIM_LEASE + MS
        taken = await claim(other, "k", lapsed)
        assert taken is not None
        assert taken.claim_expires_at == lapsed + CLAIM_LEASE
        assert await first.deliveries.renew_claims(lapsed) == 0, "the hung one holds nothing"


async def test_forgetting_old_deliveries_leaves_a_held_claim_alone(db_target: Path | str) -> None:
    async with processes(db_target) as (first, _other):
        assert await claim(first, "old") is not None
        await first.deliveries.unsent("old", NOW)
        assert await claim(first, "held", NOW - timedelta(days=40)) is not None
        await first.deliveries.renew_claims(NOW)
        forgotten = await first.deliveries.forget_settled_before(NOW - timedelta(days=30) + MS)
        assert forgotten == 0, "'old' was settled just now; 'held' is claimed"
        assert await first.deliveries.forget_settled_before(NOW + MS) == 1
        assert await first.deliveries.get("held") is not None


async def test_racing_processes_on_postgresql_each_delivery_goes_to_exactly_one(
    postgres: PostgresServer,
) -> None:
    """Many processes claiming the same deliveries at the same moment: one winner each."""
    url = await postgres.new_database()
    racers = [await open_storage(url) for _ in range(4)]
    try:
        keys = [f"dm:{n}" for n in range(40)]
        # Each starts at a different key, so they meet on every key from all sides.
        tries = [
            (key, racer)
            for index, racer in enumerate(racers)
            for key in keys[index * 10 :] + keys[: index * 10]
        ]
        results = await asyncio.gather(*(claim(racer, key) for key, racer in tries))
        winners: dict[str, list[str]] = {key: [] for key in keys}
        for (key, _racer), won in zip(tries, results, strict=True):
            if won is not None:
                winners[key].append(str(won.claimed_by))
        assert all(len(names) == 1 for names in winners.values()), winners
    finally:
        for racer in racers:
            await racer.close()
        await postgres.drop_database(url)
