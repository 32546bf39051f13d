"""Failover across shard processes on PostgreSQL: a process killed in the middle of a burst of
timed work and restarted leaves nothing missing, nothing twice, and nothing sent by a process
that does not run the server's shard.

Three real `python -m bot` processes share one PostgreSQL database, one per shard of three,
against the fake Discord with Discord's rate limits. Every server has meeting reminders,
milestone celebrations and moderator-queue escalations due when the processes start, more than
Discord lets a bot post in one channel at once, so each process works through a burst. Once the
victim (shard 1) has made some of its deliveries, its next post is carried out by the fake and
its answer held, and the process is SIGKILLed: that post reached Discord and the process never
learned it. Discord's nonce window is then closed (as after a longer outage), so only Hearth's
own journal and its look at the channel history stand between the restarted process and a
second post. Each process reaches the fake through its own labelled address, so every message
is credited to the process that created it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.shards import shard_of
from bot.shard_locks import LOCK_SPACE
from tests.e2e.failover_world import (
    CELEBRATIONS_PER_SERVER,
    ESCALATIONS_PER_SERVER,
    REMINDERS_PER_SERVER,
    Expected,
    build_servers,
    seed_due_work,
    tally,
)
from tests.e2e.process_helpers import START_TIMEOUT, HearthProcess, query, until
from tests.fakediscord import FakeDiscord, nonces
from tests.postgres_server import PostgresServer

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

SHARDS = 3
SERVERS_PER_SHARD = 3
VICTIM = 1
# The victim is killed once this many of its deliveries exist (of 3 x 13): well into its burst,
# and far from its end, which Discord's 5-posts-per-channel window keeps seconds away.
KILL_AFTER = 8
SETTLE_TIMEOUT = 180.0  # two cores shared by many: generous, the test waits for conditions
PER_SERVER = REMINDERS_PER_SERVER + CELEBRATIONS_PER_SERVER + ESCALATIONS_PER_SERVER


@pytest.fixture
async def wall_fake() -> AsyncIterator[FakeDiscord]:
    # Real processes read the real clock, so the fake does too.
    async with FakeDiscord(token="fake-bot-token-for-failover") as server:
        server.sharding.shard_count = SHARDS
        server.sharding.max_concurrency = SHARDS  # one identify bucket per shard: no queueing
        server.rate_limits.enable()
        yield server
        assert server.internal_errors == []


@pytest.fixture
async def shared_database(postgres: PostgresServer) -> AsyncIterator[str]:
    """One PostgreSQL database for the three processes (SQLite serves one process only)."""
    url = await postgres.new_database()
    try:
        yield url
    finally:
        await postgres.drop_database(url)


@pytest.fixture
async def started(wall_fake: FakeDiscord) -> AsyncIterator[list[HearthProcess]]:
    """Every process the test starts; none is left running."""
    processes: list[HearthProcess] = []
    try:
        yield processes
    finally:
        for process in processes:
            await process.ensure_stopped()


def _process(
    fake: FakeDiscord, database: str, tmp_path: Path, shard: int, label: str
) -> HearthProcess:
    # Three cold starts at once on a shared machine: more time than one start alone needs.
    return HearthProcess(
        fake,
        database,
        tmp_path / label,
        label=label,
        shard=(shard, SHARDS),
        start_timeout=2 * START_TIMEOUT,
    )


def _shard_lock_free(database: str, shard: int) -> bool:
    # pg_advisory_lock's two-key form shows up as classid/objid with objsubid 2.
    held = query(
        database,
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = ? AND objid = ?"
        " AND objsubid = 2",
        LOCK_SPACE,
        shard,
    )
    return not held


async def _kill_with_a_post_in_flight(
    fake: FakeDiscord, victim: HearthProcess, expected: list[Expected]
) -> None:
    """Once KILL_AFTER of the victim's deliveries exist, carry its next post out, hold the
    answer and SIGKILL it."""
    ours = [e for e in expected if e.shard == VICTIM]
    await fake.state.changed.wait_for(
        lambda: tally(fake, expected).present(VICTIM) >= KILL_AFTER,
        SETTLE_TIMEOUT,
        "the victim to be well into its burst",
    )
    channels = "|".join(sorted({str(e.channel_id) for e in ours}))
    rule = fake.faults.timeout("POST", rf"/channels/({channels})/messages", hold=60.0, applied=True)
    await until(lambda: fake.faults.holding == 1, "a post of the victim carried out and held")
    await victim.kill()
    assert rule.served == 1
    fake.faults.release()


async def test_a_killed_shard_process_is_replaced_without_a_loss_or_a_repeat(
    wall_fake: FakeDiscord,
    shared_database: str,
    started: list[HearthProcess],
    tmp_path: Path,
) -> None:
    fake, database = wall_fake, shared_database
    servers = build_servers(fake, SHARDS, SERVERS_PER_SHARD)
    expected = await seed_due_work(fake, database, servers, SHARDS)
    assert {shard_of(s.guild_id, SHARDS) for s in servers} == set(range(SHARDS))
    per_shard = SERVERS_PER_SHARD * PER_SERVER
    assert len(expected) == SHARDS * per_shard

    labels = {shard: f"shard-{shard}" for shard in range(SHARDS)}
    started += [_process(fake, database, tmp_path, shard, labels[shard]) for shard in labels]
    victim = started[VICTIM]
    starting = [asyncio.create_task(process.start()) for process in started]
    try:
        await starting[VICTIM]
        await _kill_with_a_post_in_flight(fake, victim, expected)
        await asyncio.gather(*starting)
    finally:
        for task in starting:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    before = tally(fake, expected)
    made_by_victim = before.present(VICTIM)
    assert KILL_AFTER <= made_by_victim < per_shard, "killed mid-burst: some, not all, made"
    # From now on a repeated post is not caught by Discord's nonce: only by Hearth itself.
    nonces.registry(fake.state).window = timedelta(0)
    await until(lambda: _shard_lock_free(database, VICTIM), "the killed process's shard lock")
    replacement = _process(fake, database, tmp_path, VICTIM, "shard-1-replacement")
    started.append(replacement)
    await replacement.start()

    await fake.state.changed.wait_for(
        lambda: tally(fake, expected).present() == len(expected),
        SETTLE_TIMEOUT,
        "every owed delivery to exist",
    )
    await until(
        lambda: _all_settled(database, len(expected)),
        "every delivery to be settled in the database",
        SETTLE_TIMEOUT,
    )
    for process in started:
        if process is not victim:
            await process.stop()  # after this nothing more can arrive: the count is final

    final = tally(fake, expected)
    assert final.unexpected == []
    assert {e.marker: n for e, n in final.found.items() if n != 1} == {}, "none missing or twice"
    owners = {shard: {label} for shard, label in labels.items()}
    owners[VICTIM].add(replacement.label or "")
    senders = {e: fake.sent_via(int(m["id"])) for e, [m] in final.messages.items()}
    assert {e.marker: s for e, s in senders.items() if s not in owners[e.shard]} == {}
    shard_one = [s for e, s in senders.items() if e.shard == VICTIM]
    assert shard_one.count(labels[VICTIM]) == made_by_victim  # nothing after its death
    assert shard_one.count(replacement.label) == per_shard - shard_one.count(labels[VICTIM]) > 0
    # The post whose answer the victim never got was recognised in the channel, not repeated.
    assert "delivery found already posted" in replacement.log()
    _no_post_outside_own_shards(fake, owners)
    _journal_matches(database, final.messages)
    celebrants = [int(e.marker[2:-1]) for e in expected if e.kind == "celebration"]
    assert [fake.dm_messages(user) for user in celebrants if fake.dm_messages(user)] == []


def _all_settled(database: str, owed: int) -> bool:
    reminders = query(database, "SELECT status FROM meeting_deliveries")
    cards = query(database, "SELECT status FROM milestone_celebrations")
    steps = query(database, "SELECT escalation_step FROM flags")
    debts = query(database, "SELECT key FROM owed_deliveries")
    sent = [*reminders, *cards] == [("sent",)] * (len(reminders) + len(cards))
    escalated = steps == [(1,)] * len(steps)
    counted = len(reminders) + len(cards) + len(steps) == owed
    return sent and escalated and counted and not debts


def _no_post_outside_own_shards(fake: FakeDiscord, owners: dict[int, set[str]]) -> None:
    """No process even tried to post in a server of another shard."""
    strays = []
    for record in fake.requests:
        if record.method != "POST" or record.via is None or not record.path.endswith("/messages"):
            continue
        channel = fake.channel(int(record.path.split("/")[2]))
        if channel.guild_id is None:
            continue  # a DM: not tied to a shard
        if record.via not in owners[shard_of(channel.guild_id, SHARDS)]:
            strays.append((record.via, record.path))
    assert strays == []


def _journal_matches(database: str, messages: dict[Expected, list[dict]]) -> None:
    """Hearth's own record names the very message Discord has for each delivery."""
    journal = query(database, "SELECT message_id FROM deliveries WHERE status = 'sent'")
    sent = {row[0] for row in journal}
    posted = {int(m["id"]) for [m] in messages.values()}
    assert posted <= sent
