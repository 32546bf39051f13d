"""No privilege escalation: safe milestone roles, guild-wide authority, and reports only of
what the reporter can see."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cogs.modqueue.commands import NOT_FOUND_FOR_REPORTER
from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, HearthRunner, answered, private_to
from tests.e2e.test_milestones import cards, settle
from tests.e2e.test_modqueue import buttons, flag_ids, queue_cards, queue_setup
from tests.e2e.test_sobriety import sobriety
from tests.e2e.world_helpers import set_role_permissions
from tests.fakediscord import FakeDiscord
from tests.fakediscord.permissions import (
    ADMINISTRATOR,
    MANAGE_GUILD,
    MANAGE_MESSAGES,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
)


def milestone_roles(database: Path | str) -> dict[str, int]:
    with stored.connect(database) as conn:
        return dict(conn.execute("SELECT milestone_key, role_id FROM milestone_roles").fetchall())


async def map_role(fake: FakeDiscord, community: Community, user: int, key: str, role: int):
    ix = await fake.slash(
        community.guild_id, user, "milestones role", options={"milestone": key, "role": role}
    )
    await answered(ix)
    assert ix.ephemeral
    return ix


async def test_dangerous_or_too_high_milestone_roles_are_refused_when_configured(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    guild = fake.guild(community.guild_id)
    # New roles go to the bottom, so "Elders" ends up above "Helpers", created after it.
    elders = guild.add_role("Elders")
    helpers = guild.add_role("Helpers", permissions=MANAGE_GUILD)
    helper = fake.add_user("hana")
    guild.add_member(helper, roles=[helpers])
    root = guild.add_role("Old timers", permissions=ADMINISTRATOR)
    badge = guild.add_role("1 day")
    await runner.start()

    escalation = await map_role(fake, community, helper, "1d", root)
    assert "can't give" in escalation.text
    assert "Administrator" in escalation.text and "Nothing was saved" in escalation.text
    moderate = guild.add_role("Tidy", permissions=MANAGE_MESSAGES)
    refused = await map_role(fake, community, community.admin, "7d", moderate)
    assert "Manage Messages" in refused.text
    above = await map_role(fake, community, helper, "30d", elders)
    assert "isn't below your highest role" in above.text
    assert milestone_roles(database) == {}, "nothing is saved after a refusal"

    # The owner may hand out any harmless role; anyone may map a harmless role below theirs.
    owner = await map_role(fake, community, guild.owner_id, "30d", elders)
    assert "will get" in owner.text
    fine = await map_role(fake, community, helper, "1d", badge)
    assert "will get" in fine.text
    assert milestone_roles(database) == {"30d": elders, "1d": badge}


async def test_a_role_that_became_dangerous_is_not_given_and_status_says_why(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    guild = fake.guild(community.guild_id)
    week = guild.add_role("One week")
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(fake, community, celebrations_channel=community.celebrations)
    ok = await map_role(fake, community, community.admin, "7d", week)
    assert "will get" in ok.text

    # Someone gives the badge Administrator afterwards; the next grant checks it again.
    set_role_permissions(fake, community.guild_id, week, ADMINISTRATOR)
    # The command is also the barrier: Hearth reads the role update before this interaction.
    await sobriety(fake, community, community.member, "set", date="2026-11-15", announce="public")
    await settle(bot)
    assert len(cards(fake, community.celebrations)) == 1, "the celebration itself goes out"
    assert week not in guild.members[community.member].role_ids
    assert not [r for r in fake.requests if r.method == "PUT" and f"/roles/{week}" in r.path]
    status = await fake.slash(community.guild_id, community.admin, "hearth status")
    await answered(status)
    assert "Hearth stopped giving" in status.text
    assert f"<@&{week}>" in status.text and "Administrator" in status.text

    # Fixed: the next member who reaches the milestone gets it, and the warning goes away.
    set_role_permissions(fake, community.guild_id, week, 0)
    await sobriety(
        fake, community, community.moderator, "set", date="2026-11-15", announce="public"
    )
    await settle(bot)
    await fake.wait_for_request(
        "PUT", rf"/guilds/{community.guild_id}/members/{community.moderator}/roles/{week}"
    )
    status = await fake.slash(community.guild_id, community.admin, "hearth status")
    await answered(status)
    assert "Hearth stopped giving" not in status.text


async def test_manage_messages_in_one_channel_does_not_make_a_moderator(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    guild = fake.guild(community.guild_id)
    pat = fake.add_user("pat")
    guild.add_member(pat, roles=[])
    tidy_role = guild.add_role("Tidiers", permissions=MANAGE_MESSAGES)
    # The queue stays private to moderators; pat alone is let in, with Manage Messages there.
    guild.set_overwrites(
        community.mod_queue,
        [
            *private_to(guild, community.moderator_role, tidy_role),
            {"id": str(pat), "type": 1, "allow": str(VIEW_CHANNEL | MANAGE_MESSAGES), "deny": "0"},
        ],
    )
    tidier = fake.add_user("tia")
    guild.add_member(tidier, roles=[tidy_role])
    await runner.start()
    await queue_setup(fake, community)
    report = await fake.slash(
        community.guild_id,
        community.member,
        "report",
        options={"reason": "worried about a friend"},
        channel_id=community.checkins,
    )
    await answered(report)
    await report.wait_final()
    [flag_id] = flag_ids(database)
    [card] = queue_cards(fake, community)
    # The channel does give pat Manage Messages: exactly what Hearth must not count.
    assert guild.permissions_of(pat, community.mod_queue) & MANAGE_MESSAGES
    assert not guild.permissions_of(pat) & MANAGE_MESSAGES

    for command, options in (("modqueue show", {"flag": flag_id}), ("modqueue list", {})):
        ix = await fake.slash(
            community.guild_id, pat, command, options=options, channel_id=community.mod_queue
        )
        await answered(ix)
        assert ix.ephemeral and "for moderators" in ix.text
        assert "worried about a friend" not in ix.text
    claim = await fake.click(community.guild_id, pat, card, buttons(card)["Claim"])
    await answered(claim)
    assert claim.ephemeral and "Only moderators" in claim.text
    summary = await fake.slash(
        community.guild_id, pat, "checkins summary", channel_id=community.mod_queue
    )
    await answered(summary)
    assert "for moderators" in summary.text

    # Manage Messages from a role (server-wide) still counts, in any channel.
    allowed = await fake.slash(
        community.guild_id, tidier, "modqueue show", options={"flag": flag_id}
    )
    await answered(allowed)
    assert "created" in allowed.text
    claimed = await fake.click(community.guild_id, tidier, card, buttons(card)["Claim"])
    assert (await answered(claimed))["type"] == 7


async def test_report_link_to_a_hidden_channel_is_refused_without_saying_if_it_exists(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    guild = fake.guild(community.guild_id)
    staff = guild.add_text_channel(
        "staff-room",
        overwrites=[
            {"id": str(guild.id), "type": 0, "allow": "0", "deny": str(VIEW_CHANNEL)},
            {
                "id": str(community.moderator_role),
                "type": 0,
                "allow": str(VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY),
                "deny": "0",
            },
            {"id": str(guild.bot_role_id), "type": 0, "allow": str(VIEW_CHANNEL), "deny": "0"},
        ],
    )
    general = guild.add_text_channel("general")
    await runner.start()
    await queue_setup(fake, community)
    secret = await fake.send_message(staff, community.moderator, "private staff words")
    base = f"https://discord.com/channels/{community.guild_id}"

    answers = []
    for link in (
        f"{base}/{staff}/{secret['id']}",  # there, but hidden from the reporter
        f"{base}/{staff}/{int(secret['id']) + 12345}",  # no such message, same channel
        f"{base}/{general + 999_999}/{secret['id']}",  # no such channel
    ):
        ix = await fake.slash(
            community.guild_id,
            community.member,
            "report",
            options={"reason": "please look", "message_link": link},
        )
        await answered(ix)
        await ix.wait_final()
        assert ix.ephemeral
        answers.append(ix.text)
    assert answers == [NOT_FOUND_FOR_REPORTER] * 3, "one answer: nothing tells them apart"
    assert "private staff words" not in str(answers)
    assert flag_ids(database) == []
    assert not [r for r in fake.requests if r.method == "GET" and f"/channels/{staff}/" in r.path]

    # A message the reporter can read is reported as before, quoted for the moderators.
    visible = await fake.send_message(general, community.admin, "something worrying")
    ok = await fake.slash(
        community.guild_id,
        community.member,
        "report",
        options={"reason": "please look", "message_link": f"{base}/{general}/{visible['id']}"},
    )
    await answered(ok)
    await ok.wait_final()
    assert "won't be told who reported" in ok.text
    [card] = queue_cards(fake, community)
    assert "||something worrying||" in str(card["embeds"][0])


async def test_report_link_into_a_thread_follows_the_parent_channel(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    guild = fake.guild(community.guild_id)
    staff_view = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY
    guild.set_overwrites(
        community.checkins,
        [
            {"id": str(guild.id), "type": 0, "allow": "0", "deny": str(VIEW_CHANNEL)},
            {"id": str(community.moderator_role), "type": 0, "allow": str(staff_view), "deny": "0"},
            {"id": str(guild.bot_role_id), "type": 0, "allow": str(VIEW_CHANNEL), "deny": "0"},
        ],
    )
    clock.set(datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    bot = await runner.start()
    await queue_setup(fake, community)
    await setup_guild(fake, community, checkin_channel=community.checkins, checkin_thread=True)
    await bot.scheduler.run_now("checkins:due")
    [thread] = guild.threads
    words = await fake.send_message(thread.id, community.moderator, "thread words")
    link = f"https://discord.com/channels/{community.guild_id}/{thread.id}/{words['id']}"

    hidden = await fake.slash(
        community.guild_id,
        community.member,
        "report",
        options={"reason": "please look", "message_link": link},
    )
    await answered(hidden)
    assert hidden.ephemeral and hidden.text == NOT_FOUND_FOR_REPORTER
    assert flag_ids(database) == []

    seen = await fake.slash(
        community.guild_id,
        community.moderator,
        "report",
        options={"reason": "please look", "message_link": link},
    )
    await answered(seen)
    await seen.wait_final()
    assert "won't be told who reported" in seen.text
    assert len(flag_ids(database)) == 1


async def test_admin_settings_need_manage_server_from_a_role_not_a_channel(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    guild = fake.guild(community.guild_id)
    cam = fake.add_user("cam")
    guild.add_member(cam, roles=[])
    guild.set_overwrites(
        community.checkins,
        [{"id": str(cam), "type": 1, "allow": str(VIEW_CHANNEL | MANAGE_GUILD), "deny": "0"}],
    )
    badge = guild.add_role("1 day")
    await runner.start()
    assert guild.permissions_of(cam, community.checkins) & MANAGE_GUILD
    for command, options in (
        ("milestones role", {"milestone": "1d", "role": badge}),
        ("milestones plan", {"milestones": "7d,30d"}),
        ("hearth setup", {"timezone": "Europe/Paris"}),
        ("crisis detection", {"enabled": False}),
        ("modqueue delays", {"high": 1}),
    ):
        ix = await fake.slash(
            community.guild_id,
            cam,
            command,
            options=options,
            channel_id=community.checkins,
            ignore_command_permissions=True,
        )
        await answered(ix)
        assert ix.ephemeral and "needs the Manage Server permission" in ix.text
    assert milestone_roles(database) == {}
    with stored.connect(database) as conn:
        plans = conn.execute("SELECT milestone_plan FROM guild_config").fetchall()
    assert all(plan is None for (plan,) in plans)
    with stored.connect(database) as conn:
        zones = conn.execute("SELECT timezone FROM guild_config").fetchall()
    assert all(zone != "Europe/Paris" for (zone,) in zones)
