"""A server's daily digest claims: taken once, given back for a retry, settled even after it
was given back (a day given up while no claim was held)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.storage.storage import Storage

GUILD = 42
DAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)


async def test_a_day_is_claimed_once_given_back_and_settled_without_a_claim(
    storage: Storage,
) -> None:
    digests = storage.meeting_digests
    assert await digests.claim(GUILD, DAY, NOW)
    assert not await digests.claim(GUILD, DAY, NOW), "claimed once"
    await digests.release(GUILD, DAY)
    assert await digests.status(GUILD, DAY) is None
    # Given up after it was given back: the day is settled all the same, and stays so.
    await digests.finish(GUILD, DAY, "failed", NOW + timedelta(hours=6))
    assert await digests.status(GUILD, DAY) == "failed"
    assert not await digests.claim(GUILD, DAY, NOW + timedelta(hours=7))
    await digests.release(GUILD, DAY)
    assert await digests.status(GUILD, DAY) == "failed", "only an unfinished claim is given back"
    await digests.finish(GUILD, DAY, "sent", NOW + timedelta(hours=7))
    assert await digests.status(GUILD, DAY) == "sent"
    assert await digests.interrupted() == []
