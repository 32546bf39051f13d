"""Nothing a member did not choose to share: safe summaries, updates that keep what was given,
and members who left are left alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord

from bot.app import Hearth
from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import checkin, setup_guild, stored_checkins
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.meeting_helpers import (
    FIRST_START,
    add_tuesday_meeting,
    announcements_in,
    meeting_ids,
    run_meeting,
)
from tests.e2e.test_milestones import cards, settle
from tests.e2e.test_sobriety import sobriety
from tests.e2e.world_helpers import remove_member
from tests.fakediscord import FakeDiscord

CHECKINS_JOB = "checkins:due"
NOTE = "canary: I told my sister about the relapse"


def peers(fake: FakeDiscord, community: Community, count: int) -> list[int]:
    guild = fake.guild(community.guild_id)
    users = [fake.add_user(f"peer{n}") for n in range(count)]
    for user in users:
        guild.add_member(user, roles=[])
    return users


async def summary_text(fake: FakeDiscord, community: Community) -> str:
    ix = await fake.slash(community.guild_id, community.moderator, "checkins summary")
    await answered(ix)
    assert ix.ephemeral
    return ix.text


async def test_summary_shows_only_closed_days_with_five_members_or_more(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    people = peers(fake, community, 6)
    clock.set(datetime(2026, 11, 20, 13, 0, tzinfo=UTC))
    await runner.start()
    await setup_guild(fake, community, moderator_role=community.moderator_role)
    for user, mood in zip(people, (2, 3, 4, 4, 5), strict=False):  # Friday: five members
        await checkin(fake, community, user, mood=mood)
    clock.set(datetime(2026, 11, 21, 13, 0, tzinfo=UTC))
    for user in people[:4]:  # Saturday: only four
        await checkin(fake, community, user, mood=1)
    clock.set(datetime(2026, 11, 22, 11, 0, tzinfo=UTC))
    for user in people[:5]:  # Sunday, still going on: five
        await checkin(fake, community, user, mood=5)

    # At 11:00 UTC it's still Saturday at UTC-12: someone there could still check in for it.
    before_noon = await summary_text(fake, community)
    assert "Fri 20 Nov**: 5 members checked in, average mood 3.6 / 5" in before_noon
    assert "21 Nov" not in before_noon and "22 Nov" not in before_noon

    clock.set(datetime(2026, 11, 22, 13, 0, tzinfo=UTC))
    text = await summary_text(fake, community)
    assert "Sat 21 Nov**: too few to show" in text, "four members: nothing shown, not a count"
    assert "4 members" not in text and "1.0" not in text
    assert "22 Nov" not in text, "today is never shown"

    # Asking before and after someone's check-in today reveals nothing about it.
    await checkin(fake, community, people[5], mood=1)
    assert await summary_text(fake, community) == text


async def test_summary_below_five_members_says_not_enough_yet(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    people = peers(fake, community, 4)
    clock.set(datetime(2026, 11, 20, 13, 0, tzinfo=UTC))
    await runner.start()
    await setup_guild(fake, community, moderator_role=community.moderator_role)
    for user in people:
        await checkin(fake, community, user, mood=2)
    clock.set(datetime(2026, 11, 23, 13, 0, tzinfo=UTC))
    text = await summary_text(fake, community)
    assert "Not enough check-ins to show yet" in text
    assert "4 members" not in text and "average mood" not in text


async def test_same_day_check_in_updates_and_keeps_the_note_unless_cleared(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    clock.set(datetime(2026, 11, 22, 8, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(fake, community, checkin_channel=community.checkins, checkin_time="09:00")
    first = await checkin(fake, community, community.member, mood=4, craving=3, note=NOTE)
    assert "Checked in for today" in first.text

    second = await checkin(fake, community, community.member, mood=2)
    assert "Updated today's check-in" in second.text
    assert "craving 3/10" in second.text and "private note" in second.text
    assert "kept from earlier" in second.text
    assert NOTE not in second.text
    row = stored_checkins(database, community.member)[0]
    assert (row["mood"], row["craving"], row["note"]) == (2, 3, NOTE)

    # The daily prompt's form: an empty note field keeps the note too.
    clock.set(datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    await bot.scheduler.run_now(CHECKINS_JOB)
    [prompt] = [m for m in fake.channel_messages(community.checkins) if m.get("components")]
    button = prompt["components"][0]["components"][0]["custom_id"]
    opened = await fake.click(community.guild_id, community.member, prompt, button)
    form = await answered(opened)
    submit = await fake.submit_modal(
        community.guild_id, community.member, form["data"]["custom_id"], {"mood": ["3"]}
    )
    await answered(submit)
    row = stored_checkins(database, community.member)[0]
    assert (row["mood"], row["craving"], row["note"]) == (3, 3, NOTE)

    # Removing the note is a choice the member makes on purpose.
    cleared = await checkin(fake, community, community.member, mood=3, clear_note=True)
    assert "private note for today is removed" in cleared.text
    row = stored_checkins(database, community.member)[0]
    assert (row["mood"], row["craving"], row["note"]) == (3, 3, None)
    replaced = await checkin(fake, community, community.member, mood=4, note="a better evening")
    assert "private note" in replaced.text
    assert stored_checkins(database, community.member)[0]["note"] == "a better evening"


def celebration_statuses(database: Path | str) -> list[str]:
    with stored.connect(database) as conn:
        return [r[0] for r in conn.execute("SELECT status FROM milestone_celebrations")]


def reminder_state(database: Path | str, user_id: int) -> tuple[int, str | None]:
    with stored.connect(database) as conn:
        return conn.execute(
            "SELECT enabled, disabled_reason FROM checkin_reminders WHERE user_id = ?",
            (user_id,),
        ).fetchone()


def member_lookups(fake: FakeDiscord, guild_id: int, user_id: int) -> int:
    path = f"/guilds/{guild_id}/members/{user_id}"
    return len([r for r in fake.requests if r.method == "GET" and r.path == path])


async def run_checkin_jobs(bot: Hearth) -> None:
    await bot.background.wait_idle()
    await bot.scheduler.run_now(CHECKINS_JOB)


async def test_member_who_left_is_not_celebrated_given_roles_or_reminded(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    guild = fake.guild(community.guild_id)
    # Still in another server with Hearth, so a DM to them would go through.
    fake.add_guild("Another circle").add_member(community.member)
    week = guild.add_role("One week")
    clock.set(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(fake, community, celebrations_channel=community.celebrations)
    mapped = await fake.slash(
        community.guild_id,
        community.admin,
        "milestones role",
        options={"milestone": "7d", "role": week},
    )
    await answered(mapped)
    for user in (community.member, community.moderator):  # one week tomorrow, both public
        await sobriety(fake, community, user, "set", date="2026-11-15", announce="public")
        remind = await fake.slash(
            community.guild_id, user, "checkins remind", options={"time": "20:00"}
        )
        await answered(remind)
    await settle(bot)
    assert cards(fake, community.celebrations) == []

    remove_member(fake, community.guild_id, community.member)
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    await settle(bot)
    clock.set(datetime(2026, 11, 22, 20, 0, tzinfo=UTC))
    await run_checkin_jobs(bot)

    [card] = cards(fake, community.celebrations)
    assert f"<@{community.moderator}>" in card["embeds"][0]["description"], "present: celebrated"
    assert f"<@{community.member}>" not in str(card)
    assert sorted(celebration_statuses(database)) == ["sent", "skipped"]
    assert week in guild.members[community.moderator].role_ids
    assert not [r for r in fake.requests if f"/members/{community.member}/roles/" in r.path]
    assert fake.dm_messages(community.member) == [], "no celebration DM, no reminder"
    assert len(fake.dm_messages(community.moderator)) == 1, "the one who stayed is reminded"
    assert reminder_state(database, community.member) == (0, "left_server")
    assert member_lookups(fake, community.guild_id, community.member) >= 1

    # Never retried: not on the next runs, not after a restart.
    bot = await runner.restart(bot)
    await settle(bot)
    clock.set(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    await run_checkin_jobs(bot)
    assert len(cards(fake, community.celebrations)) == 1
    assert fake.dm_messages(community.member) == []
    assert sorted(celebration_statuses(database)) == ["sent", "skipped"]

    # If they come back, their next check-in tells them why the reminders stopped.
    guild.add_member(community.member, roles=[])
    back = await checkin(fake, community, community.member, mood=4)
    assert "switched off while you were away" in back.text


async def test_member_who_left_gets_no_meeting_nudge(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
    voice: int,
) -> None:
    fake.add_guild("Another circle").add_member(community.member)
    clock.set(FIRST_START - timedelta(days=1))
    bot = await runner.start()
    await add_tuesday_meeting(fake, community, voice)
    [meeting_id] = meeting_ids(database)
    await run_meeting(bot, meeting_id)
    card = announcements_in(fake, community.announcements)[0]
    going = card["components"][0]["components"][0]["custom_id"]
    for user in (community.member, community.admin):
        await answered(await fake.click(community.guild_id, user, card, going))

    remove_member(fake, community.guild_id, community.member)
    clock.set(FIRST_START - timedelta(minutes=15))
    await run_meeting(bot, meeting_id)
    await run_meeting(bot, meeting_id)
    assert len(fake.dm_messages(community.admin)) == 1
    assert fake.dm_messages(community.member) == []
    with stored.connect(database) as conn:
        statuses = dict(
            conn.execute(
                "SELECT kind, status FROM meeting_deliveries WHERE kind LIKE 'going:%'"
            ).fetchall()
        )
    assert statuses == {f"going:{community.member}": "skipped", f"going:{community.admin}": "sent"}


async def test_membership_answers_are_kept_briefly_and_departures_stop_reminders(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    gid = community.guild_id
    assert await bot.membership.has_left(gid, community.member) is False
    assert await bot.membership.has_left(gid, community.member) is False
    assert member_lookups(fake, gid, community.member) == 1, "asked once, then remembered"
    clock.advance(timedelta(minutes=6))
    assert await bot.membership.has_left(gid, community.member) is False
    assert member_lookups(fake, gid, community.member) == 2, "and asked again later"

    # With the privileged members intent, Discord says so when someone leaves.
    remind = await fake.slash(
        gid, community.moderator, "checkins remind", options={"time": "20:00"}
    )
    await answered(remind)
    assert bot.membership.on_raw_member_remove in bot.extra_events["on_raw_member_remove"]
    user = await bot.fetch_user(community.moderator)
    await bot.membership.on_raw_member_remove(
        discord.RawMemberRemoveEvent({"guild_id": str(gid), "user": {}}, user)
    )
    assert reminder_state(database, community.moderator) == (0, "left_server")
    assert await bot.membership.has_left(gid, community.moderator) is True
    assert member_lookups(fake, gid, community.moderator) == 0
