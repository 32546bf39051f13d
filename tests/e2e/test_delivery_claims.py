"""A delivery another live Hearth process holds the claim on is not sent here: no request leaves
for it, the feature tries again later, and once the claim is given back (or its holder stops
renewing it and the lease runs out) it is sent exactly once.

The other process is a second connection to the bot's database, opened by the test after the
bot (on SQLite, a claimant that started later counts as alive; on PostgreSQL every open session
does); the test also reads the database through it. The feature is the member's daily check-in
reminder DM, driven by the clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.domain.delivery import CLAIM_LEASE
from bot.storage.storage import Storage, open_storage
from bot.storage.timestamps import from_db
from cogs.checkins.reminders import RETRY_AFTER, reminder_key
from tests.clocks import ManualClock
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.timeline import dm_sent, jump
from tests.fakediscord import FakeDiscord

REMINDER = "would you like to check in today"
DAY = date(2026, 11, 22)
DUE = datetime(2026, 11, 22, 13, 0, tzinfo=UTC)


@asynccontextmanager
async def another_process(database: Path | str) -> AsyncIterator[Storage]:
    storage = await open_storage(database)
    try:
        yield storage
    finally:
        await storage.close()


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait for the bot's writes to show, looking every few milliseconds."""
    for _ in range(1500):
        if await check():
            return
        await asyncio.sleep(0.02)  # polling the database: the bot tells nobody it wrote
    raise AssertionError(f"timed out waiting for {what}")


async def reminder_set_for_one(
    fake: FakeDiscord, community: Community, runner: HearthRunner, clock: ManualClock
) -> None:
    clock.set(DUE - timedelta(hours=1))
    await runner.start()
    await setup_guild(fake, community, timezone="UTC")
    ix = await fake.slash(
        community.guild_id, community.member, "checkins remind", options={"time": "13:00"}
    )
    await answered(ix)
    assert "13:00" in ix.text, ix.text


async def held_by(other: Storage, community: Community, at: datetime) -> str:
    key = reminder_key(community.guild_id, community.member, DAY)
    taken = await other.deliveries.claim(
        key, guild_id=community.guild_id, user_id=community.member, fingerprint="x:y:z", now=at
    )
    assert taken is not None
    return key


async def tried_and_left_for(other: Storage, community: Community, retry: datetime) -> None:
    """The reminder's run is over and gave the day back for a retry at `retry`."""

    async def given_back() -> bool:
        row = await other.database.fetch_one(
            "SELECT next_due_at FROM checkin_reminders WHERE guild_id = ? AND user_id = ?",
            (community.guild_id, community.member),
        )
        return row is not None and row[0] is not None and from_db(row[0]) == retry

    await eventually(given_back, f"the reminder to be given back until {retry}")


async def recorded_sent(other: Storage, community: Community) -> None:
    async def sent() -> bool:
        rows = await other.database.fetch_all(
            "SELECT outcome FROM checkin_reminder_deliveries WHERE guild_id = ? AND user_id = ?",
            (community.guild_id, community.member),
        )
        return [row[0] for row in rows] == ["sent"]

    await eventually(sent, "the reminder recorded as sent")


def posts_since(fake: FakeDiscord, since: int) -> list[str]:
    return [r.path for r in fake.requests[since:] if r.method == "POST"]


async def test_a_reminder_claimed_by_another_live_process_waits_and_goes_once_when_given_back(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    await reminder_set_for_one(fake, community, runner, clock)
    async with another_process(database) as other:
        key = await held_by(other, community, DUE)

        since = jump(fake, clock, DUE)
        await tried_and_left_for(other, community, DUE + RETRY_AFTER)
        assert posts_since(fake, since) == [], "no DM channel opened, no message sent"
        assert fake.dm_messages(community.member) == []

        await other.deliveries.release(key)
        since = jump(fake, clock, DUE + RETRY_AFTER)
        await dm_sent(fake, community.member, since=since, containing=REMINDER)
        await recorded_sent(other, community)
        assert len(fake.dm_messages(community.member)) == 1
        entry = await other.deliveries.get(key)
        assert entry is not None and (entry.status, entry.claimed_by) == ("sent", None)
        again = await other.deliveries.claim(
            key, guild_id=community.guild_id, user_id=community.member, fingerprint="x", now=DUE
        )
        assert again is None, "sent: nobody sends it again"


async def test_a_claim_its_holder_stopped_renewing_passes_when_the_lease_runs_out(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    await reminder_set_for_one(fake, community, runner, clock)
    async with another_process(database) as other:
        key = await held_by(other, community, DUE)

        since = jump(fake, clock, DUE)
        await tried_and_left_for(other, community, DUE + RETRY_AFTER)
        jump(fake, clock, DUE + RETRY_AFTER)
        await tried_and_left_for(other, community, DUE + 2 * RETRY_AFTER)
        assert posts_since(fake, since) == [], "still held: nothing sent"

        # The holder is still connected but hung: it never renews, and its lease runs out.
        since = jump(fake, clock, DUE + CLAIM_LEASE + timedelta(seconds=1))
        await dm_sent(fake, community.member, since=since, containing=REMINDER)
        await recorded_sent(other, community)
        assert len(fake.dm_messages(community.member)) == 1
        entry = await other.deliveries.get(key)
        assert entry is not None and (entry.status, entry.claimed_by) == ("sent", None)
