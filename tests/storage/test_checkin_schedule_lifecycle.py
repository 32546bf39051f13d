"""Check-in reminders and prompts across restarts, clock changes and the end of a day's tries.

Complements test_checkin_schedule_repository.py (claims, notices, retry spacing), which is kept
as it is: the recovery of interrupted prompts is being redesigned elsewhere.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.storage.storage import Storage
from tests.storage.support import plain_one, reopened

NOW = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)
DAY = date(2026, 3, 7)
NEW_YORK = ZoneInfo("America/New_York")


async def test_only_enabled_reminders_are_listed_and_a_silent_disable_leaves_no_notice(
    storage: Storage,
) -> None:
    schedule = storage.checkin_schedule
    assert await schedule.reminder(1, 2) is None
    await schedule.set_reminder(1, 2, "20:00", NOW)
    await schedule.set_reminder(1, 3, "07:30", NOW)
    await schedule.set_reminder(2, 2, "21:15", NOW)
    assert await schedule.disable_reminder(1, 3, NOW)
    listed = {(r.guild_id, r.user_id, r.local_time) for r in await schedule.enabled_reminders()}
    assert listed == {(1, 2, "20:00"), (2, 2, "21:15")}
    off = await schedule.reminder(1, 3)
    assert off is not None and not off.enabled and off.disabled_reason is None
    assert await schedule.take_notice(1, 3) is None, "switched off by the member: nothing to tell"
    assert not await schedule.disable_reminder(1, 99, NOW), "no reminder to switch off"


async def test_handled_day_is_kept_until_the_reminder_is_set_again(storage: Storage) -> None:
    schedule = storage.checkin_schedule
    await schedule.set_reminder(1, 2, "20:00", NOW)
    reminder = await schedule.reminder(1, 2)
    assert reminder is not None and reminder.active_since == NOW and reminder.handled_date is None
    await schedule.mark_handled(1, 2, DAY)
    reminder = await schedule.reminder(1, 2)
    assert reminder is not None and reminder.handled_date == DAY
    moved = NOW + timedelta(hours=3)
    await schedule.set_reminder(1, 2, "21:00", moved)
    reminder = await schedule.reminder(1, 2)
    assert reminder is not None
    assert (reminder.local_time, reminder.handled_date, reminder.active_since) == (
        "21:00",
        None,
        moved,
    )


async def test_simultaneous_reminder_claims_have_exactly_one_winner(storage: Storage) -> None:
    await storage.checkin_schedule.set_reminder(1, 2, "20:00", NOW)
    results = await asyncio.gather(
        *(storage.checkin_schedule.claim_reminder(1, 2, DAY, NOW) for _ in range(5))
    )
    assert results.count(True) == 1


async def test_prompts_are_separate_per_guild_and_day(storage: Storage) -> None:
    schedule = storage.checkin_schedule
    assert await schedule.claim_prompt(1, DAY, 10, NOW)
    assert await schedule.claim_prompt(2, DAY, 20, NOW)
    assert await schedule.claim_prompt(1, DAY + timedelta(days=1), 10, NOW)
    together = await asyncio.gather(*(schedule.claim_prompt(3, DAY, 30, NOW) for _ in range(4)))
    assert together.count(True) == 1


async def test_a_posted_or_abandoned_prompt_is_never_tried_again(storage: Storage) -> None:
    schedule = storage.checkin_schedule
    assert await schedule.claim_prompt(1, DAY, 10, NOW)
    await schedule.prompt_posted(1, DAY, 500, 501, NOW)
    assert not await schedule.claim_prompt(1, DAY, 10, NOW + timedelta(hours=1))

    other = DAY + timedelta(days=1)
    assert await schedule.claim_prompt(1, other, 10, NOW)
    assert await schedule.prompt_failed(1, other, "missing access", NOW) == 1
    await schedule.abandon_prompt(1, other, NOW)
    assert not await schedule.claim_prompt(1, other, 10, NOW + timedelta(hours=1))
    row = await plain_one(
        storage,
        "SELECT status, last_error FROM checkin_prompts WHERE local_date = ?",
        (other.isoformat(),),
    )
    assert row is not None and tuple(row) == ("abandoned", "missing access")


async def test_a_retry_waits_real_time_across_the_spring_forward(storage: Storage) -> None:
    # New York jumps from 02:00 EST to 03:00 EDT on 8 March 2026: a failure at 01:59:30 and a
    # try at 03:00:10 are an hour apart on the wall but only 40 seconds apart in real time.
    schedule = storage.checkin_schedule
    day = date(2026, 3, 8)
    failed_at = datetime(2026, 3, 8, 1, 59, 30, tzinfo=NEW_YORK)
    assert await schedule.claim_prompt(1, day, 10, failed_at)
    assert await schedule.prompt_failed(1, day, "server error", failed_at) == 1
    row = await plain_one(storage, "SELECT updated_at FROM checkin_prompts")
    assert row is not None and row[0] == "2026-03-08T06:59:30.000Z"
    assert not await schedule.claim_prompt(
        1, day, 10, datetime(2026, 3, 8, 3, 0, 10, tzinfo=NEW_YORK)
    )
    assert await schedule.claim_prompt(1, day, 10, datetime(2026, 3, 8, 3, 0, 30, tzinfo=NEW_YORK))


async def test_reminders_claims_and_notices_survive_reopening_the_file(
    db_target: Path | str,
) -> None:
    async with reopened(db_target) as storage:
        schedule = storage.checkin_schedule
        await schedule.set_reminder(1, 2, "20:00", NOW)
        assert await schedule.claim_reminder(1, 2, DAY, NOW)
        await schedule.finish_reminder(1, 2, DAY, "sent", NOW)
        await schedule.set_reminder(1, 3, "08:00", NOW)
        assert await schedule.disable_reminder(1, 3, NOW, reason="dms_closed")
        assert await schedule.claim_prompt(1, DAY, 10, NOW)
        await schedule.prompt_posted(1, DAY, 500, None, NOW)
    async with reopened(db_target) as storage:
        schedule = storage.checkin_schedule
        assert not await schedule.claim_reminder(1, 2, DAY, NOW), "sent before the restart"
        reminder = await schedule.reminder(1, 2)
        assert reminder is not None and reminder.handled_date == DAY
        assert await schedule.take_notice(1, 3) == "dms_closed", "the notice outlives a restart"
        assert await schedule.take_notice(1, 3) is None
        assert not await schedule.claim_prompt(1, DAY, 10, NOW)
