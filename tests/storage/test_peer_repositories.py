"""Peer requests, partnerships and shares on a real SQLite file: each step happens once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain.partners import PartnerStatus, Sharing
from bot.domain.peer_hours import WeeklyHours, parse_days
from bot.domain.peer_support import RequestOrigin, RequestStatus
from bot.storage.peers import TakeOutcome
from bot.storage.sealing import DataKey, FieldCodec, new_key_text
from bot.storage.storage import Storage, open_storage
from tests.storage.support import plain_one, reopened

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
GUILD, MEMBER, OTHER, PAT, QUINN = 1, 10, 11, 20, 21


async def ask(storage: Storage, user: int = MEMBER, reason: str | None = None):
    request = await storage.peers.create_request(
        GUILD, user, RequestOrigin.COMMAND, reason, 99, NOW + timedelta(minutes=10), NOW
    )
    assert request is not None
    return request


async def test_one_open_request_per_member_and_the_first_take_wins(storage: Storage) -> None:
    request = await ask(storage)
    assert (
        await storage.peers.create_request(GUILD, MEMBER, RequestOrigin.CHECKIN, None, 99, NOW, NOW)
        is None
    ), "asking twice keeps one request"
    outcomes = await asyncio.gather(
        storage.peers.take(request.id, PAT, 2, NOW), storage.peers.take(request.id, QUINN, 2, NOW)
    )
    assert sorted(outcomes) == sorted([TakeOutcome.TAKEN, TakeOutcome.GONE])
    assert await storage.peers.take(request.id, MEMBER, 2, NOW) == TakeOutcome.GONE
    taken = await storage.peers.get(request.id)
    assert taken is not None and taken.status == RequestStatus.TAKEN and taken.wait_until is None


async def test_the_cap_counts_open_conversations_only(storage: Storage) -> None:
    first, second, third = await ask(storage, 30), await ask(storage, 31), await ask(storage, 32)
    assert await storage.peers.take(first.id, PAT, 2, NOW) == TakeOutcome.TAKEN
    assert await storage.peers.take(second.id, PAT, 2, NOW) == TakeOutcome.TAKEN
    assert await storage.peers.take(third.id, PAT, 2, NOW) == TakeOutcome.AT_CAP
    assert await storage.peers.close(first.id, 30, NOW)
    assert await storage.peers.take(third.id, PAT, 2, NOW) == TakeOutcome.TAKEN
    assert await storage.peers.open_conversations(GUILD) == {PAT: 2}
    own = await ask(storage, PAT)
    assert await storage.peers.take(own.id, PAT, 5, NOW) == TakeOutcome.OWN


async def test_hand_over_release_and_the_wait_move_a_request_once(storage: Storage) -> None:
    request = await ask(storage)
    later = NOW + timedelta(minutes=3)
    assert await storage.peers.take(request.id, PAT, 2, later) == TakeOutcome.TAKEN
    assert not await storage.peers.hand_over(request.id, QUINN, NOW, later), "only its supporter"
    again_at = later + timedelta(minutes=10)
    assert await storage.peers.hand_over(request.id, PAT, again_at, later)
    assert not await storage.peers.hand_over(request.id, PAT, again_at, later)
    waiting = await storage.peers.get(request.id)
    assert waiting is not None and waiting.status == RequestStatus.WAITING
    assert waiting.first_taken_at == later, "the first response is remembered"
    assert [r.id for r in await storage.peers.waiting()] == [request.id]

    assert not await storage.peers.to_moderators(request.id, again_at - timedelta(seconds=1))
    assert await storage.peers.to_moderators(request.id, again_at)
    assert not await storage.peers.to_moderators(request.id, again_at, early=True)
    assert [r.id for r in await storage.peers.unflagged()] == [request.id]
    await storage.peers.set_flag(request.id, 7)
    assert await storage.peers.unflagged() == []

    released = await ask(storage, OTHER)
    await storage.peers.take(released.id, QUINN, 2, NOW)
    assert await storage.peers.release(released.id, QUINN, NOW + timedelta(minutes=10))
    back = await storage.peers.get(released.id)
    assert back is not None and back.status == RequestStatus.WAITING and back.first_taken_at is None
    times, events = await storage.peers.stats_since(GUILD, NOW - timedelta(days=1))
    assert [a for a, _ in events] == ["handed_over"], "a released take isn't counted"
    assert sum(t.went_to_moderators for t in times) == 1


async def test_a_closed_conversation_owes_one_check_in(storage: Storage) -> None:
    request = await ask(storage)
    await storage.peers.take(request.id, PAT, 2, NOW)
    assert await storage.peers.close(request.id, MEMBER, NOW)
    assert not await storage.peers.close(request.id, PAT, NOW)
    assert [r.id for r in await storage.peers.debriefs_owed()] == [request.id]
    await storage.peers.debrief_done(request.id, delivered=True)
    assert await storage.peers.debriefs_owed() == []


async def test_duty_and_hours_survive_a_restart(db_target: Path | str, storage: Storage) -> None:
    hours = WeeklyHours(
        parse_days("weekdays") or frozenset(), NOW.time(), NOW.time().replace(hour=20)
    )
    await storage.peers.set_hours(GUILD, PAT, hours, NOW)
    await storage.peers.set_duty(GUILD, PAT, True, NOW)
    await storage.peers.set_duty(GUILD, QUINN, False, NOW)
    async with reopened(db_target) as again:
        [supporter] = await again.peers.on_duty(GUILD)
    assert supporter.user_id == PAT and supporter.hours == hours


async def test_a_reason_is_sealed_with_a_data_key(tmp_path: Path) -> None:
    path = tmp_path / "sealed.db"
    storage = await open_storage(path, codec=FieldCodec(DataKey.parse(new_key_text())))
    try:
        request = await ask(storage, reason="the words only the supporter reads")
        assert request.reason == "the words only the supporter reads"
        row = await plain_one(storage, "SELECT reason FROM peer_requests")
        assert row is not None and "supporter reads" not in row[0]
    finally:
        await storage.close()


async def test_partnerships_need_both_and_notices_go_once(storage: Storage) -> None:
    sharing = Sharing(streak=True, struggles=True)
    invited = await storage.partners.invite(GUILD, MEMBER, PAT, sharing, NOW)
    assert invited is not None and invited.status == PartnerStatus.INVITED
    assert await storage.partners.invite(GUILD, MEMBER, PAT, sharing, NOW) is None
    assert not await storage.partners.accept(invited.id, QUINN, NOW), "only the one invited"
    assert await storage.partners.accept(invited.id, PAT, NOW)
    assert await storage.partners.live_count(GUILD, MEMBER) == (1, 0)
    assert await storage.partners.live_count(GUILD, PAT) == (0, 1)
    assert [p.id for p in await storage.partners.active_sharing(GUILD, MEMBER)] == [invited.id]
    assert await storage.partners.claim_notice(invited.id, GUILD, "struggle:2026-11-22", NOW)
    assert not await storage.partners.claim_notice(invited.id, GUILD, "struggle:2026-11-22", NOW)
    assert len(await storage.partners.unfinished_notices()) == 1
    await storage.partners.finish_notice(invited.id, "struggle:2026-11-22", delivered=True)
    assert await storage.partners.unfinished_notices() == []
    assert not await storage.partners.end(invited.id, QUINN, NOW), "only the two of them"
    assert await storage.partners.end(invited.id, PAT, NOW)
    assert await storage.partners.involving(GUILD, MEMBER) == []
    assert await storage.partners.invite(GUILD, MEMBER, PAT, sharing, NOW) is not None


async def test_only_the_author_takes_a_share_down(storage: Storage) -> None:
    share_id = await storage.shares.start(GUILD, MEMBER, 5, NOW)
    await storage.shares.posted(share_id, 555)
    assert not await storage.shares.remove(share_id, OTHER, NOW)
    assert await storage.shares.remove(share_id, MEMBER, NOW)
    assert not await storage.shares.remove(share_id, MEMBER, NOW)
    failed = await storage.shares.start(GUILD, MEMBER, 5, NOW)
    await storage.shares.failed(failed)
    assert await storage.shares.recent(GUILD, MEMBER, NOW - timedelta(days=1)) == [NOW]
