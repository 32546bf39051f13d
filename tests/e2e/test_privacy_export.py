"""/privacy export and /privacy delete: a member's data, taken out whole or erased for good."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import discord

from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import checkin, setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.privacy_helpers import ask, confirm, database_bytes, export
from tests.e2e.test_milestones import settle
from tests.e2e.test_sobriety import sobriety
from tests.fakediscord import FakeDiscord

NOTE = "canary-note-7f3a: slept at my sister's after the argument"
RESET_NOTE = "canary-reset-91c2: the wedding was too much"
LABEL = "canary-label-gambling"
OWN_REASON = "canary-own-reason-55e1: they seem very low lately"
ABOUT_REASON = "canary-about-reason-0b7d: this member worries me"


async def report(fake: FakeDiscord, community: Community, user: int, reason: str, **extra: str):
    ix = await fake.slash(community.guild_id, user, "report", options={"reason": reason, **extra})
    await answered(ix)
    await ix.wait_final()
    assert ix.ephemeral


async def test_export_holds_the_members_own_data_and_nothing_about_others(
    fake: FakeDiscord, community: Community, runner: HearthRunner, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    await runner.start()
    await setup_guild(
        fake,
        community,
        mod_queue_channel=community.mod_queue,
        moderator_role=community.moderator_role,
    )
    await checkin(fake, community, community.member, mood=2, craving=6, note=NOTE)
    await sobriety(fake, community, community.member, "set", date="2026-09-01", label=LABEL)
    await sobriety(
        fake, community, community.member, "reset", label=LABEL, note=RESET_NOTE, date="2026-11-20"
    )
    await report(fake, community, community.member, OWN_REASON)
    general = fake.guild(community.guild_id).add_text_channel("general")
    said = await fake.send_message(general, community.member, "a message someone reports")
    link = f"https://discord.com/channels/{community.guild_id}/{general}/{said['id']}"
    await report(fake, community, community.admin, ABOUT_REASON, message_link=link)

    ix, data = await export(fake, community.guild_id, community.member)
    assert "Only you can see this" in ix.text
    assert "1 check-in (1 with a private note)" in ix.text
    assert "1 counter" in ix.text and "1 report you made" in ix.text
    [day] = data["checkins"]
    assert (day["local_date"], day["mood"], day["craving"], day["note"]) == (
        "2026-11-22",
        2,
        6,
        NOTE,
    )
    assert day["shared"] is False
    [counter] = data["counters"]
    assert counter["label"] == LABEL
    assert [p["note"] for p in counter["periods"]] == [RESET_NOTE, None]
    [mine] = data["reports_filed"]
    assert mine["reason"] == OWN_REASON
    assert data["member_id"] == str(community.member)
    raw = json.dumps(data)
    assert ABOUT_REASON not in raw, "a report about the member is not theirs to read"
    assert str(community.admin) not in raw, "reporters are never named"

    _, theirs = await export(fake, community.guild_id, community.admin)
    assert [r["reason"] for r in theirs["reports_filed"]] == [ABOUT_REASON]
    assert NOTE not in json.dumps(theirs) and LABEL not in json.dumps(theirs)
    assert str(community.member) not in json.dumps(theirs), "whom they reported isn't named"


async def test_delete_asks_first_then_erases_takes_back_the_role_and_says_what_stays(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    guild = fake.guild(community.guild_id)
    thirty = guild.add_role("30 days")
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(
        fake,
        community,
        checkin_channel=community.checkins,
        celebrations_channel=community.celebrations,
        mod_queue_channel=community.mod_queue,
    )
    await ask(
        fake, community.guild_id, community.admin, "milestones role", milestone="30d", role=thirty
    )
    await sobriety(fake, community, community.member, "set", date="2026-10-23", announce="public")
    await settle(bot)
    await fake.wait_for_request(
        "PUT", rf"/guilds/{community.guild_id}/members/{community.member}/roles/{thirty}"
    )
    await checkin(fake, community, community.member, mood=4, note=NOTE, share=True)
    await fake.wait_for_request("POST", rf"/channels/{community.checkins}/messages")
    await bot.background.wait_idle()
    await report(fake, community, community.member, OWN_REASON)
    assert len(fake.channel_messages(community.checkins)) == 1
    assert len(fake.channel_messages(community.celebrations)) == 1

    question = await ask(fake, community.guild_id, community.member, "privacy delete")
    assert "can't be undone" in question.text and "/privacy export" in question.text
    kept = await confirm(fake, community.guild_id, community.member, question, "Keep it")
    assert "Nothing was erased" in kept.text
    _, still = await export(fake, community.guild_id, community.member)
    assert still["checkins"][0]["note"] == NOTE

    question = await ask(fake, community.guild_id, community.member, "privacy delete")
    done = await confirm(fake, community.guild_id, community.member, question, "Erase my data")
    text = done.text
    assert "erased 1 check-in (with their notes), 1 counter" in text
    assert f"Took back <@&{thirty}>" in text
    assert "Took down 2 posts" in text
    assert "1 report you made" in text and "your words were removed" in text
    assert "time zone, country and crisis-message choice are shared" in text
    await fake.wait_for_request(
        "DELETE", rf"/guilds/{community.guild_id}/members/{community.member}/roles/{thirty}"
    )
    assert thirty not in guild.members[community.member].role_ids
    assert fake.channel_messages(community.checkins) == []
    assert fake.channel_messages(community.celebrations) == []

    _, after = await export(fake, community.guild_id, community.member)
    assert after["checkins"] == [] and after["counters"] == []
    assert [r["reason"] for r in after["reports_filed"]] == [None], "kept, without their words"
    assert NOTE not in json.dumps(after) and OWN_REASON not in json.dumps(after)
    if stored.is_postgres(database):
        # PostgreSQL keeps a deleted row's old version in its files until vacuum reuses the
        # space (the README says so): there, erased means gone from every table.
        assert not stored.holds_text(database, NOTE)
        assert not stored.holds_text(database, OWN_REASON)
    else:
        on_disk = database_bytes(database)
        assert NOTE.encode() not in on_disk and OWN_REASON.encode() not in on_disk


async def test_a_role_hearth_cannot_take_back_is_said_plainly(
    fake: FakeDiscord, community: Community, runner: HearthRunner, clock: ManualClock
) -> None:
    guild = fake.guild(community.guild_id)
    thirty = guild.add_role("30 days")
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(fake, community, celebrations_channel=community.celebrations)
    await ask(
        fake, community.guild_id, community.admin, "milestones role", milestone="30d", role=thirty
    )
    await sobriety(fake, community, community.member, "set", date="2026-10-23", announce="public")
    await settle(bot)
    await fake.wait_for_request(
        "PUT", rf"/guilds/{community.guild_id}/members/{community.member}/roles/{thirty}"
    )
    bot_role = guild.roles[guild.bot_role_id]
    bot_role.permissions &= ~discord.Permissions(manage_roles=True).value

    question = await ask(fake, community.guild_id, community.member, "privacy delete")
    done = await confirm(fake, community.guild_id, community.member, question, "Erase my data")
    assert f"couldn't take back <@&{thirty}>" in done.text
    assert "your data is erased either way" in done.text
    assert thirty in guild.members[community.member].role_ids
    _, after = await export(fake, community.guild_id, community.member)
    assert after["counters"] == []


async def test_delete_everywhere_covers_every_server_and_keeps_only_an_opt_out(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    other = fake.add_guild("Second Circle")
    other.add_text_channel("general")
    other.add_member(community.member)
    await runner.start()
    await ask(fake, community.guild_id, community.member, "profile timezone", timezone="Asia/Tokyo")
    await ask(fake, community.guild_id, community.member, "profile crisis-replies", enabled=False)
    await checkin(fake, community, community.member, mood=3, note=NOTE)
    elsewhere = await fake.slash(other.id, community.member, "checkin", options={"mood": 3})
    await answered(elsewhere)
    await checkin(fake, community, community.admin, mood=5, note="someone else's note")

    question = await ask(
        fake, community.guild_id, community.member, "privacy delete", everywhere=True
    )
    assert "in every server" in question.text
    done = await confirm(fake, community.guild_id, community.member, question, "Erase my data")
    assert "**Recovery Circle**: erased 1 check-in" in done.text
    assert "**Second Circle**: erased 1 check-in" in done.text
    assert "choice not to get automatic crisis messages is kept" in done.text

    with stored.connect(database) as conn:
        checkins = conn.execute("SELECT user_id FROM checkins").fetchall()
        profile = conn.execute(
            "SELECT timezone, country, crisis_replies FROM member_profile WHERE user_id = ?",
            (community.member,),
        ).fetchall()
    assert checkins == [(community.admin,)], "only the member's own rows go"
    assert profile == [(None, None, 0)]
    _, after = await export(fake, community.guild_id, community.member)
    assert after["profile"]["timezone"] is None and after["profile"]["crisis_replies"] is False
