"""Hearth split over Discord's shards, against the fake's sharded gateway.

One process can run every shard (commands in servers of each shard and DMs work); a process
that runs only some shards gets only their servers' events and does only their timed work, and
never settles another process's deliveries. Two Hearths never share one SQLite file, so the
split is shown with one process after another on the same database.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.delivery import SHARD_LEAK
from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, HearthRunner, answered, build_community
from tests.e2e.timeline import dm_sent, jump, posted
from tests.fakediscord import FakeDiscord

REMINDER = "would you like to check in today"
ANNOUNCEMENT = "Coffee chat in the lounge at 10!"


@pytest.fixture
def pair(fake: FakeDiscord) -> tuple[Community, Community]:
    fake.sharding.shard_count = 2
    fake.sharding.max_concurrency = 2
    return (
        build_community(fake, name="Circle Zero", on_shard=(0, 2)),
        build_community(fake, name="Circle One", on_shard=(1, 2)),
    )


async def test_one_process_runs_both_shards_commands_and_dms_work(
    fake: FakeDiscord, pair: tuple[Community, Community], runner: HearthRunner
) -> None:
    # Both shards share one identify bucket here: the second waits its turn, as Discord asks.
    fake.sharding.max_concurrency = 1
    fake.sharding.enforce_identify_rate = True
    bot = await runner.start()  # no shard settings: the count Discord recommends, all here
    assert bot.shard_count == 2 and sorted(bot.shards) == [0, 1]
    assert {s.shard for s in fake.gateway_sessions if s.connected} == {(0, 2), (1, 2)}
    assert not any(r.refused for r in fake.sharding.identifies)
    for community in pair:
        ix = await fake.slash(
            community.guild_id,
            community.member,
            "profile timezone",
            options={"timezone": "Asia/Tokyo"},
        )
        await answered(ix)
        assert "Asia/Tokyo" in ix.text and ix.ephemeral
    dm = await fake.slash(None, pair[1].member, "helpline", options={"country": "GB"})
    await answered(dm)
    await dm.wait_final()
    assert "Samaritans" in dm.text


async def _timed_work(fake: FakeDiscord, community: Community) -> None:
    """A daily prompt at 09:00, a daily announcement at 09:30 and a reminder DM at 10:00."""
    await setup_guild(
        fake,
        community,
        checkin_channel=community.checkins,
        checkin_time="09:00",
        announcements_channel=community.announcements,
    )
    ix = await fake.slash(
        community.guild_id, community.member, "checkins remind", options={"time": "10:00"}
    )
    await answered(ix)
    ix = await fake.slash(
        community.guild_id,
        community.admin,
        "announce schedule",
        options={"message": ANNOUNCEMENT, "at": "09:30", "repeat": "daily"},
    )
    await answered(ix)
    assert "Scheduled" in ix.text, ix.text


def _prompt_status(database: Path, guild_id: int, day: str) -> str | None:
    with stored.connect(database) as conn:
        row = conn.execute(
            "SELECT status FROM checkin_prompts WHERE guild_id = ? AND local_date = ?",
            (guild_id, day),
        ).fetchone()
    return row[0] if row else None


def _announcement_ids(database: Path, guild_id: int) -> list[int]:
    with stored.connect(database) as conn:
        rows = conn.execute("SELECT id FROM announcements WHERE guild_id = ?", (guild_id,))
        return [row[0] for row in rows]


def _sent_to(fake: FakeDiscord, community: Community) -> list[str]:
    """Everything Hearth posted in the server's channels or sent its member by DM."""
    channels = (community.checkins, community.announcements, community.mod_queue)
    messages = [m for c in channels for m in fake.channel_messages(c)]
    messages += fake.dm_messages(community.member)
    return [m.get("content") or m["embeds"][0].get("title", "") for m in messages]


async def test_a_process_runs_only_its_shards_servers_and_their_timed_work(
    fake: FakeDiscord,
    pair: tuple[Community, Community],
    runner: HearthRunner,
    clock: ManualClock,
    database: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    zero, one = pair
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))  # Sunday, after the day's times
    everything = await runner.start()
    for community in pair:
        await _timed_work(fake, community)
    await runner.stop(everything)
    # Zero's Monday prompt was being posted by its own process when it stopped: a claim
    # in doubt, which only the process running shard 0 may settle.
    with stored.connect(database) as conn:
        conn.execute(
            "INSERT INTO checkin_prompts (guild_id, local_date, channel_id, status, updated_at)"
            " VALUES (?, '2026-11-23', ?, 'posting', '2026-11-23T09:00:00+00:00')",
            (zero.guild_id, zero.checkins),
        )
    before_zero = _sent_to(fake, zero)

    caplog.set_level(logging.ERROR, logger="hearth.delivery")
    shard_one = await runner.start(HEARTH_SHARD_COUNT="2", HEARTH_SHARD_IDS="1")
    assert [g.id for g in shard_one.guilds] == [one.guild_id]
    # One bot token, one global request budget: half the shards, half the budget.
    assert (everything.lane.per_second, shard_one.lane.per_second) == (45, 22)
    assert [s.shard for s in fake.gateway_sessions if s.connected] == [(1, 2)]
    with pytest.raises(RuntimeError, match="no connected shard gets guild"):
        await fake.slash(zero.guild_id, zero.member, "helpline")
    jobs = set(shard_one.scheduler.job_ids())
    assert {f"announce:{a}" for a in _announcement_ids(database, one.guild_id)} <= jobs
    assert not {f"announce:{a}" for a in _announcement_ids(database, zero.guild_id)} & jobs

    since = jump(fake, clock, datetime(2026, 11, 23, 11, 0, tzinfo=UTC))  # Monday 11:00
    await posted(fake, one.checkins, since=since, containing="Monday 23 November")
    await posted(fake, one.announcements, since=since, containing=ANNOUNCEMENT)
    await dm_sent(fake, one.member, since=since, containing=REMINDER)
    # Everything the move made due has run (and the start-up recovery too).
    await shard_one.background.wait_idle()
    await shard_one.scheduler.run_now("checkins:due")
    await shard_one.scheduler.run_now(next(j for j in jobs if j.startswith("announce:")))
    assert _sent_to(fake, zero) == before_zero
    assert _prompt_status(database, zero.guild_id, "2026-11-23") == "posting"
    assert [r.getMessage() for r in caplog.records if r.getMessage() == SHARD_LEAK] == []
    await runner.stop(shard_one)

    # The process for shard 0 then does shard 0's work, and none of shard 1's again.
    before_one = _sent_to(fake, one)
    since = len(fake.requests)
    shard_zero = await runner.start(HEARTH_SHARD_COUNT="2", HEARTH_SHARD_IDS="0")
    assert [g.id for g in shard_zero.guilds] == [zero.guild_id]
    await posted(fake, zero.announcements, since=since, containing=ANNOUNCEMENT)
    await dm_sent(fake, zero.member, since=since, containing=REMINDER)
    # Its recovery settles the prompt left in doubt (never posted); the next run posts it.
    await shard_zero.background.wait_idle()
    assert _prompt_status(database, zero.guild_id, "2026-11-23") != "posting"
    # (Or the catch-up run at start did, if the recovery came first.)
    jump(fake, clock, datetime(2026, 11, 23, 11, 1, tzinfo=UTC))
    await posted(fake, zero.checkins, since=since, containing="Monday 23 November")
    titles = [e.get("title", "") for m in fake.channel_messages(zero.checkins) for e in m["embeds"]]
    assert len([t for t in titles if "Monday 23 November" in t]) == 1
    assert _sent_to(fake, one) == before_one
    assert [r.getMessage() for r in caplog.records if r.getMessage() == SHARD_LEAK] == []
