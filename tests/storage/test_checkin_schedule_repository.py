"""The records that make reminders and prompts happen once, on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.checkins import PROMPT_MAX_ATTEMPTS
from bot.storage.storage import Storage, open_storage

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
DAY = date(2026, 11, 22)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    opened = await open_storage(tmp_path / "h.db")
    try:
        yield opened
    finally:
        await opened.close()


async def test_reminder_claimed_once_released_on_failure_and_handled(storage: Storage) -> None:
    schedule = storage.checkin_schedule
    await schedule.set_reminder(1, 2, "20:00", NOW)
    assert await schedule.claim_reminder(1, 2, DAY, NOW)
    assert not await schedule.claim_reminder(1, 2, DAY, NOW), "never twice for one day"
    reminder = await schedule.reminder(1, 2)
    assert reminder is not None
    assert reminder.handled_date == DAY

    await schedule.release_reminder(1, 2, DAY, retry_at=NOW)
    reminder = await schedule.reminder(1, 2)
    assert reminder is not None
    assert reminder.handled_date is None
    assert await schedule.claim_reminder(1, 2, DAY, NOW), "a released claim can be retried"
    await schedule.finish_reminder(1, 2, DAY, "sent", NOW)
    await schedule.release_reminder(1, 2, DAY, retry_at=NOW)
    assert not await schedule.claim_reminder(1, 2, DAY, NOW), "a sent one is never released"


async def test_notice_is_given_once_and_cleared_by_setting_again(storage: Storage) -> None:
    schedule = storage.checkin_schedule
    await schedule.set_reminder(1, 2, "20:00", NOW)
    assert await schedule.take_notice(1, 2) is None
    assert await schedule.disable_reminder(1, 2, NOW, reason="dms_closed")
    assert not await schedule.disable_reminder(1, 2, NOW, reason="dms_closed")
    assert await schedule.take_notice(1, 2) == "dms_closed"
    assert await schedule.take_notice(1, 2) is None
    await schedule.set_reminder(1, 2, "21:00", NOW)
    assert [r.local_time for r in await schedule.enabled_reminders()] == ["21:00"]


async def test_prompt_retries_wait_longer_each_time_then_stop(storage: Storage) -> None:
    schedule = storage.checkin_schedule
    assert await schedule.claim_prompt(1, DAY, 10, NOW)
    assert not await schedule.claim_prompt(1, DAY, 10, NOW), "claimed: not again"
    moment = NOW
    for attempt, wait in enumerate((1, 5, 15), start=1):
        assert await schedule.prompt_failed(1, DAY, "refused", moment) == attempt
        assert not await schedule.claim_prompt(
            1, DAY, 10, moment + timedelta(minutes=wait) - timedelta(seconds=1)
        )
        moment += timedelta(minutes=wait)
        assert await schedule.claim_prompt(1, DAY, 10, moment)
    assert await schedule.prompt_failed(1, DAY, "refused", moment) == PROMPT_MAX_ATTEMPTS
    assert not await schedule.claim_prompt(1, DAY, 10, moment + timedelta(days=1))


async def test_interrupted_prompt_found_unsent_is_given_back_for_a_retry(storage: Storage) -> None:
    schedule = storage.checkin_schedule
    assert await schedule.claim_prompt(1, DAY, 10, NOW)
    assert await schedule.claim_prompt(2, DAY, 20, NOW)
    await schedule.prompt_posted(2, DAY, 99, None, NOW)
    assert await schedule.interrupted_prompts() == [(1, DAY)]
    assert not await schedule.claim_prompt(1, DAY, 10, NOW), "in doubt: not claimed again"
    await schedule.prompt_interrupted(1, DAY, NOW)
    assert await schedule.interrupted_prompts() == []
    assert await schedule.claim_prompt(1, DAY, 10, NOW)
    await schedule.prompt_posted(1, DAY, 98, None, NOW)
    await schedule.prompt_interrupted(1, DAY, NOW)  # only a prompt still 'posting' is reset
    assert not await schedule.claim_prompt(1, DAY, 10, NOW)


async def test_interrupted_reminders_are_the_ones_left_sending(storage: Storage) -> None:
    schedule = storage.checkin_schedule
    for user in (5, 6, 7):
        await schedule.set_reminder(1, user, "09:00", NOW)
        assert await schedule.claim_reminder(1, user, DAY, NOW)
    await schedule.finish_reminder(1, 6, DAY, "sent", NOW)
    await schedule.release_reminder(1, 7, DAY, retry_at=NOW)
    assert await schedule.interrupted_reminders() == [(1, 5, DAY)]
