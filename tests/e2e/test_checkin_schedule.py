"""The daily prompt and reminders at local times, exactly once, across restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import checkin, setup_guild, stored_checkins
from tests.e2e.harness import Community, HearthRunner, answered
from tests.fakediscord import FakeDiscord

DUE_JOB = "checkins:due"
OPEN_CHECKIN = "hearth:checkin:open"


def _prompts(fake: FakeDiscord, channel_id: int) -> list[dict]:
    return [
        m
        for m in fake.channel_messages(channel_id)
        if any(e.get("title", "").startswith("Daily check-in") for e in m.get("embeds", []))
    ]


async def test_daily_prompt_posts_at_local_time_once_and_its_button_checks_in(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    clock: ManualClock,
) -> None:
    # 09:00 in London on the day British Summer Time starts is 08:00 UTC.
    clock.set(datetime(2026, 3, 29, 7, 59, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(
        fake,
        community,
        checkin_channel=community.checkins,
        timezone="Europe/London",
        checkin_time="09:00",
        checkin_thread=True,
    )
    await bot.scheduler.run_now(DUE_JOB)
    assert _prompts(fake, community.checkins) == []

    clock.set(datetime(2026, 3, 29, 8, 0, tzinfo=UTC))
    await bot.scheduler.run_now(DUE_JOB)
    await bot.scheduler.run_now(DUE_JOB)
    prompts = _prompts(fake, community.checkins)
    assert len(prompts) == 1
    prompt = prompts[0]
    assert "Sunday 29 March" in prompt["embeds"][0]["title"]
    assert prompt["components"][0]["components"][0]["custom_id"] == OPEN_CHECKIN
    assert any(
        r.method == "POST" and r.path.endswith(f"/messages/{prompt['id']}/threads")
        for r in fake.requests
    )

    bot = await runner.restart(bot)
    await bot.scheduler.run_now(DUE_JOB)
    assert len(_prompts(fake, community.checkins)) == 1, "a restart must not post it again"

    # The button still works after the restart: it opens a modal that stores a check-in.
    click = await fake.click(community.guild_id, community.member, prompt, OPEN_CHECKIN)
    response = await answered(click)
    assert response["type"] == 9
    submit = await fake.submit_modal(
        community.guild_id,
        community.member,
        response["data"]["custom_id"],
        {"mood": ["2"], "craving": "9", "note": "hard morning"},
    )
    await answered(submit)
    assert submit.ephemeral and "Checked in for today" in submit.text
    assert "don't have to carry today alone" in submit.text
    rows = stored_checkins(database, community.member)
    assert [(r["local_date"], r["mood"], r["craving"], r["note"]) for r in rows] == [
        ("2026-03-29", 2, 9, "hard morning")
    ]

    # Bad input is refused kindly, nothing changes, and the member's note is handed back.
    await answered(await fake.click(community.guild_id, community.admin, prompt, OPEN_CHECKIN))
    bad = await fake.submit_modal(
        community.guild_id,
        community.admin,
        None,
        {"mood": ["3"], "craving": "42", "note": "keep me"},
    )
    await answered(bad)
    assert bad.ephemeral
    assert "Craving needs to be a number from 0 to 10" in bad.text
    assert "keep me" in bad.text
    assert stored_checkins(database, community.admin) == []

    # The next day gets its own prompt.
    clock.set(datetime(2026, 3, 30, 8, 0, tzinfo=UTC))
    await bot.scheduler.run_now(DUE_JOB)
    assert len(_prompts(fake, community.checkins)) == 2


async def test_prompt_that_cannot_be_posted_reaches_moderators(
    fake: FakeDiscord, community: Community, runner: HearthRunner, clock: ManualClock
) -> None:
    guild = fake.guild(community.guild_id)
    send_messages = 1 << 11
    blocked = guild.add_text_channel(
        "blocked-checkins",
        overwrites=[{"id": str(guild.id), "type": 0, "allow": "0", "deny": str(send_messages)}],
    )
    clock.set(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(
        fake, community, checkin_channel=blocked, mod_queue_channel=community.mod_queue
    )
    # Retried after 1, 5 and 15 minutes, then moderators hear about it once.
    for _ in range(8):
        await bot.scheduler.run_now(DUE_JOB)
        clock.advance(timedelta(minutes=16))
    notices = fake.channel_messages(community.mod_queue)
    assert len(notices) == 1
    assert "couldn't post today's check-in prompt" in notices[0]["content"]
    assert "missing permissions" in notices[0]["content"]


async def test_reminder_fires_at_local_time_exactly_once_and_dms_closed_switches_it_off(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    clock: ManualClock,
) -> None:
    clock.set(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))  # 19:00 in Tokyo
    bot = await runner.start()
    ix = await fake.slash(
        community.guild_id, community.member, "profile timezone", options={"timezone": "Asia/Tokyo"}
    )
    await answered(ix)
    bad = await fake.slash(
        community.guild_id, community.member, "checkins remind", options={"time": "25:00"}
    )
    await answered(bad)
    assert bad.ephemeral and "isn't a time I understand" in bad.text
    ok = await fake.slash(
        community.guild_id, community.member, "checkins remind", options={"time": "20:00"}
    )
    await answered(ok)
    assert ok.ephemeral and "20:00" in ok.text and "Asia/Tokyo" in ok.text

    clock.set(datetime(2026, 11, 22, 10, 59, tzinfo=UTC))  # 19:59 Tokyo
    await bot.scheduler.run_now(DUE_JOB)
    assert fake.dm_messages(community.member) == []
    clock.set(datetime(2026, 11, 22, 11, 0, tzinfo=UTC))  # 20:00 Tokyo
    await bot.scheduler.run_now(DUE_JOB)
    await bot.scheduler.run_now(DUE_JOB)
    bot = await runner.restart(bot)
    await bot.scheduler.run_now(DUE_JOB)
    dms = fake.dm_messages(community.member)
    assert len(dms) == 1
    assert "would you like to check in today" in dms[0]["content"]

    # A day with a check-in before the time gets no reminder.
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    await checkin(fake, community, community.member, mood=4)
    clock.set(datetime(2026, 11, 23, 11, 5, tzinfo=UTC))
    await bot.scheduler.run_now(DUE_JOB)
    assert len(fake.dm_messages(community.member)) == 1

    # DMs closed: reminders switch off and the member hears why at their next check-in, once.
    fake.close_dms(community.member)
    clock.set(datetime(2026, 11, 24, 11, 0, tzinfo=UTC))
    await bot.scheduler.run_now(DUE_JOB)
    with stored.connect(database) as conn:
        enabled, reason = conn.execute(
            "SELECT enabled, disabled_reason FROM checkin_reminders"
        ).fetchone()
    assert (enabled, reason) == (0, "dms_closed")
    told = await checkin(fake, community, community.member, mood=3)
    assert "direct messages are closed" in told.text
    again = await checkin(fake, community, community.member, mood=3)
    assert "direct messages are closed" not in again.text
    off = await fake.slash(community.guild_id, community.member, "checkins remind-off")
    await answered(off)
    assert "nothing to stop" in off.text


async def test_reminder_set_after_todays_time_starts_tomorrow(
    fake: FakeDiscord, community: Community, runner: HearthRunner, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 22, 21, 0, tzinfo=UTC))
    bot = await runner.start()
    ix = await fake.slash(
        community.guild_id, community.member, "checkins remind", options={"time": "20:00"}
    )
    await answered(ix)
    await bot.scheduler.run_now(DUE_JOB)
    assert fake.dm_messages(community.member) == []
    clock.set(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    await bot.scheduler.run_now(DUE_JOB)
    assert len(fake.dm_messages(community.member)) == 1


async def test_history_is_a_png_of_only_the_owners_days(
    fake: FakeDiscord, community: Community, runner: HearthRunner, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 10, 12, 0, tzinfo=UTC))
    await runner.start()
    for day in range(5):
        await checkin(fake, community, community.member, mood=2 + day % 3, craving=day)
        await checkin(fake, community, community.admin, mood=5)
        clock.advance(timedelta(days=1))
    for _ in range(3):
        await checkin(fake, community, community.admin, mood=1)
        clock.advance(timedelta(days=1))

    too_many = await fake.slash(  # as a client other than Discord's own could send it
        community.guild_id,
        community.member,
        "checkins history",
        options={"days": 400},
        ignore_option_limits=True,
    )
    await answered(too_many)
    assert too_many.ephemeral and "between 1 and 365" in too_many.text

    ix = await fake.slash(
        community.guild_id, community.member, "checkins history", options={"days": 14}
    )
    await answered(ix)
    assert ix.ephemeral
    final = await ix.wait_final()
    assert final is not None
    files = ix.files
    assert len(files) == 1
    name, data = files[0][0], files[0][1]
    assert name == "checkins.png"
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    text = ix.text
    assert "5 of 14 days" in text
    assert "Longest streak\n5 days" in text
    assert "Current streak\n0 days" in text


async def test_forms_open_at_once_and_across_a_restart_all_count(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    clock: ManualClock,
) -> None:
    clock.set(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(fake, community, checkin_channel=community.checkins)
    await bot.scheduler.run_now(DUE_JOB)
    prompt = _prompts(fake, community.checkins)[0]
    people = [community.member, community.admin, community.moderator]
    forms = {}
    for person in people:
        click = await fake.click(community.guild_id, person, prompt, OPEN_CHECKIN)
        forms[person] = (await answered(click))["data"]["custom_id"]
    assert len(set(forms.values())) == 3, "each member's form has its own id"

    # One submits now; the others after Hearth restarted with their forms still open.
    first = await fake.submit_modal(
        community.guild_id, community.member, forms[community.member], {"mood": ["4"]}
    )
    await answered(first)
    await runner.restart(bot)
    for person, mood in ((community.admin, "5"), (community.moderator, "1")):
        late = await fake.submit_modal(
            community.guild_id, person, forms[person], {"mood": [mood], "share": ["yes"]}
        )
        await answered(late)
        assert "Checked in for today" in late.text
    assert [r["mood"] for p in people for r in stored_checkins(database, p)] == [4, 5, 1]
    await fake.wait_for_request(
        "POST",
        rf"/channels/{community.checkins}/messages",
        predicate=lambda r: "Struggling" in str(r.json),
    )


async def test_prompt_that_failed_is_retried_and_posts_once_fixed(
    fake: FakeDiscord, community: Community, runner: HearthRunner, clock: ManualClock
) -> None:
    guild = fake.guild(community.guild_id)
    send_messages = 1 << 11
    deny = [{"id": str(guild.id), "type": 0, "allow": "0", "deny": str(send_messages)}]
    guild.set_overwrites(community.checkins, deny)
    clock.set(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(fake, community, checkin_channel=community.checkins)
    await bot.scheduler.run_now(DUE_JOB)
    assert _prompts(fake, community.checkins) == []
    guild.set_overwrites(community.checkins, [])
    await bot.scheduler.run_now(DUE_JOB)
    assert _prompts(fake, community.checkins) == [], "the retry waits a minute"
    clock.advance(timedelta(minutes=1))
    await bot.scheduler.run_now(DUE_JOB)
    assert len(_prompts(fake, community.checkins)) == 1
