"""/checkin, streaks across days, DST and far time zones, sharing, and privacy."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.logs import CLAMPED_LIBRARIES
from tests.clocks import ManualClock
from tests.e2e.checkin_helpers import checkin, setup_guild, stored_checkins
from tests.e2e.harness import Community, HearthRunner, answered
from tests.fakediscord import FakeDiscord

NOTE = "Talked to my sponsor about the thing with my brother"


async def test_checkin_is_private_shows_streak_and_same_day_updates(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await runner.start()
    with caplog.at_level(logging.DEBUG):
        first = await checkin(fake, community, community.member, mood=4, craving=2, note=NOTE)
        assert "Checked in for today" in first.text
        assert "Good" in first.text and "craving 2/10" in first.text
        assert "Day 1" in first.text
        assert "private note" in first.text
        assert NOTE not in first.text

        second = await checkin(fake, community, community.member, mood=2)
        assert "Updated today's check-in" in second.text
    rows = stored_checkins(database, community.member)
    assert len(rows) == 1
    # Updated, not erased: what the second check-in left out is kept.
    assert (rows[0]["mood"], rows[0]["craving"], rows[0]["note"]) == (2, 2, NOTE)
    assert rows[0]["local_date"] == "2026-11-22"
    # The note went nowhere but the database: no channel post, no log line of Hearth's.
    # (Libraries that log payloads at DEBUG are clamped to INFO in production; see test_logs.)
    hearth_logs = [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.INFO or r.name.split(".")[0] not in CLAMPED_LIBRARIES
    ]
    assert hearth_logs
    assert [line for line in hearth_logs if NOTE in line] == []
    leaks = [
        r.path for r in fake.requests if NOTE in str(r.json) and "/interactions/" not in r.path
    ]
    assert leaks == []


async def test_streak_over_days_across_dst_and_far_time_zones(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    clock: ManualClock,
) -> None:
    clock.set(datetime(2026, 3, 6, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(fake, community, timezone="America/New_York")
    far_away = fake.add_user("kiri")
    fake.guild(community.guild_id).add_member(far_away, roles=[])
    ix = await fake.slash(
        community.guild_id, far_away, "profile timezone", options={"timezone": "Pacific/Kiritimati"}
    )
    await answered(ix)

    # A New York member checks in late each evening around the spring-forward night (8 March).
    evenings = [
        datetime(2026, 3, 7, 4, 30, tzinfo=UTC),  # 6 Mar 23:30 EST
        datetime(2026, 3, 8, 4, 30, tzinfo=UTC),  # 7 Mar 23:30 EST
        datetime(2026, 3, 9, 3, 30, tzinfo=UTC),  # 8 Mar 23:30 EDT
        datetime(2026, 3, 10, 3, 30, tzinfo=UTC),  # 9 Mar 23:30 EDT
    ]
    for count, moment in enumerate(evenings, start=1):
        clock.set(moment)
        ix = await checkin(fake, community, community.member, mood=3)
        expected = "Day 1" if count == 1 else f"{count} days in a row"
        assert expected in ix.text, ix.text
    assert [r["local_date"] for r in stored_checkins(database, community.member)] == [
        "2026-03-06",
        "2026-03-07",
        "2026-03-08",
        "2026-03-09",
    ]

    # Kiritimati is UTC+14: two check-ins two hours apart fall on two local days.
    clock.set(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))  # 23:00 on 10 March there
    await checkin(fake, community, far_away, mood=4)
    clock.set(datetime(2026, 3, 10, 11, 0, tzinfo=UTC))  # 01:00 on 11 March there
    ix = await checkin(fake, community, far_away, mood=4)
    assert "2 days in a row" in ix.text
    assert [r["local_date"] for r in stored_checkins(database, far_away)] == [
        "2026-03-10",
        "2026-03-11",
    ]

    # A missed whole day ends the streak, kindly; and it all survives a restart.
    await runner.restart(bot)
    clock.set(datetime(2026, 3, 12, 3, 30, tzinfo=UTC))  # 11 Mar 23:30 EDT; 10 Mar was missed
    ix = await checkin(fake, community, community.member, mood=3)
    assert "Day 1" in ix.text
    assert "2026-03-11" in [r["local_date"] for r in stored_checkins(database, community.member)]


async def test_share_posts_mood_and_craving_but_never_the_note(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    await runner.start()
    await setup_guild(fake, community, checkin_channel=community.checkins)
    ix = await checkin(fake, community, community.member, mood=5, craving=1, note=NOTE, share=True)
    assert "Sharing your mood" in ix.text
    await fake.wait_for_request("POST", rf"/channels/{community.checkins}/messages")
    posts = fake.channel_messages(community.checkins)
    assert len(posts) == 1
    card = str(posts[0])
    assert "Great" in card and "craving 1/10" in card
    assert f"<@{community.member}>" in card
    assert NOTE not in card

    # Sharing again the same day updates that card instead of posting another.
    again = await checkin(fake, community, community.member, mood=3, share=True)
    assert "Updated today's check-in" in again.text
    edit = await fake.wait_for_request(
        "PATCH", rf"/channels/{community.checkins}/messages/{posts[0]['id']}"
    )
    assert "Okay" in str(edit.json)
    assert len(fake.channel_messages(community.checkins)) == 1


async def test_sharing_again_while_the_first_card_is_on_its_way_updates_that_card(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    await runner.start()
    await setup_guild(fake, community, checkin_channel=community.checkins)
    # The first card reaches the channel but Discord's answer never comes back: the bot can't
    # know it was posted until its retry (same nonce) is answered.
    held = fake.faults.timeout(
        "POST", rf"/channels/{community.checkins}/messages", hold=60, applied=True
    )
    await checkin(fake, community, community.member, mood=5, share=True)
    await fake.state.changed.wait_for(
        lambda: fake.channel_messages(community.checkins), 10, "the first card to be posted"
    )
    again = await checkin(fake, community, community.member, mood=3, share=True)
    assert "Sharing your mood" in again.text or "Updated today's check-in" in again.text
    assert held.served == 1
    fake.faults.release()

    [card] = fake.channel_messages(community.checkins)
    edit = await fake.wait_for_request(
        "PATCH", rf"/channels/{community.checkins}/messages/{card['id']}", timeout=30
    )
    assert "Okay" in str(edit.json)
    assert len(fake.channel_messages(community.checkins)) == 1


async def test_a_channel_that_refuses_the_card_is_explained_privately(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    guild = fake.guild(community.guild_id)
    send_messages = 1 << 11
    closed = guild.add_text_channel(
        "closed",
        overwrites=[{"id": str(guild.id), "type": 0, "allow": "0", "deny": str(send_messages)}],
    )
    await runner.start()
    await setup_guild(fake, community, checkin_channel=closed)
    ix = await checkin(fake, community, community.member, mood=4, share=True)
    followups = await ix.wait_followup(1)
    assert followups[0]["flags"] & 64
    assert "couldn't post your mood" in followups[0]["content"]
    assert len(stored_checkins(database, community.member)) == 1


async def test_share_without_a_checkin_channel_still_saves(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    await runner.start()
    ix = await checkin(fake, community, community.member, mood=3, share=True)
    assert "no check-in channel" in ix.text
    assert len(stored_checkins(database, community.member)) == 1


async def test_hard_day_gets_a_gentle_offer_of_support(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    await runner.start()
    low = await checkin(fake, community, community.member, mood=1)
    assert "don't have to carry today alone" in low.text
    assert "emergency number" in low.text
    craving = await checkin(fake, community, community.member, mood=4, craving=8)
    assert "don't have to carry today alone" in craving.text
    fine = await checkin(fake, community, community.member, mood=4, craving=7)
    assert "carry today alone" not in fine.text


async def test_profile_timezone_validation_and_show(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    await runner.start()
    bad = await fake.slash(
        community.guild_id, community.member, "profile timezone", options={"timezone": "Moon/Base"}
    )
    await answered(bad)
    assert bad.ephemeral and "isn't a time zone I know" in bad.text
    good = await fake.slash(
        community.guild_id, community.member, "profile timezone", options={"timezone": "asia/tokyo"}
    )
    await answered(good)
    assert "Asia/Tokyo" in good.text
    show = await fake.slash(community.guild_id, community.member, "profile show")
    await answered(show)
    assert show.ephemeral and "Asia/Tokyo" in show.text and "your own setting" in show.text
    choices = await fake.autocomplete(
        community.guild_id, community.member, "profile timezone", focused="timezone", value="tokyo"
    )
    response = await answered(choices)
    assert response["data"]["choices"][0]["value"] == "Asia/Tokyo"


async def test_summary_is_for_moderators_and_aggregates_only(
    fake: FakeDiscord, community: Community, runner: HearthRunner, clock: ManualClock
) -> None:
    await runner.start()
    await setup_guild(fake, community, moderator_role=community.moderator_role)
    refused = await fake.slash(community.guild_id, community.member, "checkins summary")
    await answered(refused)
    assert refused.ephemeral and "for moderators" in refused.text

    await checkin(fake, community, community.member, mood=2)
    clock.advance(timedelta(days=2))  # that day is over everywhere now
    one = await fake.slash(community.guild_id, community.moderator, "checkins summary")
    await answered(one)
    assert one.ephemeral
    assert "Not enough check-ins to show yet" in one.text
    assert "average mood" not in one.text and "1 member" not in one.text
    # (Figures from five members up, and never of today: tests/e2e/test_privacy_members.py.)
