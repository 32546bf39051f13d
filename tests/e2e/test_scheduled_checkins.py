"""The daily check-in prompt and reminders fire by themselves when the clock reaches them.

The test only moves the clock; the scheduler does the rest, so its conversion of local times,
its coalescing of runs and its handling of late runs are what is tested.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.timeline import dm_sent, jump, posted
from tests.fakediscord import FakeDiscord

PROMPT_TITLE = "Daily check-in"
REMINDER = "would you like to check in today"


def prompt_titles(fake: FakeDiscord, channel_id: int) -> list[str]:
    return [
        embed["title"]
        for message in fake.channel_messages(channel_id)
        for embed in message.get("embeds", [])
        if embed.get("title", "").startswith(PROMPT_TITLE)
    ]


async def remind_at(fake: FakeDiscord, community: Community, user_id: int, time: str) -> None:
    ix = await fake.slash(community.guild_id, user_id, "checkins remind", options={"time": time})
    await answered(ix)
    assert ix.ephemeral and time in ix.text, ix.text


# 08:00 in London, in UTC, on the Saturday before and the Sunday of each clock change; the
# prompt is due at 09:00 London and the second reminder at 08:30 London.
CLOCK_CHANGES = {
    "summer-time-starts": [
        ("Saturday 28 March", datetime(2026, 3, 28, 8, 0, tzinfo=UTC)),  # GMT
        ("Sunday 29 March", datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),  # BST
    ],
    "summer-time-ends": [
        ("Saturday 24 October", datetime(2026, 10, 24, 7, 0, tzinfo=UTC)),  # BST
        ("Sunday 25 October", datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),  # GMT
    ],
}


@pytest.mark.parametrize("change", CLOCK_CHANGES)
async def test_prompt_and_reminders_keep_london_time_across_the_clock_change(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    change: str,
) -> None:
    days = CLOCK_CHANGES[change]
    first_eight = days[0][1]
    clock.set(first_eight - timedelta(days=1))  # the Friday
    await runner.start()
    await setup_guild(
        fake,
        community,
        checkin_channel=community.checkins,
        timezone="Europe/London",
        checkin_time="09:00",
    )
    await remind_at(fake, community, community.member, "08:00")
    await remind_at(fake, community, community.admin, "08:30")

    for day, eight in days:
        since = jump(fake, clock, eight)
        await dm_sent(fake, community.member, since=since, containing=REMINDER)
        # Runs of a job never overlap, so once the 08:30 run has sent its reminder the 08:00
        # run is over: whatever it would have posted is in by now.
        since = jump(fake, clock, eight + timedelta(minutes=30))
        await dm_sent(fake, community.admin, since=since, containing=REMINDER)
        assert not any(day in title for title in prompt_titles(fake, community.checkins)), (
            f"{day}: the prompt came before 09:00 London time"
        )
        since = jump(fake, clock, eight + timedelta(hours=1))
        await posted(fake, community.checkins, since=since, containing=day)

    assert prompt_titles(fake, community.checkins) == [f"{PROMPT_TITLE} · {day}" for day, _ in days]
    assert len(fake.dm_messages(community.member)) == 2
    assert len(fake.dm_messages(community.admin)) == 2


async def test_a_jump_over_days_gives_one_prompt_and_one_reminder_for_today_only(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))  # Sunday, after both times
    await runner.start()
    await setup_guild(fake, community, checkin_channel=community.checkins, checkin_time="09:00")
    await remind_at(fake, community, community.member, "10:00")

    # Thursday, 11:00: the prompts and reminders of Monday to Wednesday are long gone, and
    # thousands of 30-second runs were skipped over; one run posts Thursday's.
    since = jump(fake, clock, datetime(2026, 11, 26, 11, 0, tzinfo=UTC))
    await posted(fake, community.checkins, since=since, containing="Thursday 26 November")
    await dm_sent(fake, community.member, since=since, containing=REMINDER)

    # The next day's run starts only after Thursday's finished: nothing more came from it.
    since = jump(fake, clock, datetime(2026, 11, 27, 11, 0, tzinfo=UTC))
    await posted(fake, community.checkins, since=since, containing="Friday 27 November")
    await dm_sent(fake, community.member, since=since, containing=REMINDER)

    assert prompt_titles(fake, community.checkins) == [
        f"{PROMPT_TITLE} · Thursday 26 November",
        f"{PROMPT_TITLE} · Friday 27 November",
    ]
    assert len(fake.dm_messages(community.member)) == 2
    with stored.connect(database) as conn:
        days = [row[0] for row in conn.execute("SELECT local_date FROM checkin_prompts")]
        reminded = [
            row[0] for row in conn.execute("SELECT local_date FROM checkin_reminder_deliveries")
        ]
    assert sorted(days) == ["2026-11-26", "2026-11-27"]
    assert sorted(reminded) == ["2026-11-26", "2026-11-27"]
