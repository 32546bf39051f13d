"""Moderator flags: reports, detections, claims, escalation, history and on-call, on a real file."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.flags import EscalationDelays, Flag, FlagEvent, FlagSeverity, FlagStatus, NewFlag
from bot.storage.database import IntegrityError
from bot.storage.storage import Storage
from tests.storage.support import count, failing_inserts, plain_one, reopened

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
GUILD, MEMBER = 1, 10
MOD, OTHER_MOD = 20, 21
REPORT = NewFlag(GUILD, "report", "member report", 2, MEMBER, 50, 100)
DETECTION = NewFlag(GUILD, "detection", "self-harm", 1, MEMBER, 50, 200)
SUPPORT = NewFlag(GUILD, "support", "asked for support", 2, MEMBER, None, None)


async def test_create_reads_back_with_its_reporter_and_first_event(storage: Storage) -> None:
    flags = storage.flags
    flag = await flags.create(REPORT, NOW, LATER, reporter=7, detail="spam links")
    assert (flag.guild_id, flag.source, flag.category, flag.severity) == (
        GUILD,
        "report",
        "member report",
        FlagSeverity.MEDIUM,
    )
    assert (flag.user_id, flag.channel_id, flag.message_id, flag.reports) == (MEMBER, 50, 100, 1)
    assert (flag.status, flag.escalation_step, flag.next_escalation_at) == (
        FlagStatus.OPEN,
        0,
        LATER,
    )
    assert (flag.claimed_by, flag.closed_by, flag.card_message_id) == (None, None, None)
    assert flag.created_at == NOW
    assert await flags.get(flag.id) == flag
    assert await flags.get(flag.id + 1) is None
    assert await flags.reporters(flag.id) == [7]
    assert await flags.events(flag.id) == [FlagEvent("created", 7, "spam links", NOW)]

    quiet = await flags.create(replace(SUPPORT, user_id=11), NOW, None)
    assert (quiet.reports, quiet.next_escalation_at) == (0, None)
    assert await flags.reporters(quiet.id) == []
    assert await flags.events(quiet.id) == [FlagEvent("created", None, None, NOW)]


async def test_instants_are_stored_as_utc_text(storage: Storage) -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    flag = await storage.flags.create(REPORT, NOW.astimezone(tokyo), LATER.astimezone(tokyo))
    row = await plain_one(
        storage, "SELECT created_at, next_escalation_at FROM flags WHERE id = ?", (flag.id,)
    )
    assert row is not None
    assert tuple(row) == ("2026-03-07T12:00:00.000Z", "2026-03-07T12:05:00.000Z")
    assert flag.created_at == NOW and flag.created_at.tzinfo == UTC


async def test_reports_of_one_message_merge_into_its_active_flag(storage: Storage) -> None:
    flags = storage.flags
    first, merged = await flags.report(REPORT, 7, "rude", NOW, LATER)
    assert not merged and first.reports == 1
    second, merged = await flags.report(REPORT, 8, None, LATER, LATER)
    assert merged and second.id == first.id and second.reports == 2
    third, merged = await flags.report(REPORT, 7, "again", LATER, LATER)
    assert merged and third.reports == 2, "the same member counts once"
    assert await flags.reporters(first.id) == [7, 8]
    assert [(e.action, e.actor_id, e.detail) for e in await flags.events(first.id)] == [
        ("created", 7, "rude"),
        ("merged", 8, None),
        ("merged", 7, "again"),
    ]
    other, merged = await flags.report(replace(REPORT, message_id=101), 7, None, NOW, LATER)
    assert not merged and other.id != first.id

    assert await flags.claim(first.id, MOD, LATER)
    claimed, merged = await flags.report(REPORT, 9, None, LATER, LATER)
    assert merged and claimed.id == first.id, "a claimed flag still gathers reports"
    assert await flags.close(first.id, MOD, FlagStatus.RESOLVED, None, LATER)
    fresh, merged = await flags.report(REPORT, 9, None, LATER, LATER)
    assert not merged and fresh.id not in (first.id, other.id), "a closed flag is not reopened"


async def test_reports_without_a_message_never_merge(storage: Storage) -> None:
    general = replace(REPORT, message_id=None, channel_id=None)
    one, merged_one = await storage.flags.report(general, 7, None, NOW, None)
    two, merged_two = await storage.flags.report(general, 7, None, NOW, None)
    assert (merged_one, merged_two) == (False, False)
    assert one.id != two.id


async def test_simultaneous_reports_of_one_message_make_one_flag(storage: Storage) -> None:
    results = await asyncio.gather(
        *(storage.flags.report(REPORT, reporter, None, NOW, LATER) for reporter in (7, 8, 9, 10))
    )
    assert [merged for _, merged in results].count(False) == 1
    assert len({flag.id for flag, _ in results}) == 1
    assert await count(storage, "flags") == 1
    [flag] = await storage.flags.for_guild(GUILD, None, 10)
    assert flag.reports == 4
    assert sorted(await storage.flags.reporters(flag.id)) == [7, 8, 9, 10]


async def test_detections_for_a_member_merge_and_the_severity_rises(storage: Storage) -> None:
    flags = storage.flags
    delays = EscalationDelays(
        high=timedelta(minutes=5), medium=timedelta(minutes=30), low=timedelta(hours=4)
    )

    async def detect(flag: NewFlag, now: datetime) -> tuple[Flag, bool]:
        detected = await flags.detect(flag, now, delays)
        assert detected is not None
        return detected.flag, detected.merged

    first, merged = await detect(DETECTION, NOW)
    assert not merged and first.severity == FlagSeverity.LOW and first.reports == 1
    worse, merged = await detect(replace(DETECTION, severity=3, message_id=201), LATER)
    assert merged and worse.id == first.id
    assert worse.severity == FlagSeverity.HIGH and worse.reports == 2
    milder, merged = await detect(replace(DETECTION, message_id=202), LATER)
    assert merged and milder.severity == FlagSeverity.HIGH, "never lowered"
    other, merged = await detect(replace(DETECTION, user_id=11), NOW)
    assert not merged and other.id != first.id
    actions = [e.action for e in await flags.events(first.id)]
    assert actions[0] == "created" and actions.count("merged") + actions.count("worsened") == 2


async def test_a_write_failing_midway_leaves_nothing_half_done(storage: Storage) -> None:
    flags = storage.flags
    async with failing_inserts(storage, "flag_events"):
        with pytest.raises(IntegrityError, match="injected"):
            await flags.create(REPORT, NOW, LATER, reporter=7)
    assert await count(storage, "flags") == 0
    assert await count(storage, "flag_reporters") == 0

    flag, _ = await flags.report(REPORT, 7, None, NOW, LATER)
    async with failing_inserts(storage, "flag_events"):
        with pytest.raises(IntegrityError, match="injected"):
            await flags.report(REPORT, 8, None, LATER, LATER)
        with pytest.raises(IntegrityError, match="injected"):
            await flags.claim(flag.id, MOD, LATER)
    assert await flags.get(flag.id) == flag, "no extra report, not claimed"
    assert await flags.reporters(flag.id) == [7]
    assert await flags.claim(flag.id, MOD, LATER), "works normally afterwards"


async def test_a_flag_is_claimed_by_exactly_one_moderator(storage: Storage) -> None:
    flags = storage.flags
    flag = await flags.create(REPORT, NOW, LATER, reporter=7)
    assert [f.id for f in await flags.escalating()] == [flag.id]
    results = await asyncio.gather(*(flags.claim(flag.id, mod, LATER) for mod in (MOD, OTHER_MOD)))
    assert sorted(results) == [False, True]
    claimed = await flags.get(flag.id)
    assert claimed is not None
    assert claimed.status == FlagStatus.CLAIMED and claimed.claimed_at == LATER
    winner = MOD if results[0] else OTHER_MOD
    assert claimed.claimed_by == winner
    assert await flags.escalating() == [], "a claimed flag stops escalating"
    assert not await flags.claim(flag.id, winner, LATER), "already claimed"
    assert [(e.action, e.actor_id) for e in await flags.events(flag.id)][1:] == [
        ("claimed", winner)
    ]


async def test_closing_is_final_and_keeps_who_handled_it(storage: Storage) -> None:
    flags = storage.flags
    claimed = await flags.create(REPORT, NOW, LATER)
    await flags.claim(claimed.id, MOD, NOW + timedelta(minutes=1))
    assert await flags.close(claimed.id, OTHER_MOD, FlagStatus.RESOLVED, "talked", LATER)
    done = await flags.get(claimed.id)
    assert done is not None
    assert (done.status, done.claimed_by, done.closed_by, done.closed_at) == (
        FlagStatus.RESOLVED,
        MOD,
        OTHER_MOD,
        LATER,
    )
    assert not await flags.close(claimed.id, MOD, FlagStatus.DISMISSED, None, LATER)
    assert not await flags.claim(claimed.id, MOD, LATER)

    unclaimed = await flags.create(replace(REPORT, message_id=101), NOW, LATER)
    assert await flags.close(unclaimed.id, MOD, FlagStatus.DISMISSED, "not a concern", LATER)
    dismissed = await flags.get(unclaimed.id)
    assert dismissed is not None
    assert (dismissed.status, dismissed.claimed_by, dismissed.claimed_at) == (
        FlagStatus.DISMISSED,
        MOD,
        LATER,
    )
    assert await flags.escalating() == []
    assert (await flags.events(unclaimed.id))[-1] == FlagEvent(
        "dismissed", MOD, "not a concern", LATER
    )


async def test_escalation_steps_are_taken_once_and_in_order(storage: Storage) -> None:
    flags = storage.flags
    flag = await flags.create(DETECTION, NOW, LATER)
    step_two_at = LATER + timedelta(minutes=5)
    assert not await flags.advance(flag.id, 2, step_two_at, None, LATER), "no skipping a step"
    assert await flags.advance(flag.id, 1, step_two_at, None, LATER)
    assert not await flags.advance(flag.id, 1, step_two_at, None, LATER), "not twice"
    stepped = await flags.get(flag.id)
    assert stepped is not None
    assert (stepped.escalation_step, stepped.next_escalation_at) == (1, step_two_at)
    results = await asyncio.gather(
        *(flags.advance(flag.id, 2, None, None, step_two_at) for _ in "ab")
    )
    assert sorted(results) == [False, True]
    assert await flags.escalating() == [], "no next step: off the list"
    assert (await flags.events(flag.id))[1:] == [
        FlagEvent("escalated", None, "step 1", LATER),
        FlagEvent("escalated", None, "step 2", step_two_at),
    ]
    other = await flags.create(replace(DETECTION, user_id=11), NOW, LATER)
    await flags.claim(other.id, MOD, NOW)
    assert not await flags.advance(other.id, 1, None, None, LATER), "claimed: no escalation"


async def test_guild_lists_filter_by_status_and_order_by_urgency_or_recency(
    storage: Storage,
) -> None:
    flags = storage.flags
    low = await flags.create(replace(REPORT, severity=1, message_id=1), NOW, None)
    high = await flags.create(replace(REPORT, severity=3, message_id=2), NOW, None)
    medium = await flags.create(replace(REPORT, severity=2, message_id=3), NOW, None)
    high_too = await flags.create(replace(REPORT, severity=3, message_id=4), NOW, None)
    closed = await flags.create(replace(REPORT, severity=3, message_id=5), NOW, None)
    await flags.create(replace(REPORT, guild_id=2), NOW, None)
    await flags.claim(medium.id, MOD, NOW)
    await flags.close(closed.id, MOD, FlagStatus.RESOLVED, None, NOW)
    await flags.close(low.id, MOD, FlagStatus.RESOLVED, None, NOW)
    assert [f.id for f in await flags.for_guild(GUILD, None, 10)] == [
        high.id,
        high_too.id,
        medium.id,
    ]
    assert [f.id for f in await flags.for_guild(GUILD, None, 2)] == [high.id, high_too.id]
    resolved = await flags.for_guild(GUILD, FlagStatus.RESOLVED, 10)
    assert [f.id for f in resolved] == [closed.id, low.id], "newest first"
    assert [f.id for f in await flags.for_guild(GUILD, FlagStatus.CLAIMED, 10)] == [medium.id]
    assert await flags.for_guild(GUILD, FlagStatus.DISMISSED, 10) == []


async def test_open_support_is_the_members_newest_active_request(storage: Storage) -> None:
    flags = storage.flags
    assert await flags.open_support(GUILD, MEMBER) is None
    older = await flags.create(SUPPORT, NOW, None)
    newer = await flags.create(SUPPORT, LATER, None)
    await flags.create(replace(SUPPORT, source="report", message_id=9), NOW, None)
    assert (await flags.open_support(GUILD, MEMBER)) == newer
    await flags.close(newer.id, MOD, FlagStatus.RESOLVED, None, LATER)
    assert (await flags.open_support(GUILD, MEMBER)) == older
    await flags.claim(older.id, MOD, LATER)
    found = await flags.open_support(GUILD, MEMBER)
    assert found is not None and found.id == older.id, "claimed still counts as active"
    assert await flags.open_support(GUILD, 11) is None
    assert await flags.open_support(2, MEMBER) is None


async def test_flags_without_a_card_until_one_is_posted(storage: Storage) -> None:
    flags = storage.flags
    first = await flags.create(replace(REPORT, message_id=1), NOW, None)
    second = await flags.create(replace(REPORT, message_id=2), NOW, None)
    elsewhere = await flags.create(replace(REPORT, guild_id=2), NOW, None)
    closed = await flags.create(replace(REPORT, message_id=3), NOW, None)
    await flags.close(closed.id, MOD, FlagStatus.DISMISSED, None, NOW)
    assert [f.id for f in await flags.without_card(GUILD)] == [first.id, second.id]
    assert [f.id for f in await flags.without_card(None)] == [first.id, second.id, elsewhere.id]
    await flags.set_card(first.id, 90, 9001)
    posted = await flags.get(first.id)
    assert posted is not None and (posted.card_channel_id, posted.card_message_id) == (90, 9001)
    assert [f.id for f in await flags.without_card(None)] == [second.id, elsewhere.id]


async def test_since_includes_the_start_instant_whatever_its_zone(storage: Storage) -> None:
    flags = storage.flags
    before = await flags.create(
        replace(REPORT, message_id=1), NOW - timedelta(milliseconds=1), None
    )
    at = await flags.create(replace(REPORT, message_id=2), NOW, None)
    after = await flags.create(replace(REPORT, message_id=3), NOW + timedelta(days=1), None)
    await flags.create(replace(REPORT, guild_id=2), NOW, None)
    start = NOW.astimezone(ZoneInfo("America/Los_Angeles"))
    assert {f.id for f in await flags.since(GUILD, start)} == {at.id, after.id}
    assert before.id not in {f.id for f in await flags.since(GUILD, start)}
    assert await flags.since(GUILD, NOW + timedelta(days=2)) == []


async def test_oncall_moderators_in_the_order_they_went_on_call(storage: Storage) -> None:
    flags = storage.flags
    assert await flags.oncall(GUILD) == []
    await flags.set_oncall(GUILD, OTHER_MOD, True, NOW)
    await flags.set_oncall(GUILD, MOD, True, LATER)
    await flags.set_oncall(GUILD, OTHER_MOD, True, LATER + timedelta(hours=1))
    await flags.set_oncall(2, 99, True, NOW)
    assert await flags.oncall(GUILD) == [OTHER_MOD, MOD], "on again keeps the first time"
    await flags.set_oncall(GUILD, OTHER_MOD, False, LATER)
    await flags.set_oncall(GUILD, 55, False, LATER)  # never on call: nothing to undo
    assert await flags.oncall(GUILD) == [MOD]
    assert await flags.oncall(2) == [99]


async def test_flags_history_and_oncall_survive_reopening_the_file(db_target: Path | str) -> None:
    async with reopened(db_target) as storage:
        flag, _ = await storage.flags.report(REPORT, 7, "rude", NOW, LATER)
        await storage.flags.claim(flag.id, MOD, LATER)
        await storage.flags.set_oncall(GUILD, MOD, True, NOW)
        kept = await storage.flags.get(flag.id)
    async with reopened(db_target) as storage:
        assert await storage.flags.get(flag.id) == kept
        assert [e.action for e in await storage.flags.events(flag.id)] == ["created", "claimed"]
        assert await storage.flags.oncall(GUILD) == [MOD]
        again, merged = await storage.flags.report(REPORT, 8, None, LATER, LATER)
        assert merged and again.id == flag.id and await storage.flags.reporters(flag.id) == [7, 8]
