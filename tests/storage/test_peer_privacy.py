"""A member's export and erasure cover their peer support, partners and anonymous shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.partners import Sharing
from bot.domain.peer_support import RequestOrigin
from bot.storage.privacy import PublicPost
from bot.storage.storage import Storage
from tests.storage.support import count

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
GUILD, MEMBER, PAT, LEE = 1, 10, 20, 30


async def _some_of_everything(storage: Storage) -> None:
    await storage.peers.set_duty(GUILD, PAT, True, NOW)
    request = await storage.peers.create_request(
        GUILD, MEMBER, RequestOrigin.COMMAND, "my own words", 5, NOW + timedelta(minutes=10), NOW
    )
    assert request is not None
    await storage.peers.set_card(request.id, 6, 600)
    await storage.peers.take(request.id, PAT, 2, NOW)
    await storage.peers.close(request.id, MEMBER, NOW)
    invited = await storage.partners.invite(GUILD, MEMBER, LEE, Sharing(streak=True), NOW)
    assert invited is not None
    await storage.partners.accept(invited.id, LEE, NOW)
    await storage.partners.claim_notice(invited.id, GUILD, "struggle:2026-11-22", NOW)
    share = await storage.shares.start(GUILD, MEMBER, 7, NOW)
    await storage.shares.posted(share, 700)


async def test_the_export_holds_a_members_peer_support(storage: Storage) -> None:
    await _some_of_everything(storage)
    mine = (await storage.privacy.export(GUILD, MEMBER)).peer_support
    [asked] = mine["support_conversations_requested"]
    assert asked["reason"] == "my own words" and asked["status"] == "closed"
    assert [p["partner_id"] for p in mine["partners_you_share_with"]] == [LEE]
    assert [s["message_id"] for s in mine["anonymous_shares"]] == [700]
    supporter = (await storage.privacy.export(GUILD, PAT)).peer_support
    assert supporter["as_peer_supporter"]["on_duty"] == 1
    assert [e["action"] for e in supporter["support_conversations_helped"]] == ["taken"]
    assert "my own words" not in str(supporter), "a member's words aren't the supporter's data"
    lee = (await storage.privacy.export(GUILD, LEE)).peer_support
    assert [p["user_id"] for p in lee["members_who_share_with_you"]] == [MEMBER]
    assert GUILD in await storage.privacy.guilds_with_data(PAT)


async def test_erasing_a_member_removes_it_and_takes_their_posts_down(storage: Storage) -> None:
    await _some_of_everything(storage)
    erased = await storage.privacy.erase_member(GUILD, MEMBER)
    assert PublicPost(6, 600) in erased.public_posts, "the card naming them"
    assert PublicPost(7, 700) in erased.public_posts, "their anonymous share"
    for table in ("peer_requests", "peer_request_events", "partnerships", "partner_notices"):
        assert await count(storage, table) == 0, table
    assert await count(storage, "anonymous_shares") == 0
    assert await count(storage, "peer_supporters") == 1, "someone else's duty stays"

    await storage.privacy.erase_member(GUILD, PAT)
    assert await count(storage, "peer_supporters") == 0
