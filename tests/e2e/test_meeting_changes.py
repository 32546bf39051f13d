"""Meetings: changes after the fact (edits, skips on odd dates, interrupted sends, rights)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, HearthRunner
from tests.e2e.meeting_helpers import (
    FIRST_START,
    add_tuesday_meeting,
    announcements_in,
    meeting_ids,
    meetings_cmd,
    run_meeting,
)
from tests.fakediscord import FakeDiscord


async def test_a_send_cut_off_by_a_stop_is_retried_after_restart(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    voice: int,
) -> None:
    clock.set(FIRST_START - timedelta(days=2))
    bot = await runner.start()
    await add_tuesday_meeting(fake, community, voice)
    [meeting_id] = meeting_ids(database)
    await runner.stop(bot)
    # As if the last run claimed the 1-day reminder and stopped before posting it.
    with stored.connect(database) as conn:
        conn.execute(
            "INSERT INTO meeting_deliveries (meeting_id, occurrence, kind, status, updated_at)"
            " VALUES (?, '2026-11-25T00:00:00.000Z', 'reminder:86400', 'sending',"
            " '2026-11-22T00:00:00.000Z')",
            (meeting_id,),
        )
    clock.set(FIRST_START - timedelta(hours=23))
    bot = await runner.start()
    await run_meeting(bot, meeting_id)
    assert len(announcements_in(fake, community.announcements)) == 1


async def test_edit_changes_the_schedule_and_the_events_entry(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    voice: int,
) -> None:
    clock.set(FIRST_START - timedelta(days=2))
    bot = await runner.start()
    await add_tuesday_meeting(fake, community, voice)
    [meeting_id] = meeting_ids(database)
    await run_meeting(bot, meeting_id)
    refused = await meetings_cmd(
        fake, community, community.member, "edit", meeting=str(meeting_id), name="Mine now"
    )
    assert "for organizers" in refused.text
    ix = await meetings_cmd(
        fake,
        community,
        community.admin,
        "edit",
        meeting=str(meeting_id),
        name="Tuesday Big Book",
        time="18:30",
    )
    assert "Updated" in ix.text
    await run_meeting(bot, meeting_id)
    [event] = fake.guild(community.guild_id).scheduled_events.values()
    assert event["name"] == "Tuesday Big Book"
    assert event["scheduled_start_time"].startswith("2026-11-24T23:30:00")


async def test_skip_works_on_the_29th_of_february(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    voice: int,
) -> None:
    clock.set(datetime(2028, 2, 29, 12, 0, tzinfo=UTC))
    await runner.start()
    await add_tuesday_meeting(fake, community, voice)
    [meeting_id] = meeting_ids(database)
    ix = await meetings_cmd(
        fake, community, community.admin, "skip", meeting=str(meeting_id), date="2028-03-07"
    )
    assert "Skipped" in ix.text


async def test_organizers_cannot_ping_or_post_beyond_their_own_rights(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    voice: int,
) -> None:
    guild = fake.guild(community.guild_id)
    organizer = fake.add_user("olga")
    guild.add_member(organizer, roles=[community.organizer_role])
    quiet_role = guild.add_role("Everyone in recovery")  # not mentionable
    await runner.start()
    await setup_guild(
        fake,
        community,
        announcements_channel=community.announcements,
        organizer_role=community.organizer_role,
    )
    ix = await meetings_cmd(
        fake,
        community,
        organizer,
        "add",
        name="Ping all",
        weekdays="Mon",
        time="18:00",
        voice_channel=voice,
        ping_role=quiet_role,
    )
    assert "can't be mentioned by you" in ix.text
    assert meeting_ids(database) == []
