"""Issue 14 continued: mentions ping only what a post names; slow or failed acknowledgements
still reach the member."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.domain.meetings import MeetingFields
from bot.domain.recurrence import Repeat, Schedule
from bot.domain.reminder_offsets import DEFAULT_OFFSETS
from tests.clocks import ManualClock
from tests.e2e.checkin_helpers import setup_guild, stored_checkins
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.input_helpers import slash
from tests.e2e.meeting_helpers import meeting_ids, meetings_cmd, run_meeting
from tests.fakediscord import FakeDiscord

# -------------------------------------------------------------------- mentions opt-in


def posts_to(fake: FakeDiscord, channel_id: int) -> list[dict[str, Any]]:
    return [
        r.json
        for r in fake.requests
        if r.method == "POST" and r.path == f"/channels/{channel_id}/messages"
    ]


def assert_pings_only(body: dict[str, Any], roles: list[int]) -> None:
    mentions = body.get("allowed_mentions")
    assert mentions is not None, body
    assert mentions.get("parse") == [], mentions
    assert not mentions.get("users"), mentions
    assert sorted(int(r) for r in mentions.get("roles", [])) == sorted(roles), mentions


async def test_an_announcement_pings_its_role_and_nobody_written_in_it(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    role = fake.guild(community.guild_id).add_role("Coffee", mentionable=True)
    await setup_guild(fake, community, announcements_channel=community.announcements)
    ix = await slash(
        fake,
        community,
        community.admin,
        "announce schedule",
        message=f"<@{community.member}> @everyone @here coffee at ten",
        at="13:00",
        ping_role=role,
    )
    assert "Scheduled #1" in ix.text
    clock.set(datetime(2026, 11, 22, 13, 0, tzinfo=UTC))
    await bot.background.wait_idle()
    await bot.scheduler.run_now("announce:1")
    [post] = posts_to(fake, community.announcements)
    assert post["content"].startswith(f"<@&{role}> ")
    assert_pings_only(post, roles=[role])


async def test_a_skip_notice_for_a_meeting_named_like_a_mention_pings_nobody(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    voice: int,
) -> None:
    # Tuesday 24 November 2026 19:00 UTC is the first meeting; a day before, it's announced.
    clock.set(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(fake, community, announcements_channel=community.announcements)
    await meetings_cmd(
        fake,
        community,
        community.admin,
        "add",
        name=f"<@{community.member}> group",
        weekdays="Tuesday",
        time="19:00",
        timezone="UTC",
        voice_channel=voice,
    )
    [meeting_id] = meeting_ids(database)
    await run_meeting(bot, meeting_id)
    skip = await meetings_cmd(
        fake, community, community.admin, "skip", meeting=str(meeting_id), date="2026-11-24"
    )
    assert "cancellation notice" in skip.text
    posts = posts_to(fake, community.announcements)
    assert len(posts) == 2 and "is cancelled" in posts[1]["content"]
    for post in posts:
        assert_pings_only(post, roles=[])


# ------------------------------------------------------------------ acknowledge first


async def test_the_calendar_of_3000_meetings_is_acknowledged_before_it_is_made(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    bot = await runner.start()
    schedule = Schedule(
        weekdays=(1, 3),
        start_time=time(19, 0),
        zone="America/New_York",
        duration=timedelta(hours=1),
        repeat=Repeat.WEEKLY,
        anchor=date(2026, 11, 1),
    )
    for number in range(3000):
        fields = MeetingFields(
            name=f"Group {number}",
            schedule=schedule,
            voice_channel_id=None,
            link=f"https://meet.example/{number}",
            description="Open discussion",
            types=(),
            announce_channel_id=None,
            ping_role_id=None,
            reminders=DEFAULT_OFFSETS,
        )
        await bot.storage.meetings.create(community.guild_id, fields, community.admin, clock.now())
    ix = await fake.slash(community.guild_id, community.member, "meetings calendar")
    response = await answered(ix)
    assert response["type"] == 5, "deferred first, then made"
    # Once deferred, Discord keeps the interaction open for 15 minutes; building 3000 events
    # off the loop can take several seconds when the suite's workers share two cores.
    await ix.wait_final(timeout=60)
    assert ix.ephemeral
    [ics] = ix.files
    assert ics.content.count(b"BEGIN:VEVENT") == 3000


async def test_a_checkin_whose_acknowledgement_fails_is_saved_once_and_reaches_the_member(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await runner.start()
    fake.faults.fail("POST", r"/interactions/\d+/[^/]+/callback", status=503, times=3)
    with caplog.at_level(logging.INFO):
        ix = await fake.slash(
            community.guild_id, community.member, "checkin", options={"mood": 4, "note": "ok"}
        )
        dm = await fake.wait_for_request(
            "POST",
            r"/channels/\d+/messages",
            predicate=lambda r: "Checked in for today" in str(r.json),
            timeout=20,
        )
    assert ix.callback is None, "Discord never took the answer"
    assert [r[0] for r in ix.rejected][-1] == 404
    [message] = fake.dm_messages(community.member)
    assert message["id"] == dm.response["id"]
    assert "couldn't answer you in the server" in message["content"]
    assert len(stored_checkins(database, community.member)) == 1
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    # Still answering afterwards.
    again = await slash(fake, community, community.member, "profile show")
    assert "Time zone" in again.text
