"""Meetings: reminders on time in every zone, RSVPs, Events mirror, skip/remove, restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.clocks import ManualClock
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.meeting_helpers import (
    FIRST_START,
    add_tuesday_meeting,
    announcements_in,
    meeting_ids,
    meetings_cmd,
    run_meeting,
)
from tests.fakediscord import FakeDiscord


async def test_reminders_post_on_time_once_with_local_timestamps(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    voice: int,
) -> None:
    clock.set(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await add_tuesday_meeting(fake, community, voice)
    [meeting_id] = meeting_ids(database)

    clock.set(FIRST_START - timedelta(days=1, minutes=1))
    await run_meeting(bot, meeting_id)
    assert announcements_in(fake, community.announcements) == []

    clock.set(FIRST_START - timedelta(days=1))
    await run_meeting(bot, meeting_id)
    await run_meeting(bot, meeting_id)
    posted = announcements_in(fake, community.announcements)
    assert len(posted) == 1
    embed = posted[0]["embeds"][0]
    unix = int(FIRST_START.timestamp())
    assert embed["title"] == "Tuesday Night Group"
    assert f"<t:{unix}:F>" in str(embed) and f"<t:{unix}:R>" in str(embed)
    assert f"<#{voice}>" in str(embed)
    assert "Open" in str(embed) and "Discussion" in str(embed)
    labels = [c["label"] for c in posted[0]["components"][0]["components"]]
    assert labels == ["Going", "Not going"]

    bot = await runner.restart(bot)
    await run_meeting(bot, meeting_id)
    assert len(announcements_in(fake, community.announcements)) == 1, "no repeat after restart"

    clock.set(FIRST_START - timedelta(minutes=15))
    await run_meeting(bot, meeting_id)
    assert len(announcements_in(fake, community.announcements)) == 2
    # The Events list shows this occurrence, at its true start.
    events = list(fake.guild(community.guild_id).scheduled_events.values())
    assert len(events) == 1
    assert events[0]["scheduled_start_time"].startswith("2026-11-25T00:00:00")


async def test_missed_while_down_sends_only_the_closest_reminder_before_the_start(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    voice: int,
) -> None:
    clock.set(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await add_tuesday_meeting(fake, community, voice)
    await runner.stop(bot)
    clock.set(FIRST_START - timedelta(minutes=10))  # both reminders fell due while down
    bot = await runner.start()
    await bot.background.wait_idle()
    [meeting_id] = meeting_ids(database)
    await run_meeting(bot, meeting_id)
    posted = announcements_in(fake, community.announcements)
    assert len(posted) == 1, "one reminder, not a burst"
    await runner.stop(bot)
    clock.set(FIRST_START + timedelta(days=7, minutes=5))  # next week's started while down
    bot = await runner.start()
    await run_meeting(bot, meeting_id)
    assert len(announcements_in(fake, community.announcements)) == 1


async def test_rsvp_counts_each_member_once_survives_restart_and_nudges_going(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    voice: int,
) -> None:
    clock.set(FIRST_START - timedelta(days=1))
    bot = await runner.start()
    await add_tuesday_meeting(fake, community, voice)
    [meeting_id] = meeting_ids(database)
    await run_meeting(bot, meeting_id)
    card = announcements_in(fake, community.announcements)[0]
    going, not_going = (c["custom_id"] for c in card["components"][0]["components"])

    first = await fake.click(community.guild_id, community.member, card, going)
    assert (await answered(first))["type"] == 7
    await fake.click(community.guild_id, community.member, card, going)
    card = announcements_in(fake, community.announcements)[0]
    assert [c["label"] for c in card["components"][0]["components"]] == ["Going (1)", "Not going"]
    bot = await runner.restart(bot)
    change = await fake.click(community.guild_id, community.admin, card, going)
    await answered(change)
    closed = await fake.click(community.guild_id, community.moderator, card, going)
    await answered(closed)
    fake.close_dms(community.moderator)
    late = await fake.click(community.guild_id, community.admin, card, not_going)
    await answered(late)
    card = announcements_in(fake, community.announcements)[0]
    assert [c["label"] for c in card["components"][0]["components"]] == [
        "Going (2)",
        "Not going (1)",
    ]
    clock.set(FIRST_START - timedelta(minutes=15))
    await run_meeting(bot, meeting_id)
    dms = fake.dm_messages(community.member)
    assert len(dms) == 1
    assert "Tuesday Night Group" in dms[0]["content"]
    assert fake.dm_messages(community.admin) == [], "changed their mind: no nudge"
    await run_meeting(bot, meeting_id)
    assert len(fake.dm_messages(community.member)) == 1


async def test_skip_posts_a_cancellation_and_moves_the_event_and_remove_deletes_it(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    voice: int,
) -> None:
    clock.set(FIRST_START - timedelta(days=1))
    bot = await runner.start()
    await add_tuesday_meeting(fake, community, voice)
    [meeting_id] = meeting_ids(database)
    await run_meeting(bot, meeting_id)
    events = fake.guild(community.guild_id).scheduled_events
    [event] = events.values()
    assert event["scheduled_start_time"].startswith("2026-11-25T00:00:00")

    skip = await meetings_cmd(
        fake, community, community.admin, "skip", meeting=str(meeting_id), date="2026-11-24"
    )
    assert "Skipped" in skip.text and "cancellation notice" in skip.text
    card = announcements_in(fake, community.announcements)[0]
    going = card["components"][0]["components"][0]["custom_id"]
    late = await fake.click(community.guild_id, community.member, card, going)
    await answered(late)
    assert late.ephemeral and "was cancelled" in late.text
    await run_meeting(bot, meeting_id)
    notices = [
        m
        for m in fake.channel_messages(community.announcements)
        if "is cancelled" in m.get("content", "")
    ]
    assert len(notices) == 1
    [event] = events.values()
    assert event["scheduled_start_time"].startswith("2026-12-02T00:00:00")

    bad = await meetings_cmd(
        fake, community, community.admin, "skip", meeting=str(meeting_id), date="2026-11-25"
    )
    assert "doesn't meet on Wednesday" in bad.text

    ask = await meetings_cmd(fake, community, community.admin, "remove", meeting=str(meeting_id))
    delete = ask.final["components"][0]["components"][0]["custom_id"]
    done = await fake.click(community.guild_id, community.admin, ask.final, delete)
    await answered(done)
    await done.wait_final()
    assert "Deleted" in done.text
    assert events == {}
    assert meeting_ids(database) == []
    assert f"meeting:{meeting_id}" not in bot.scheduler.job_ids()


async def test_non_organizer_is_refused_and_bad_input_changes_nothing(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    voice: int,
) -> None:
    await runner.start()
    await setup_guild(
        fake,
        community,
        announcements_channel=community.announcements,
        organizer_role=community.organizer_role,
    )
    refused = await meetings_cmd(
        fake,
        community,
        community.member,
        "add",
        name="Mine",
        weekdays="Monday",
        time="18:00",
        voice_channel=voice,
    )
    assert refused.ephemeral and "for organizers" in refused.text
    for options, expected in (
        ({"weekdays": "Funday", "time": "18:00"}, "isn't a day of the week"),
        ({"weekdays": "Monday", "time": "25:00"}, "isn't a time I understand"),
        ({"weekdays": "Monday", "time": "18:00", "reminders": "3 weeks"}, "reminders"),
        ({"weekdays": "Monday", "time": "18:00", "types": "O,ZZZ"}, "ZZZ"),
        ({"weekdays": "Monday", "time": "18:00", "link": "http://example.org"}, "https://"),
        ({"weekdays": "Monday", "time": "18:00"}, "where to join"),
        ({"weekdays": "Monday", "time": "18:00", "repeat": "monthly"}, "needs `nth`"),
    ):
        extra = {} if "link" in options else {"voice_channel": voice}
        if "where to join" in expected:
            extra = {}
        ix = await meetings_cmd(
            fake, community, community.admin, "add", name="Test", **options, **extra
        )
        assert ix.ephemeral
        assert expected in ix.text, (options, ix.text)
        assert "Nothing was changed" in ix.text
    assert meeting_ids(database) == []


async def test_announcement_that_cannot_be_posted_reaches_moderators(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    voice: int,
) -> None:
    guild = fake.guild(community.guild_id)
    send_messages = 1 << 11
    closed = guild.add_text_channel(  # members may post; Hearth's own role may not
        "closed",
        overwrites=[
            {"id": str(guild.bot_role_id), "type": 0, "allow": "0", "deny": str(send_messages)}
        ],
    )
    clock.set(FIRST_START - timedelta(days=1))
    bot = await runner.start()
    await add_tuesday_meeting(fake, community, voice, channel=closed)
    [meeting_id] = meeting_ids(database)
    await run_meeting(bot, meeting_id)
    notices = fake.channel_messages(community.mod_queue)
    assert len(notices) == 1
    assert "couldn't announce **Tuesday Night Group**" in notices[0]["content"]
    status = await fake.slash(community.guild_id, community.admin, "hearth status")
    await answered(status)
    assert "couldn't announce" in status.text
