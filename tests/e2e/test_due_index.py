"""Timed work found by its stored next-due time: only the clock moves, and celebrations and
reminders come at the right local time after a counter is set or reset, after a member's or a
server's zone changes, and after a restart; a run with nothing due reads nothing else.

`scheduler.run_now` serves only as a barrier: it waits for any run under way (runs of a job never
overlap) and runs once more at the same clock, so "nothing yet" is checked after a real run.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from bot.app import Hearth
from bot.domain.counters import Announce
from bot.storage.storage import open_storage
from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.process_helpers import until
from tests.e2e.timeline import dm_sent, jump, posted
from tests.fakediscord import FakeDiscord

MILESTONES = "milestones:due"
CHECKINS = "checkins:due"
REMINDER = "would you like to check in today"


def card_titles(fake: FakeDiscord, channel_id: int) -> list[str]:
    return [
        message["embeds"][0]["title"]
        for message in fake.channel_messages(channel_id)
        if message.get("embeds")
    ]


async def slash(fake: FakeDiscord, community: Community, command: str, **options: str) -> str:
    ix = await fake.slash(community.guild_id, community.member, command, options=options)
    await answered(ix)
    assert ix.ephemeral, ix.text
    return ix.text


def stored_next_due(database: Path, table: str) -> list[str | None]:
    with stored.connect(database) as conn:
        return [row[0] for row in conn.execute(f"SELECT next_due_at FROM {table} ORDER BY 1")]


async def settle(bot: Hearth, job: str) -> None:
    await bot.scheduler.run_now(job)


async def test_celebrations_follow_set_reset_zone_change_and_restart(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path,
) -> None:
    clock.set(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(
        fake, community, timezone="Europe/London", celebrations_channel=community.celebrations
    )
    await slash(fake, community, "profile timezone", timezone="America/New_York")
    await slash(fake, community, "sobriety set", date="2026-03-15", announce="public")
    await settle(bot, MILESTONES)
    # One week is 22 March, local midnight in New York (EDT since 8 March): 04:00 UTC.
    assert stored_next_due(database, "sobriety_counters") == ["2026-03-22T04:00:00.000Z"]

    jump(fake, clock, datetime(2026, 3, 22, 3, 59, tzinfo=UTC))
    await settle(bot, MILESTONES)
    assert card_titles(fake, community.celebrations) == []
    since = jump(fake, clock, datetime(2026, 3, 22, 4, 0, 30, tzinfo=UTC))
    await posted(fake, community.celebrations, since=since, containing="1 week")

    # A restart today: the next milestone is now 24 hours from 22 March, New York midnight.
    await slash(fake, community, "sobriety reset", date="2026-03-22")
    await settle(bot, MILESTONES)
    assert stored_next_due(database, "sobriety_counters") == ["2026-03-23T04:00:00.000Z"]
    since = jump(fake, clock, datetime(2026, 3, 23, 4, 0, 30, tzinfo=UTC))
    await posted(fake, community.celebrations, since=since, containing="24 hours")

    # Moving to Tokyo: one week from 22 March begins at 15:00 UTC on 28 March.
    await slash(fake, community, "profile timezone", timezone="Asia/Tokyo")
    await settle(bot, MILESTONES)
    assert stored_next_due(database, "sobriety_counters") == ["2026-03-28T15:00:00.000Z"]

    bot = await runner.restart(bot)
    jump(fake, clock, datetime(2026, 3, 28, 14, 59, tzinfo=UTC))
    await settle(bot, MILESTONES)
    assert card_titles(fake, community.celebrations) == ["🎉 1 week!", "🎉 24 hours!"]
    since = jump(fake, clock, datetime(2026, 3, 28, 15, 0, 30, tzinfo=UTC))
    await posted(fake, community.celebrations, since=since, containing="1 week")
    assert card_titles(fake, community.celebrations) == ["🎉 1 week!", "🎉 24 hours!", "🎉 1 week!"]
    # 30 days from 22 March is next: 21 April in Tokyo begins at 15:00 UTC on 20 April.
    await settle(bot, MILESTONES)
    assert stored_next_due(database, "sobriety_counters") == ["2026-04-20T15:00:00.000Z"]


async def test_a_server_zone_change_moves_celebrations_of_members_without_their_own(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path,
) -> None:
    clock.set(datetime(2026, 10, 20, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(
        fake, community, timezone="Europe/London", celebrations_channel=community.celebrations
    )
    await slash(fake, community, "sobriety set", date="2026-09-26", announce="public")
    await settle(bot, MILESTONES)
    # 30 days: 26 October, the first day of GMT again: midnight is 00:00 UTC.
    assert stored_next_due(database, "sobriety_counters") == ["2026-10-26T00:00:00.000Z"]

    await setup_guild(fake, community, timezone="America/New_York")
    await settle(bot, MILESTONES)
    # New York is still on EDT on 26 October: midnight is 04:00 UTC.
    assert stored_next_due(database, "sobriety_counters") == ["2026-10-26T04:00:00.000Z"]
    jump(fake, clock, datetime(2026, 10, 26, 3, 59, tzinfo=UTC))
    await settle(bot, MILESTONES)
    assert card_titles(fake, community.celebrations) == []
    since = jump(fake, clock, datetime(2026, 10, 26, 4, 0, 30, tzinfo=UTC))
    await posted(fake, community.celebrations, since=since, containing="30 days")


async def test_reminders_follow_a_zone_change_across_new_york_fall_back_and_a_restart(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path,
) -> None:
    clock.set(datetime(2026, 10, 31, 13, 0, tzinfo=UTC))  # Saturday, 09:00 in New York
    bot = await runner.start()
    await slash(fake, community, "profile timezone", timezone="America/New_York")
    await slash(fake, community, "checkins remind", time="08:00")
    await settle(bot, CHECKINS)
    # Set after today's 08:00: first due Sunday 1 November, 08:00 EST = 13:00 UTC.
    assert stored_next_due(database, "checkin_reminders") == ["2026-11-01T13:00:00.000Z"]

    bot = await runner.restart(bot)
    jump(fake, clock, datetime(2026, 11, 1, 12, 59, tzinfo=UTC))
    await settle(bot, CHECKINS)
    assert fake.dm_messages(community.member) == []
    since = jump(fake, clock, datetime(2026, 11, 1, 13, 0, 30, tzinfo=UTC))
    await dm_sent(fake, community.member, since=since, containing=REMINDER)

    # Moving to London: Monday 2 November at 08:00 GMT.
    await slash(fake, community, "profile timezone", timezone="Europe/London")
    await settle(bot, CHECKINS)
    assert stored_next_due(database, "checkin_reminders") == ["2026-11-02T08:00:00.000Z"]
    jump(fake, clock, datetime(2026, 11, 2, 7, 59, tzinfo=UTC))
    await settle(bot, CHECKINS)
    assert len(fake.dm_messages(community.member)) == 1
    since = jump(fake, clock, datetime(2026, 11, 2, 8, 0, 30, tzinfo=UTC))
    await dm_sent(fake, community.member, since=since, containing=REMINDER)
    assert len(fake.dm_messages(community.member)) == 2


async def test_a_run_reads_only_what_is_due_however_many_counters_are_stored(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path,
) -> None:
    clock.set(datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
    storage = await open_storage(database)
    try:
        # 500 quiet counters (30 days is 19 June) and 3 whose 30 days begins tonight (UTC).
        for user in range(1000, 1500):
            await storage.sobriety.set_counter(
                community.guild_id, user, "Sobriety", date(2026, 5, 20), Announce.DM, clock.now()
            )
        for user in (community.member, community.admin, community.moderator):
            await storage.sobriety.set_counter(
                community.guild_id, user, "Sobriety", date(2026, 5, 3), Announce.DM, clock.now()
            )
    finally:
        await storage.close()
    bot = await runner.start()
    await settle(bot, MILESTONES)  # the first look at the new counters works out their times
    celebrator = bot.get_cog("MilestoneSchedule").celebrator  # type: ignore[union-attr]

    assert await celebrator.celebrate_due(clock.now()) == 0
    jump(fake, clock, datetime(2026, 6, 1, 23, 59, tzinfo=UTC))
    await settle(bot, MILESTONES)
    assert await celebrator.celebrate_due(clock.now()) == 0
    since = jump(fake, clock, datetime(2026, 6, 2, 0, 0, 30, tzinfo=UTC))
    for user in (community.member, community.admin, community.moderator):
        await dm_sent(fake, user, since=since, containing="30 days")
    await settle(bot, MILESTONES)
    assert await celebrator.celebrate_due(clock.now()) == 0
    next_times = stored_next_due(database, "sobriety_counters")
    assert next_times.count("2026-06-19T00:00:00.000Z") == 500  # their 30 days
    assert next_times.count("2026-07-02T00:00:00.000Z") == 3  # 60 days from 3 May


async def test_an_outage_sets_due_work_aside_and_the_return_delivers_it_once(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path,
) -> None:
    clock.set(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(
        fake,
        community,
        celebrations_channel=community.celebrations,
        checkin_channel=community.checkins,
        checkin_time="09:00",
    )
    await slash(fake, community, "sobriety set", date="2026-10-23", announce="public")
    await slash(fake, community, "checkins remind", time="08:00")
    await settle(bot, MILESTONES)
    await settle(bot, CHECKINS)
    fake.guild_outage(community.guild_id)
    await until(lambda: bot.get_guild(community.guild_id).unavailable, "the outage to be seen")

    # 30 days, the reminder and the prompt all fall due on 22 November during the outage.
    since = jump(fake, clock, datetime(2026, 11, 22, 9, 30, tzinfo=UTC))
    await settle(bot, MILESTONES)
    await settle(bot, CHECKINS)
    sent = [r.path for r in fake.requests[since:] if r.method == "POST"]
    assert sent == [], "nothing goes to a server that is away"
    # Set aside, looked at again within the hour at the latest.
    assert stored_next_due(database, "sobriety_counters") == ["2026-11-22T10:30:00.000Z"]
    assert stored_next_due(database, "checkin_reminders") == ["2026-11-22T10:30:00.000Z"]

    fake.guild_returns(community.guild_id)
    await posted(fake, community.celebrations, since=since, containing="30 days")
    await posted(fake, community.checkins, since=since, containing="22 November")
    await dm_sent(fake, community.member, since=since, containing=REMINDER)
    await bot.background.wait_idle()
    await settle(bot, MILESTONES)
    await settle(bot, CHECKINS)
    assert card_titles(fake, community.celebrations) == ["🎉 30 days!"]
    assert len(fake.dm_messages(community.member)) == 1
    prompts = [t for t in card_titles(fake, community.checkins) if "22 November" in t]
    assert len(prompts) == 1
    # The next looks: 60 days (22 December, UTC midnight) and Monday's reminder and prompt.
    assert stored_next_due(database, "sobriety_counters") == ["2026-12-22T00:00:00.000Z"]
    assert stored_next_due(database, "checkin_reminders") == ["2026-11-23T08:00:00.000Z"]
