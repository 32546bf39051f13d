"""Next-due times on a real SQLite file: set by changes, read through the index, kept by runs
only when nothing changed the row meanwhile, and backfilled for rows from before the upgrade."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.domain.counters import Announce
from bot.domain.due_times import NextDue
from bot.storage.backends import open_database
from bot.storage.storage import Storage, open_storage
from bot.storage.timestamps import to_db
from tests.storage.support import reopened

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=10)
START = date(2026, 3, 1)
GUILD, OTHER_GUILD = 1, 2
MEMBER, FRIEND = 10, 11


async def counter_id(
    storage: Storage,
    label: str,
    *,
    guild: int = GUILD,
    user: int = MEMBER,
    announce: Announce | None = None,
) -> int:
    counter, _ = await storage.sobriety.set_counter(guild, user, label, START, announce, NOW)
    return counter.id


async def due_counter_ids(storage: Storage, at: datetime, limit: int = 100) -> list[int]:
    return [item.counter.id for item in await storage.due_times.due_counters(at, limit)]


async def test_a_new_counter_is_due_at_once_and_a_silent_one_never(storage: Storage) -> None:
    loud = await counter_id(storage, "Sobriety")
    silent = await counter_id(storage, "Nicotine", announce=Announce.OFF)
    assert await due_counter_ids(storage, NOW) == [loud]
    assert await storage.due_times.next_counter_due(silent) is None
    assert await due_counter_ids(storage, NOW - timedelta(milliseconds=1)) == []


async def test_due_rows_come_soonest_first_and_only_up_to_the_limit(storage: Storage) -> None:
    ids = [await counter_id(storage, f"c{n}") for n in range(5)]
    due = await storage.due_times.due_counters(NOW, 100)
    plans = [
        NextDue((item.counter.id,), item.revision, NOW + timedelta(hours=5 - n))
        for n, item in enumerate(due)
    ]
    assert await storage.due_times.reschedule_counters(plans) == 5
    assert await due_counter_ids(storage, NOW + timedelta(hours=3)) == [ids[4], ids[3], ids[2]]
    assert await due_counter_ids(storage, LATER, limit=2) == [ids[4], ids[3]]
    assert await due_counter_ids(storage, NOW) == []


async def test_a_change_made_while_a_run_worked_is_not_overwritten(storage: Storage) -> None:
    cid = await counter_id(storage, "Sobriety")
    [read] = await storage.due_times.due_counters(NOW, 10)
    # While the run works on the counter, the member restarts it.
    await storage.sobriety.reset(cid, date(2026, 3, 7), None, NOW + timedelta(seconds=5))
    stored = await storage.due_times.reschedule_counters([NextDue((cid,), read.revision, LATER)])
    assert stored == 0
    assert await storage.due_times.next_counter_due(cid) == NOW + timedelta(seconds=5)
    # The next run reads the fresh revision and stores its answer.
    [fresh] = await storage.due_times.due_counters(NOW + timedelta(seconds=5), 10)
    assert fresh.counter.current.start == date(2026, 3, 7)
    assert await storage.due_times.reschedule_counters([NextDue((cid,), fresh.revision, LATER)])
    assert await storage.due_times.next_counter_due(cid) == LATER


async def test_set_announce_and_release_make_a_counter_due_again(storage: Storage) -> None:
    cid = await counter_id(storage, "Sobriety")
    [read] = await storage.due_times.due_counters(NOW, 10)
    await storage.due_times.reschedule_counters([NextDue((cid,), read.revision, LATER)])

    await storage.sobriety.set_announce(cid, Announce.OFF, NOW)
    assert await storage.due_times.next_counter_due(cid) is None
    await storage.sobriety.set_announce(cid, Announce.PUBLIC, NOW + timedelta(minutes=1))
    assert await storage.due_times.next_counter_due(cid) == NOW + timedelta(minutes=1)

    [read] = await storage.due_times.due_counters(LATER, 10)
    await storage.due_times.reschedule_counters([NextDue((cid,), read.revision, LATER)])
    counter = read.counter
    claimed = await storage.sobriety.claim_celebration(
        counter.current.id, "1d", date(2026, 3, 2), Announce.PUBLIC, NOW
    )
    assert claimed is not None
    await storage.sobriety.release_celebration(claimed, retry_at=NOW + timedelta(minutes=1))
    assert await storage.due_times.next_counter_due(cid) == NOW + timedelta(minutes=1)


async def test_a_member_zone_change_wakes_their_rows_in_every_server_only(
    storage: Storage,
) -> None:
    mine = [await counter_id(storage, "a"), await counter_id(storage, "b", guild=OTHER_GUILD)]
    theirs = await counter_id(storage, "a", user=FRIEND)
    await storage.checkin_schedule.set_reminder(GUILD, MEMBER, "08:00", NOW)
    await storage.checkin_schedule.set_reminder(GUILD, FRIEND, "08:00", NOW)
    await settle_everything(storage)

    moved = NOW + timedelta(hours=1)
    await storage.profiles.set_timezone(MEMBER, "Asia/Tokyo", moved)
    assert sorted(await due_counter_ids(storage, moved)) == sorted(mine)
    assert theirs not in await due_counter_ids(storage, moved)
    reminders = await storage.due_times.due_reminders(moved, 10)
    assert [(r.reminder.guild_id, r.reminder.user_id) for r in reminders] == [(GUILD, MEMBER)]


async def test_server_settings_wake_only_the_rows_they_move(storage: Storage) -> None:
    here = await counter_id(storage, "a")
    elsewhere = await counter_id(storage, "a", guild=OTHER_GUILD)
    await storage.checkin_schedule.set_reminder(GUILD, MEMBER, "08:00", NOW)
    await storage.guild_configs.update(GUILD, {"checkin_channel_id": 500}, NOW)
    await settle_everything(storage)

    step = NOW + timedelta(hours=1)
    await storage.guild_configs.update(GUILD, {"milestone_plan": "7d,1y"}, step)
    assert await due_counter_ids(storage, step) == [here]
    assert await storage.due_times.due_reminders(step, 10) == []
    assert await storage.due_times.due_prompts(step, 10) == []
    await settle_everything(storage)

    step += timedelta(hours=1)
    await storage.guild_configs.update(GUILD, {"checkin_prompt_time": "07:30"}, step)
    assert await due_counter_ids(storage, step) == []
    assert [p.config.guild_id for p in await storage.due_times.due_prompts(step, 10)] == [GUILD]
    await settle_everything(storage)

    step += timedelta(hours=1)
    await storage.guild_configs.update(GUILD, {"timezone": "America/New_York"}, step)
    assert await due_counter_ids(storage, step) == [here]
    assert elsewhere not in await due_counter_ids(storage, step)
    assert len(await storage.due_times.due_reminders(step, 10)) == 1
    assert len(await storage.due_times.due_prompts(step, 10)) == 1


async def test_reminders_switched_off_are_never_due_and_a_release_retries(
    storage: Storage,
) -> None:
    schedule = storage.checkin_schedule
    await schedule.set_reminder(GUILD, MEMBER, "08:00", NOW)
    await settle_everything(storage)
    day = date(2026, 3, 8)
    assert await schedule.claim_reminder(GUILD, MEMBER, day, NOW)
    retry = NOW + timedelta(seconds=30)
    await schedule.release_reminder(GUILD, MEMBER, day, retry_at=retry)
    [due] = await storage.due_times.due_reminders(retry, 10)
    assert due.reminder.handled_date is None

    await schedule.disable_reminder(GUILD, MEMBER, NOW)
    assert await storage.due_times.due_reminders(LATER, 10) == []
    # A release after switching off does not bring it back.
    await schedule.release_reminder(GUILD, MEMBER, day, retry_at=retry)
    assert await storage.due_times.due_reminders(LATER, 10) == []
    await schedule.set_reminder(GUILD, MEMBER, "09:00", LATER)
    assert len(await storage.due_times.due_reminders(LATER, 10)) == 1


async def test_next_due_times_survive_a_restart(storage: Storage, db_target: Path | str) -> None:
    cid = await counter_id(storage, "Sobriety")
    [read] = await storage.due_times.due_counters(NOW, 10)
    await storage.due_times.reschedule_counters([NextDue((cid,), read.revision, LATER)])
    await storage.close()
    async with reopened(db_target) as again:
        assert await again.due_times.next_counter_due(cid) == LATER
        assert await due_counter_ids(again, LATER) == [cid]


async def test_the_upgrade_makes_rows_from_before_due_at_once(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = await open_database(path)
    await db.migrate(target=10)
    stamp = to_db(NOW)
    async with db.transaction() as tx:
        for number, announce in enumerate(("dm", "public", "off")):
            await tx.execute(
                "INSERT INTO sobriety_counters (id, guild_id, user_id, label, label_key, announce,"
                " created_at, updated_at) VALUES (?, 1, 10, ?, ?, ?, ?, ?)",
                (number + 1, f"c{number}", f"c{number}", announce, stamp, stamp),
            )
            await tx.execute(
                "INSERT INTO sobriety_periods (counter_id, start_date, created_at)"
                " VALUES (?, '2026-01-01', ?)",
                (number + 1, stamp),
            )
        for user, enabled in ((10, 1), (11, 0)):
            await tx.execute(
                "INSERT INTO checkin_reminders (guild_id, user_id, local_time, enabled,"
                " created_at, updated_at) VALUES (1, ?, '08:00', ?, ?, ?)",
                (user, enabled, stamp, stamp),
            )
        await tx.execute(
            "INSERT INTO guild_config (guild_id, checkin_channel_id, created_at, updated_at)"
            " VALUES (1, 500, ?, ?), (2, NULL, ?, ?)",
            (stamp, stamp, stamp, stamp),
        )
    await db.close()

    async with reopened(path) as upgraded:
        assert sorted(await due_counter_ids(upgraded, NOW)) == [1, 2]
        reminders = await upgraded.due_times.due_reminders(NOW, 10)
        assert [r.reminder.user_id for r in reminders] == [10]
        prompts = await upgraded.due_times.due_prompts(NOW, 10)
        assert [p.config.guild_id for p in prompts] == [1]


async def test_the_due_queries_use_the_next_due_indexes(tmp_path: Path) -> None:
    path = tmp_path / "plan.db"
    storage = await open_storage(path)
    await counter_id(storage, "Sobriety")
    await storage.close()
    # SQLite's own query planner, on the file: the due rows are found by index, not a scan.
    with sqlite3.connect(path) as conn:
        for table, column in (
            ("sobriety_counters", "next_due_at"),
            ("checkin_reminders", "next_due_at"),
            ("guild_config", "checkin_prompt_due_at"),
        ):
            plan = " ".join(
                str(row[-1])
                for row in conn.execute(
                    f"EXPLAIN QUERY PLAN SELECT * FROM {table} WHERE {column} <= ?"
                    f" ORDER BY {column} LIMIT 200",
                    ("2026-03-07T12:00:00.000Z",),
                )
            )
            assert "USING INDEX" in plan and "SCAN " + table not in plan.replace(
                "USING INDEX", ""
            ), plan


async def settle_everything(storage: Storage) -> None:
    """As a run would: every due row gets a time far off."""
    due_times = storage.due_times
    far = datetime(2030, 1, 1, tzinfo=UTC)
    counters = await due_times.due_counters(far, 1000)
    await due_times.reschedule_counters(
        [NextDue((c.counter.id,), c.revision, far) for c in counters]
    )
    reminders = await due_times.due_reminders(far, 1000)
    await due_times.reschedule_reminders(
        [NextDue((r.reminder.guild_id, r.reminder.user_id), r.revision, far) for r in reminders]
    )
    prompts = await due_times.due_prompts(far, 1000)
    await due_times.reschedule_prompts(
        [NextDue((p.config.guild_id,), p.revision, far) for p in prompts]
    )
