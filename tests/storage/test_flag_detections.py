"""Detection flags on a real SQLite file: merging, worse detections restarting the ladder with
their alerts recorded once, edited versions flagged once, rule counts, channel pointers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.flags import EscalationDelays, FlagSeverity, FlagStatus, NewFlag
from bot.storage.storage import Storage, open_storage

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
DELAYS = EscalationDelays(
    high=timedelta(minutes=5), medium=timedelta(minutes=30), low=timedelta(minutes=240)
)
GUILD, MEMBER, MODERATOR = 10, 20, 30


def detection(severity: int, rule: str = "rule.a", version: str | None = None) -> NewFlag:
    return NewFlag(
        guild_id=GUILD,
        source="detection",
        category="suicidal thoughts",
        severity=severity,
        user_id=MEMBER,
        channel_id=40,
        message_id=50,
        rule=rule,
        version=version,
    )


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    opened = await open_storage(tmp_path / "h.db")
    try:
        yield opened
    finally:
        await opened.close()


async def test_a_milder_or_equal_detection_merges_without_alerts(storage: Storage) -> None:
    flags = storage.flags
    first = await flags.detect(detection(2), NOW, DELAYS)
    assert first is not None and not first.merged
    assert first.flag.next_escalation_at == NOW + DELAYS.medium
    later = NOW + timedelta(minutes=10)
    merged = await flags.detect(detection(1, "rule.b"), later, DELAYS)
    assert merged is not None and merged.merged and not merged.restarted
    assert merged.flag.id == first.flag.id
    assert merged.flag.severity == FlagSeverity.MEDIUM
    assert merged.flag.next_escalation_at == NOW + DELAYS.medium, "the ladder keeps its time"
    assert merged.flag.reports == 2
    assert await flags.pending_alerts() == []


async def test_a_worse_detection_restarts_the_ladder_and_owes_one_ping(storage: Storage) -> None:
    flags = storage.flags
    first = await flags.detect(detection(1), NOW, DELAYS)
    assert first is not None
    assert await flags.advance(first.flag.id, 1, NOW + timedelta(hours=8), None, NOW)
    later = NOW + timedelta(hours=5)
    worse = await flags.detect(detection(3, "rule.high"), later, DELAYS)
    assert worse is not None and worse.restarted
    assert worse.previous_severity == FlagSeverity.LOW
    flag = worse.flag
    assert flag.severity == FlagSeverity.HIGH
    assert flag.escalation_step == 0
    assert flag.next_escalation_at == later + DELAYS.high, "recomputed from now"
    [alert] = await flags.pending_alerts(flag.id)
    assert alert.kind == "worse"
    assert await flags.alert_sent(alert.id, later)
    assert not await flags.alert_sent(alert.id, later), "marked sent once"
    assert await flags.pending_alerts() == []
    events = [e.action for e in await flags.events(flag.id)]
    assert events == ["created", "escalated", "worsened"]


async def test_a_worse_detection_reopens_a_claimed_flag_and_owes_the_claimer_a_dm(
    storage: Storage,
) -> None:
    flags = storage.flags
    first = await flags.detect(detection(1), NOW, DELAYS)
    assert first is not None
    assert await flags.claim(first.flag.id, MODERATOR, NOW)
    worse = await flags.detect(detection(3), NOW + timedelta(minutes=1), DELAYS)
    assert worse is not None and worse.restarted
    assert worse.flag.status == FlagStatus.OPEN and worse.flag.reopened
    assert worse.flag.claimed_by == MODERATOR
    kinds = {(a.kind, a.target_id) for a in await flags.pending_alerts(worse.flag.id)}
    assert kinds == {("worse", None), ("claimer", MODERATOR)}
    assert await flags.claim(worse.flag.id, MODERATOR, NOW + timedelta(minutes=2)), (
        "it can be claimed again"
    )


async def test_a_finished_ladder_starts_again_on_any_new_detection(storage: Storage) -> None:
    flags = storage.flags
    first = await flags.detect(detection(2), NOW, DELAYS)
    assert first is not None
    assert await flags.advance(first.flag.id, 1, NOW + timedelta(hours=1), None, NOW)
    assert await flags.advance(first.flag.id, 2, None, None, NOW)  # the last step for medium
    later = NOW + timedelta(hours=3)
    again = await flags.detect(detection(2), later, DELAYS)
    assert again is not None and again.restarted
    assert again.flag.next_escalation_at == later + DELAYS.medium
    [alert] = await flags.pending_alerts(again.flag.id)
    assert alert.kind == "renewed"


async def test_closed_flags_never_swallow_a_detection(storage: Storage) -> None:
    flags = storage.flags
    for status in (FlagStatus.DISMISSED, FlagStatus.RESOLVED):
        first = await flags.detect(detection(3), NOW, DELAYS)
        assert first is not None and not first.merged
        assert await flags.close(first.flag.id, MODERATOR, status, None, NOW)
        again = await flags.detect(detection(1), NOW, DELAYS)
        assert again is not None and not again.merged
        assert again.flag.id != first.flag.id
        assert await flags.close(again.flag.id, MODERATOR, FlagStatus.RESOLVED, None, NOW)


async def test_an_edited_version_is_flagged_once_and_forgotten_after_a_week(
    storage: Storage,
) -> None:
    flags = storage.flags
    assert await flags.detect(detection(2, version="v1"), NOW, DELAYS) is not None
    assert await flags.detect(detection(2, version="v1"), NOW, DELAYS) is None
    assert await flags.detect(detection(2, version="v2"), NOW, DELAYS) is not None
    week_later = NOW + timedelta(days=8)
    assert await flags.detect(detection(2, version="v3"), week_later, DELAYS) is not None
    assert await flags.detect(detection(2, version="v1"), week_later, DELAYS) is not None, (
        "expired from memory"
    )


async def test_rule_counts_and_dismissals_name_the_rule(storage: Storage) -> None:
    flags = storage.flags
    first = await flags.detect(detection(2, "rule.a"), NOW, DELAYS)
    assert first is not None
    await flags.detect(detection(2, "rule.a"), NOW, DELAYS)
    await flags.detect(detection(1, "rule.b"), NOW, DELAYS)
    assert await flags.close(first.flag.id, MODERATOR, FlagStatus.DISMISSED, None, NOW)
    await flags.detect(detection(2, "rule.a"), NOW, DELAYS)  # a new flag, not dismissed
    counts = {c.rule: (c.detections, c.dismissals) for c in await flags.rule_counts(GUILD)}
    assert counts == {"rule.a": (3, 2), "rule.b": (1, 1)}
    assert await flags.rule_counts(GUILD + 1) == []
    dismissed = [e for e in await flags.events(first.flag.id) if e.action == "dismissed"]
    assert dismissed[0].detail == "rules: rule.a, rule.b"


async def test_member_unreachable_is_noted_once(storage: Storage) -> None:
    flags = storage.flags
    first = await flags.detect(detection(3), NOW, DELAYS)
    assert first is not None and not first.flag.member_unreachable
    assert await flags.member_unreachable(first.flag.id, NOW)
    assert not await flags.member_unreachable(first.flag.id, NOW)
    flag = await flags.get(first.flag.id)
    assert flag is not None and flag.member_unreachable


async def test_channel_pointer_once_a_day_and_rules_switched_per_guild(storage: Storage) -> None:
    crisis = storage.crisis
    day = timedelta(days=1)
    assert await crisis.claim_channel_pointer(GUILD, 40, NOW, day)
    assert not await crisis.claim_channel_pointer(GUILD, 40, NOW + timedelta(hours=23), day)
    assert await crisis.claim_channel_pointer(GUILD, 41, NOW, day), "another channel"
    assert await crisis.claim_channel_pointer(GUILD, 40, NOW + day, day)

    assert await crisis.set_rule_disabled(GUILD, "rule.a", True, MODERATOR, NOW)
    assert not await crisis.set_rule_disabled(GUILD, "rule.a", True, MODERATOR, NOW)
    assert await crisis.disabled_rules(GUILD) == {"rule.a"}
    assert await crisis.disabled_rules(GUILD + 1) == set()
    assert await crisis.set_rule_disabled(GUILD, "rule.a", False, MODERATOR, NOW)
    assert await crisis.disabled_rules(GUILD) == set()
