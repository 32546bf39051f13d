"""Partnership lookups made together (a burst of hard check-ins) are read together, and each
member still gets their own partnerships, as stored when they asked."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.domain.partners import Sharing
from bot.storage.batched_reads import MAX_KEYS
from bot.storage.storage import Storage

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
GUILD, OTHER_GUILD = 1, 2
PARTNER = 9


async def partner_up(storage: Storage, guild: int, member: int) -> int:
    invited = await storage.partners.invite(guild, member, PARTNER, Sharing(struggles=True), NOW)
    assert invited is not None
    assert await storage.partners.accept(invited.id, PARTNER, NOW)
    return invited.id


async def test_a_burst_of_lookups_answers_each_member_with_their_own(storage: Storage) -> None:
    members = range(100, 100 + MAX_KEYS + 20)  # more than one statement's worth
    expected: dict[tuple[int, int], list[int]] = {}
    for member in members[::3]:
        expected[(GUILD, member)] = [await partner_up(storage, GUILD, member)]
    # The same member in another server has partnerships of their own there.
    expected[(OTHER_GUILD, members[0])] = [await partner_up(storage, OTHER_GUILD, members[0])]
    asked = [(GUILD, member) for member in members] + [(OTHER_GUILD, members[0])]
    asked.append((GUILD, members[0]))  # asked twice at once
    found = await asyncio.gather(*(storage.partners.active_sharing(g, m) for g, m in asked))
    for (guild, member), partnerships in zip(asked, found, strict=True):
        assert [p.id for p in partnerships] == expected.get((guild, member), [])
        assert all((p.guild_id, p.user_id) == (guild, member) for p in partnerships)


async def test_a_lookup_asked_after_a_change_sees_it(storage: Storage) -> None:
    first = await partner_up(storage, GUILD, 10)

    async def end_then_look() -> list[int]:
        assert await storage.partners.end(first, PARTNER, NOW)
        return [p.id for p in await storage.partners.active_sharing(GUILD, 10)]

    # The first lookup may read before or after the end (both were asked before it finished);
    # the one asked after the end must not be answered by a read that began before it.
    before, after = await asyncio.gather(
        storage.partners.active_sharing(GUILD, 10), end_then_look()
    )
    assert [p.id for p in before] in ([first], [])
    assert after == []
