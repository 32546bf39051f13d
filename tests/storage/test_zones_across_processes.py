"""Two Hearth processes on one PostgreSQL database: a member's own time zone set through one is
what the other uses next (each keeps members' zones in memory)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.guild_configs import GuildConfigs
from bot.storage.storage import open_storage
from bot.zones import ZoneResolver
from tests.clocks import ManualClock

MEMBER, GUILD = 41, 7


async def test_a_zone_set_through_another_process_is_used_here(postgres) -> None:
    url = await postgres.new_database()
    clock = ManualClock(datetime(2026, 3, 1, 12, tzinfo=UTC))
    here, there = await open_storage(url), await open_storage(url)
    try:
        zones_here = ZoneResolver(here.profiles, GuildConfigs(here.guild_configs, clock))
        zones_there = ZoneResolver(there.profiles, GuildConfigs(there.guild_configs, clock))
        await zones_here.follow_other_processes()
        await zones_there.follow_other_processes()
        assert (await zones_here.for_member(MEMBER, GUILD)).name == "UTC"  # now kept in memory

        arrived: asyncio.Queue[int] = asyncio.Queue()
        # Registered after the resolver's own listener, so it hears each change after it does.
        await here.profiles.follow_zone_changes(arrived.put_nowait)

        await zones_there.set_member_zone(MEMBER, "America/Chicago", clock.now())
        assert await asyncio.wait_for(arrived.get(), 10) == MEMBER
        assert (await zones_here.for_member(MEMBER, GUILD)).name == "America/Chicago"

        # And back to none of their own: the server's zone (UTC here) again.
        await zones_there.set_member_zone(MEMBER, None, clock.now())
        assert await asyncio.wait_for(arrived.get(), 10) == MEMBER
        assert (await zones_here.for_member(MEMBER, GUILD)).source == "default"
    finally:
        await here.close()
        await there.close()
        await postgres.drop_database(url)
