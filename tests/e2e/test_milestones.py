"""Milestone celebrations: once per period, at the member's local day, as loudly as chosen."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.app import Hearth
from bot.domain.counters import Announce
from bot.domain.due_times import NextDue
from bot.domain.shards import ShardPlan
from bot.storage.storage import open_storage
from tests.clocks import ManualClock
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.test_sobriety import sobriety
from tests.e2e.world_helpers import set_role_permissions
from tests.fakediscord import FakeDiscord
from tests.fakediscord.permissions import DEFAULT_BOT_PERMISSIONS, MANAGE_ROLES

DUE_JOB = "milestones:due"
PNG = b"\x89PNG\r\n\x1a\n"


async def settle(bot: Hearth) -> None:
    """Let work already under way finish (setting a counter celebrates what is due at once),
    then run the scheduled milestone job as the scheduler would."""
    await bot.background.wait_idle()
    await bot.scheduler.run_now(DUE_JOB)


def cards(fake: FakeDiscord, channel_id: int) -> list[dict]:
    return [m for m in fake.channel_messages(channel_id) if m.get("embeds")]


def congratulate_id(card: dict) -> str:
    return card["components"][0]["components"][0]["custom_id"]


async def test_public_milestone_posts_one_card_with_a_tag_at_local_midnight(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    # Berlin is UTC+1 in November: local midnight on 22 Nov is 23:00 UTC on 21 Nov.
    clock.set(datetime(2026, 11, 21, 22, 58, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(
        fake, community, timezone="Europe/Berlin", celebrations_channel=community.celebrations
    )
    await sobriety(
        fake,
        community,
        community.member,
        "set",
        date="2026-10-23",
        announce="public",
        label="Alcohol",
    )
    await settle(bot)
    assert cards(fake, community.celebrations) == [], "30 days is tomorrow in Berlin"

    clock.set(datetime(2026, 11, 21, 23, 0, 30, tzinfo=UTC))
    await settle(bot)
    await settle(bot)
    posted = cards(fake, community.celebrations)
    assert len(posted) == 1
    card = posted[0]
    embed = card["embeds"][0]
    assert embed["title"] == "🎉 30 days!"
    assert f"<@{community.member}>" in embed["description"]
    assert "Alcohol" not in str(card), "a counter's name stays private"
    assert "little late" not in embed["description"]
    assert card["attachments"][0]["filename"] == "milestone.png"
    upload = next(
        r
        for r in fake.requests
        if r.path == f"/channels/{community.celebrations}/messages" and r.files
    )
    assert upload.files[0][1].startswith(PNG)

    bot = await runner.restart(bot)
    await settle(bot)
    assert len(cards(fake, community.celebrations)) == 1, "a restart must not celebrate again"


async def test_dm_and_off(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(fake, community, celebrations_channel=community.celebrations)
    await sobriety(fake, community, community.member, "set", date="2026-11-21")  # 24 hours today
    await sobriety(fake, community, community.admin, "set", date="2026-11-21", announce="off")
    await settle(bot)
    dms = fake.dm_messages(community.member)
    assert len(dms) == 1
    assert "today you reached **24 hours** on your sobriety counter" in dms[0]["content"]
    assert dms[0]["attachments"][0]["filename"] == "milestone.png"
    assert fake.dm_messages(community.admin) == []
    assert cards(fake, community.celebrations) == []
    await settle(bot)
    assert len(fake.dm_messages(community.member)) == 1


async def test_late_start_celebrates_late_once_and_not_older_ones(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(fake, community, celebrations_channel=community.celebrations)
    # 60 days fell two days ago (20 Nov); 30 days, a month ago, is too old to celebrate now.
    await sobriety(fake, community, community.member, "set", date="2026-09-21", announce="public")
    request = await fake.wait_for_request(
        "POST", rf"/channels/{community.celebrations}/messages", timeout=5
    )
    assert request.files
    await settle(bot)
    await runner.restart(bot)
    posted = cards(fake, community.celebrations)
    assert len(posted) == 1
    assert posted[0]["embeds"][0]["title"] == "🎉 60 days!"
    description = posted[0]["embeds"][0]["description"]
    assert "reached **60 days** on Friday 20 November" in description
    assert "Celebrated a little late" in description


async def test_congratulate_counts_each_member_once_even_after_restart(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(fake, community, celebrations_channel=community.celebrations)
    await sobriety(
        fake, community, community.member, "set", date="2026-11-15", announce="public"
    )  # 1 week today
    await settle(bot)
    card = cards(fake, community.celebrations)[0]
    button = congratulate_id(card)

    first = await fake.click(community.guild_id, community.admin, card, button)
    response = await answered(first)
    assert response["type"] == 7
    assert "1 member congratulated" in first.text
    again = await fake.click(community.guild_id, community.admin, card, button)
    await answered(again)
    assert again.ephemeral and "already congratulated" in again.text
    self_click = await fake.click(community.guild_id, community.member, card, button)
    await answered(self_click)
    assert self_click.ephemeral and "This one's yours" in self_click.text

    await runner.restart(bot)
    card = cards(fake, community.celebrations)[0]
    second = await fake.click(community.guild_id, community.moderator, card, button)
    await answered(second)
    assert "2 members congratulated" in second.text
    assert "2 members congratulated" in str(cards(fake, community.celebrations)[0]["embeds"])


async def test_milestone_roles_are_given_and_taken_back_on_reset(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    guild = fake.guild(community.guild_id)
    thirty = guild.add_role("30 days")
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(fake, community, celebrations_channel=community.celebrations)
    ix = await fake.slash(
        community.guild_id,
        community.admin,
        "milestones role",
        options={"milestone": "30d", "role": thirty},
    )
    await answered(ix)
    assert f"<@&{thirty}>" in ix.text
    await sobriety(fake, community, community.member, "set", date="2026-10-23", announce="public")
    await settle(bot)
    await fake.wait_for_request(
        "PUT", rf"/guilds/{community.guild_id}/members/{community.member}/roles/{thirty}"
    )
    assert thirty in guild.members[community.member].role_ids

    # Resetting another counter keeps the role the first one still earns.
    await sobriety(
        fake,
        community,
        community.member,
        "set",
        date="2026-11-20",
        label="nicotine",
        announce="public",
    )
    await sobriety(fake, community, community.member, "reset", label="nicotine")
    await bot.background.wait_idle()
    assert thirty in guild.members[community.member].role_ids

    await sobriety(fake, community, community.member, "reset", label="sobriety")
    await fake.wait_for_request(
        "DELETE", rf"/guilds/{community.guild_id}/members/{community.member}/roles/{thirty}"
    )
    assert thirty not in guild.members[community.member].role_ids


async def test_role_hearth_cannot_give_is_reported_in_status(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    guild = fake.guild(community.guild_id)
    lofty = guild.add_role("Old timer", above_bot=True)
    badge = guild.add_role("24 hours")
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    await setup_guild(fake, community, celebrations_channel=community.celebrations)
    refused = await fake.slash(
        community.guild_id,
        community.admin,
        "milestones role",
        options={"milestone": "24h", "role": lofty},
    )
    await answered(refused)
    assert "isn't below Hearth's own highest role" in refused.text
    ix = await fake.slash(
        community.guild_id,
        community.admin,
        "milestones role",
        options={"milestone": "24h", "role": badge},
    )
    await answered(ix)
    assert "will get" in ix.text
    # Later someone takes Manage Roles away from Hearth: Discord refuses the grant.
    set_role_permissions(
        fake, community.guild_id, guild.bot_role_id, DEFAULT_BOT_PERMISSIONS & ~MANAGE_ROLES
    )
    await sobriety(fake, community, community.member, "set", date="2026-11-21", announce="public")
    await settle(bot)
    assert len(cards(fake, community.celebrations)) == 1, "the card goes out regardless"
    status = await fake.slash(community.guild_id, community.admin, "hearth status")
    await answered(status)
    assert "couldn't change milestone roles" in status.text


async def test_upcoming_lists_public_milestones_for_organizers_only(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    await runner.start()
    await setup_guild(fake, community, organizer_role=community.organizer_role)
    organizer = fake.add_user("olive")
    fake.guild(community.guild_id).add_member(organizer, roles=[community.organizer_role])
    await sobriety(
        fake, community, community.member, "set", date="2026-08-25", announce="public"
    )  # 90 days on 23 Nov
    await sobriety(fake, community, community.admin, "set", date="2026-08-25")  # private
    refused = await fake.slash(community.guild_id, community.member, "milestones upcoming")
    await answered(refused)
    assert refused.ephemeral and "organizers and moderators" in refused.text
    ix = await fake.slash(community.guild_id, organizer, "milestones upcoming")
    await answered(ix)
    assert ix.ephemeral
    assert f"Mon 23 Nov: <@{community.member}>, 90 days" in ix.text
    assert f"<@{community.admin}>" not in ix.text


async def test_guild_can_replace_the_milestone_list(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
) -> None:
    clock.set(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    bot = await runner.start()
    bad = await fake.slash(
        community.guild_id, community.admin, "milestones plan", options={"milestones": "30d, soon"}
    )
    await answered(bad)
    assert "isn't a span" in bad.text
    ix = await fake.slash(
        community.guild_id,
        community.admin,
        "milestones plan",
        options={"milestones": "3d, 100d, yearly"},
    )
    await answered(ix)
    assert "3 days, 100 days and then every year" in ix.text
    await sobriety(fake, community, community.member, "set", date="2026-11-19")
    await settle(bot)
    dms = fake.dm_messages(community.member)
    assert len(dms) == 1
    assert "**3 days**" in dms[0]["content"]
    clock.advance(timedelta(days=1))
    await settle(bot)
    assert len(fake.dm_messages(community.member)) == 1


async def test_a_celebration_left_unposted_by_a_stopped_process_is_posted_at_once(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    clock: ManualClock,
    database: Path | str,
) -> None:
    # The process that stopped had claimed the 30-day card and stored the counter's next look
    # (the 60th day) before the card left: nothing reached Discord. Its replacement gives the
    # claim back and celebrates at once, not a minute later (the clock does not move here).
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    clock.set(now)
    storage = await open_storage(database)
    try:
        await storage.guild_configs.update(
            community.guild_id, {"celebrations_channel_id": community.celebrations}, now
        )
        counter, _ = await storage.sobriety.set_counter(
            community.guild_id,
            community.member,
            "Sobriety",
            date(2026, 10, 23),
            Announce.PUBLIC,
            now - timedelta(days=1),
        )
        claim = await storage.sobriety.claim_celebration(
            counter.current.id, "30d", date(2026, 11, 22), Announce.PUBLIC, now
        )
        assert claim is not None
        [due] = await storage.due_times.due_counters(now, 10, ShardPlan())
        await storage.due_times.reschedule_counters(
            [NextDue((counter.id,), due.revision, datetime(2026, 12, 22, tzinfo=UTC))]
        )
    finally:
        await storage.close()

    await runner.start()
    await fake.state.changed.wait_for(
        lambda: cards(fake, community.celebrations), 15, "the card given back to be posted"
    )
    [card] = cards(fake, community.celebrations)
    assert card["embeds"][0]["title"] == "🎉 30 days!"
