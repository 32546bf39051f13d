"""Meetings, skips, once-only deliveries and RSVPs, on a real SQLite file."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain.meetings import CANCELLED_KIND, FeedChanges, MeetingFields, reminder_kind
from bot.domain.recurrence import Repeat, Schedule
from bot.domain.shards import ShardPlan
from bot.storage.database import IntegrityError
from bot.storage.storage import Storage
from tests.storage.support import count, reopened

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
# Tuesdays 19:00 in New York, on each side of the 8 March 2026 clock change.
BEFORE_DST = datetime(2026, 3, 3, 19, 0, tzinfo=NEW_YORK)  # 00:00 UTC on the 4th
AFTER_DST = datetime(2026, 3, 10, 19, 0, tzinfo=NEW_YORK)  # 23:00 UTC on the 10th
DAY_REMINDER = reminder_kind(timedelta(days=1))
BASE = MeetingFields(
    name="Tuesday Night Group",
    schedule=Schedule(
        weekdays=(1,),
        start_time=time(19, 0),
        zone="America/New_York",
        duration=timedelta(minutes=90),
        anchor=date(2026, 3, 3),
    ),
    voice_channel_id=50,
    link="https://example.org/join",
    description="Open meeting, all welcome",
    types=("O", "D"),
    announce_channel_id=60,
    ping_role_id=70,
    reminders=(timedelta(minutes=15), timedelta(days=1)),
)


def fields(name: str = BASE.name, **changes: Any) -> MeetingFields:
    return replace(BASE, name=name, **changes)


async def test_create_reads_back_every_field(storage: Storage) -> None:
    meeting = await storage.meetings.create(1, fields(), created_by=80, now=NOW)
    assert meeting.guild_id == 1
    assert meeting.name == "Tuesday Night Group"
    assert meeting.schedule == BASE.schedule
    assert (meeting.voice_channel_id, meeting.link, meeting.description) == (
        50,
        "https://example.org/join",
        "Open meeting, all welcome",
    )
    assert meeting.types == ("O", "D")
    assert (meeting.announce_channel_id, meeting.ping_role_id, meeting.created_by) == (60, 70, 80)
    assert meeting.reminders == (timedelta(days=1), timedelta(minutes=15)), "longest first"
    assert (meeting.source_slug, meeting.event_id, meeting.event_start) == (None, None, None)
    assert await storage.meetings.get(meeting.id) == meeting
    assert await storage.meetings.get(meeting.id + 1) is None


async def test_monthly_and_biweekly_schedules_and_empty_lists_round_trip(
    storage: Storage,
) -> None:
    monthly = Schedule(
        weekdays=(6,),
        start_time=time(10, 30),
        zone="Europe/London",
        duration=timedelta(hours=1),
        repeat=Repeat.MONTHLY,
        anchor=date(2026, 1, 1),
        nth=-1,
    )
    biweekly = Schedule(
        weekdays=(4, 0),
        start_time=time(7, 5),
        zone="Asia/Kolkata",
        duration=timedelta(minutes=5),
        repeat=Repeat.BIWEEKLY,
        anchor=date(2026, 2, 2),
    )
    repo = storage.meetings
    plain = fields(schedule=monthly, types=(), reminders=(), link=None, voice_channel_id=None)
    first = await repo.create(1, plain, 80, NOW)
    second = await repo.create(1, fields(schedule=biweekly), 80, NOW)
    assert first.schedule == monthly
    assert (first.types, first.reminders, first.link) == ((), (), None)
    assert second.schedule == biweekly
    assert second.schedule.weekdays == (0, 4)


async def test_the_shortest_meeting_is_5_minutes_in_the_domain_and_the_table(
    storage: Storage,
) -> None:
    repo = storage.meetings
    # The schedule refuses what the table's CHECK would refuse, so no caller reaches SQLite
    # with it (a short Meeting Guide entry once stopped a whole import with IntegrityError).
    with pytest.raises(ValueError, match="at least 5 minutes"):
        replace(BASE.schedule, duration=timedelta(minutes=4))
    shortest = await repo.create(
        1, fields(schedule=replace(BASE.schedule, duration=timedelta(minutes=5))), 80, NOW
    )
    assert await repo.get(shortest.id) == shortest
    async with storage.database.transaction() as tx:
        with pytest.raises(IntegrityError, match="duration_minutes"):
            await tx.execute(
                "UPDATE meetings SET duration_minutes = 4 WHERE id = ?", (shortest.id,)
            )
    assert await repo.get(shortest.id) == shortest


async def test_replace_changes_fields_keeps_the_event_id_and_clears_its_start(
    storage: Storage,
) -> None:
    repo = storage.meetings
    meeting = await repo.create(1, fields(), 80, NOW)
    await repo.set_event(meeting.id, 900, BEFORE_DST)
    with_event = await repo.get(meeting.id)
    assert with_event is not None
    assert (with_event.event_id, with_event.event_start) == (900, BEFORE_DST)
    assert with_event.event_start is not None and with_event.event_start.tzinfo == UTC

    changed = await repo.replace(
        meeting.id, fields("Renamed", link=None, reminders=()), NOW + timedelta(days=1)
    )
    assert (changed.name, changed.link, changed.reminders) == ("Renamed", None, ())
    assert (changed.event_id, changed.event_start) == (900, None), "the entry is refreshed"
    assert changed.created_by == 80
    assert await repo.get(meeting.id) == changed
    await repo.set_event(meeting.id, None, None)
    cleared = await repo.get(meeting.id)
    assert cleared is not None and (cleared.event_id, cleared.event_start) == (None, None)


async def test_listings_by_guild_order_by_name_and_slugs_are_unique_per_guild(
    storage: Storage,
) -> None:
    repo = storage.meetings
    zeta = await repo.create(1, fields("Zeta", source_slug="zeta-1"), 80, NOW)
    alpha = await repo.create(1, fields("Alpha"), 80, NOW)
    alpha_again = await repo.create(1, fields("Alpha"), 80, NOW)
    beta = await repo.create(1, fields("beta"), 80, NOW)
    elsewhere = await repo.create(2, fields("Zeta", source_slug="zeta-1"), 80, NOW)
    in_order = [alpha.id, alpha_again.id, beta.id, zeta.id]
    assert [m.id for m in await repo.for_guild(1)] == in_order, "alphabetical, whatever the case"
    assert [m.id for m in await repo.for_guild(2)] == [elsewhere.id]
    assert {m.id for m in await repo.everything()} == {
        zeta.id,
        alpha.id,
        alpha_again.id,
        beta.id,
        elsewhere.id,
    }
    assert await repo.by_slug(1, "zeta-1") == zeta
    assert await repo.by_slug(2, "zeta-1") == elsewhere
    assert await repo.by_slug(1, "missing") is None
    with pytest.raises(IntegrityError):
        await repo.create(1, fields("Copy", source_slug="zeta-1"), 80, NOW)
    assert len(await repo.for_guild(1)) == 4


def _server_on(shard: int, shard_count: int, nth: int) -> int:
    """A server id on that shard, as large as Discord's (the shard is in the timestamp bits)."""
    return ((340_000_000_000 + shard + nth * shard_count) << 22) | 4321


async def test_a_process_loads_only_the_meetings_of_the_servers_on_its_shards(
    storage: Storage,
) -> None:
    repo = storage.meetings
    by_shard: dict[int, set[int]] = {shard: set() for shard in range(4)}
    for shard in range(4):
        for nth in range(3):
            server = _server_on(shard, 4, nth)
            assert ShardPlan(4, (shard,)).owns(server)
            created = await repo.create(server, fields(f"Meeting {shard}.{nth}"), 80, NOW)
            by_shard[shard].add(created.id)
    archived = await repo.create(_server_on(1, 4, 0), fields("Gone", source_slug="gone"), 80, NOW)
    await storage.meeting_imports.apply(
        _server_on(1, 4, 0), 80, FeedChanges(archive=[archived.id]), NOW
    )
    assert {m.id for m in await repo.everything(ShardPlan(4, (1, 3)))} == by_shard[1] | by_shard[3]
    assert {m.id for m in await repo.everything(ShardPlan(4, (2,)))} == by_shard[2]
    everyone = set().union(*by_shard.values())
    assert {m.id for m in await repo.everything(ShardPlan(4, None))} == everyone
    assert {m.id for m in await repo.everything()} == everyone


async def test_skips_are_kept_once_per_day(storage: Storage) -> None:
    repo = storage.meetings
    first = await repo.create(1, fields(), 80, NOW)
    second = await repo.create(1, fields(), 80, NOW)
    assert await repo.skips(first.id) == set()
    assert await repo.add_skip(first.id, date(2026, 3, 3), NOW)
    assert not await repo.add_skip(first.id, date(2026, 3, 3), NOW), "already skipped"
    assert await repo.add_skip(first.id, date(2026, 3, 17), NOW)
    assert await repo.add_skip(second.id, date(2026, 3, 10), NOW)
    assert await repo.skips(first.id) == {date(2026, 3, 3), date(2026, 3, 17)}
    assert await repo.all_skips() == {
        first.id: {date(2026, 3, 3), date(2026, 3, 17)},
        second.id: {date(2026, 3, 10)},
    }


async def test_each_delivery_is_claimed_once_per_occurrence_and_kind(storage: Storage) -> None:
    repo = storage.meetings
    meeting = await repo.create(1, fields(), 80, NOW)
    assert await repo.claim(meeting.id, BEFORE_DST, DAY_REMINDER, NOW)
    assert not await repo.claim(meeting.id, BEFORE_DST, DAY_REMINDER, NOW)
    assert not await repo.claim(meeting.id, BEFORE_DST.astimezone(UTC), DAY_REMINDER, NOW)
    assert await repo.claim(meeting.id, BEFORE_DST, CANCELLED_KIND, NOW), "another kind"
    assert await repo.claim(meeting.id, AFTER_DST, DAY_REMINDER, NOW), "another occurrence"

    results = await asyncio.gather(
        *(repo.claim(meeting.id, AFTER_DST, "going:5", NOW) for _ in range(5))
    )
    assert results.count(True) == 1
    assert await count(storage, "meeting_deliveries") == 4


async def test_finish_records_the_outcome_and_release_frees_only_unfinished(
    storage: Storage,
) -> None:
    repo = storage.meetings
    meeting = await repo.create(1, fields(), 80, NOW)
    await repo.claim(meeting.id, BEFORE_DST, DAY_REMINDER, NOW)
    await repo.release(meeting.id, BEFORE_DST, DAY_REMINDER)
    assert await repo.delivered(meeting.id, BEFORE_DST) == {}
    assert await repo.claim(meeting.id, BEFORE_DST, DAY_REMINDER, NOW), "released: retry"

    await repo.finish(meeting.id, BEFORE_DST, DAY_REMINDER, "sent", NOW, 60, 6001)
    await repo.release(meeting.id, BEFORE_DST, DAY_REMINDER)
    record = (await repo.delivered(meeting.id, BEFORE_DST.astimezone(UTC)))[DAY_REMINDER]
    assert (record.status, record.channel_id, record.message_id) == ("sent", 60, 6001)
    assert not await repo.claim(meeting.id, BEFORE_DST, DAY_REMINDER, NOW), "sent: never again"


async def test_delivered_since_keys_by_utc_start_and_filters_by_time(storage: Storage) -> None:
    repo = storage.meetings
    meeting = await repo.create(1, fields(), 80, NOW)
    await repo.claim(meeting.id, BEFORE_DST, DAY_REMINDER, NOW)
    await repo.claim(meeting.id, AFTER_DST, DAY_REMINDER, NOW)
    await repo.claim(meeting.id, AFTER_DST, CANCELLED_KIND, NOW)
    everything = await repo.delivered_since(BEFORE_DST)
    assert everything == {
        (meeting.id, datetime(2026, 3, 4, 0, 0, tzinfo=UTC)): {DAY_REMINDER},
        (meeting.id, datetime(2026, 3, 10, 23, 0, tzinfo=UTC)): {DAY_REMINDER, CANCELLED_KIND},
    }
    just_after = BEFORE_DST + timedelta(milliseconds=1)
    assert set(await repo.delivered_since(just_after)) == {
        (meeting.id, datetime(2026, 3, 10, 23, 0, tzinfo=UTC))
    }
    assert set(await repo.delivered(meeting.id, AFTER_DST)) == {DAY_REMINDER, CANCELLED_KIND}


async def test_recovery_reports_the_claims_left_sending(storage: Storage) -> None:
    repo = storage.meetings
    meeting = await repo.create(1, fields(), 80, NOW)
    await repo.claim(meeting.id, BEFORE_DST, DAY_REMINDER, NOW)
    await repo.claim(meeting.id, BEFORE_DST, CANCELLED_KIND, NOW)
    await repo.finish(meeting.id, BEFORE_DST, CANCELLED_KIND, "skipped", NOW)
    await repo.claim(meeting.id, AFTER_DST, DAY_REMINDER, NOW)
    interrupted = await repo.interrupted()
    assert [(c.meeting_id, c.occurrence, c.kind, c.guild_id) for c in interrupted] == [
        (meeting.id, BEFORE_DST, DAY_REMINDER, 1),
        (meeting.id, AFTER_DST, DAY_REMINDER, 1),
    ]
    assert not await repo.claim(meeting.id, BEFORE_DST, DAY_REMINDER, NOW), "held until settled"


async def test_rsvps_count_each_member_once_per_occurrence(storage: Storage) -> None:
    repo = storage.meetings
    meeting = await repo.create(1, fields(), 80, NOW)
    assert await repo.rsvp_counts(meeting.id, BEFORE_DST) == (0, 0)
    assert await repo.rsvp(meeting.id, BEFORE_DST, 5, True, NOW) == (1, 0)
    assert await repo.rsvp(meeting.id, BEFORE_DST, 6, False, NOW + timedelta(minutes=1)) == (1, 1)
    assert await repo.rsvp(meeting.id, BEFORE_DST, 7, True, NOW + timedelta(minutes=2)) == (2, 1)
    assert await repo.rsvp(meeting.id, BEFORE_DST, 5, True, NOW + timedelta(minutes=3)) == (2, 1)
    assert await repo.rsvp(meeting.id, BEFORE_DST, 6, True, NOW + timedelta(minutes=4)) == (3, 0)
    assert await repo.rsvp(meeting.id, BEFORE_DST, 7, False, NOW + timedelta(minutes=5)) == (2, 1)
    assert await repo.going(meeting.id, BEFORE_DST.astimezone(UTC)) == [5, 6], "by answer time"
    assert await repo.rsvp_counts(meeting.id, AFTER_DST) == (0, 0), "another occurrence"
    assert await repo.going(meeting.id, AFTER_DST) == []


async def test_deleting_a_meeting_removes_its_skips_deliveries_and_rsvps(
    storage: Storage,
) -> None:
    repo = storage.meetings
    doomed = await repo.create(1, fields("Doomed"), 80, NOW)
    kept = await repo.create(1, fields("Kept"), 80, NOW)
    for meeting in (doomed, kept):
        await repo.add_skip(meeting.id, date(2026, 3, 17), NOW)
        await repo.claim(meeting.id, BEFORE_DST, DAY_REMINDER, NOW)
        await repo.rsvp(meeting.id, BEFORE_DST, 5, True, NOW)
    await repo.delete(doomed.id)
    assert await repo.get(doomed.id) is None
    assert await repo.all_skips() == {kept.id: {date(2026, 3, 17)}}
    assert set(await repo.delivered_since(NOW)) == {
        (kept.id, datetime(2026, 3, 4, 0, 0, tzinfo=UTC))
    }
    assert await repo.rsvp_counts(doomed.id, BEFORE_DST) == (0, 0)
    assert await repo.rsvp_counts(kept.id, BEFORE_DST) == (1, 0)
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        await repo.claim(doomed.id, AFTER_DST, DAY_REMINDER, NOW)
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        await repo.add_skip(doomed.id, date(2026, 3, 24), NOW)


async def test_meetings_and_their_records_survive_reopening_the_file(db_target: Path | str) -> None:
    async with reopened(db_target) as storage:
        meeting = await storage.meetings.create(1, fields(), 80, NOW)
        await storage.meetings.set_event(meeting.id, 900, AFTER_DST)
        await storage.meetings.add_skip(meeting.id, date(2026, 3, 17), NOW)
        await storage.meetings.claim(meeting.id, AFTER_DST, DAY_REMINDER, NOW)
        await storage.meetings.finish(meeting.id, AFTER_DST, DAY_REMINDER, "sent", NOW, 60, 1)
        await storage.meetings.rsvp(meeting.id, AFTER_DST, 5, True, NOW)
    async with reopened(db_target) as storage:
        again = await storage.meetings.get(meeting.id)
        assert again is not None and again.event_start == AFTER_DST
        assert again.schedule == meeting.schedule
        assert await storage.meetings.skips(meeting.id) == {date(2026, 3, 17)}
        assert not await storage.meetings.claim(meeting.id, AFTER_DST, DAY_REMINDER, NOW)
        assert await storage.meetings.going(meeting.id, AFTER_DST) == [5]


async def test_a_stored_meeting_gives_back_the_fields_it_was_made_from(storage: Storage) -> None:
    made = fields(reminders=(timedelta(days=1), timedelta(minutes=15)), source_slug="tng")
    meeting = await storage.meetings.create(1, made, created_by=80, now=NOW)
    assert meeting.fields() == made
    changed = replace(meeting.fields(), link=None, ping_role_id=None)
    assert (await storage.meetings.replace(meeting.id, changed, NOW)).fields() == changed
