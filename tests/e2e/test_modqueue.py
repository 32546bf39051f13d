"""The moderator queue: reports, claim and resolve, timed escalation, audit, and failures."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.app import Hearth
from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import checkin, setup_guild
from tests.e2e.harness import Community, HearthRunner, answered, private_to
from tests.fakediscord import FakeDiscord

CRISIS = "i am going to kill myself tonight"  # high severity: 5-minute steps


def flag_ids(database: Path | str) -> list[int]:
    with stored.connect(database) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM flags ORDER BY id")]


def queue_cards(fake: FakeDiscord, community: Community) -> list[dict]:
    return [
        m
        for m in fake.channel_messages(community.mod_queue)
        if m.get("embeds") and m["embeds"][0].get("title", "").startswith("Flag #")
    ]


def buttons(card: dict) -> dict[str, str]:
    return {b["label"]: b["custom_id"] for b in card["components"][0]["components"]}


async def queue_setup(fake: FakeDiscord, community: Community) -> None:
    await setup_guild(
        fake,
        community,
        mod_queue_channel=community.mod_queue,
        moderator_role=community.moderator_role,
        helpline_country="US",
    )


async def test_reports_merge_into_one_card_and_stay_anonymous(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
) -> None:
    await runner.start()
    await queue_setup(fake, community)
    general = fake.guild(community.guild_id).add_text_channel("general")
    target = await fake.send_message(general, community.member, "something worrying")
    for reporter, reason in ((community.admin, "this worries me"), (community.moderator, None)):
        menu = await fake.context_menu(
            community.guild_id, reporter, "Report to moderators", target_message=target
        )
        assert (await answered(menu))["type"] == 9
        fields = {"reason": reason} if reason else {}
        submit = await fake.submit_modal(community.guild_id, reporter, None, fields)
        await answered(submit)
        await submit.wait_final()
        assert submit.ephemeral and "won't be told who reported" in submit.text
    [card] = queue_cards(fake, community)
    text = str(card["embeds"][0])
    assert f"<@{community.member}>" in text
    assert "Reports (2)" in text
    assert f"<@{community.admin}>" in text and f"<@{community.moderator}>" in text
    assert "||something worrying||" in text
    assert len(flag_ids(database)) == 1
    assert fake.dm_messages(community.member) == [], "the reported member is never told"


async def test_only_moderators_claim_and_resolve_and_the_audit_keeps_it(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
) -> None:
    await runner.start()
    await queue_setup(fake, community)
    ix = await fake.slash(
        community.guild_id,
        community.member,
        "report",
        options={"reason": "someone in voice sounded really unwell"},
    )
    await answered(ix)
    await ix.wait_final()
    [card] = queue_cards(fake, community)
    controls = buttons(card)

    # Someone who isn't a moderator but was let into the queue channel one by one.
    guild = fake.guild(community.guild_id)
    view = str(1 << 10)
    guild.set_overwrites(
        community.mod_queue,
        [
            *private_to(guild, community.moderator_role),
            {"id": str(community.member), "type": 1, "allow": view, "deny": "0"},
        ],
    )
    refused = await fake.click(community.guild_id, community.member, card, controls["Claim"])
    await answered(refused)
    assert refused.ephemeral and "Only moderators" in refused.text

    claim = await fake.click(community.guild_id, community.moderator, card, controls["Claim"])
    assert (await answered(claim))["type"] == 7
    [card] = queue_cards(fake, community)
    assert f"Claimed by <@{community.moderator}>" in str(card["embeds"][0])

    claimed_buttons = {b["label"]: b for b in card["components"][0]["components"]}
    assert claimed_buttons["Claim"].get("disabled") is True

    resolve = await fake.click(community.guild_id, community.moderator, card, controls["Resolve"])
    assert (await answered(resolve))["type"] == 9
    done = await fake.submit_modal(
        community.guild_id,
        community.moderator,
        None,
        {"note": "checked in with them by DM"},
        message=card,
    )
    await answered(done)
    [card] = queue_cards(fake, community)
    assert "Resolved by" in str(card["embeds"][0])
    assert not card.get("components"), "a closed flag has no buttons"

    [flag_id] = flag_ids(database)
    history = await fake.slash(
        community.guild_id, community.moderator, "modqueue show", options={"flag": flag_id}
    )
    await answered(history)
    for action in ("created", "claimed", "resolved"):
        assert action in history.text
    assert "checked in with them by DM" in history.text
    stats = await fake.slash(community.guild_id, community.moderator, "modqueue stats")
    await answered(stats)
    assert "Last 7 days:** 1 flags" in stats.text


async def run_flag(bot: Hearth, flag_id: int) -> None:
    await bot.background.wait_idle()
    await bot.scheduler.run_now(f"flag:{flag_id}")


async def test_unclaimed_high_flag_escalates_each_step_once_across_a_restart(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    clock: ManualClock,
) -> None:
    bot = await runner.start()
    await queue_setup(fake, community)
    oncall = await fake.slash(
        community.guild_id, community.moderator, "modqueue oncall", options={"on": True}
    )
    await answered(oncall)
    general = fake.guild(community.guild_id).add_text_channel("general")
    await fake.send_message(general, community.member, CRISIS)
    # The private reply is sent after the flag, its card and its timer are in place.
    await fake.wait_for_request(
        "POST", r"/channels/\d+/messages", predicate=lambda r: "automated" in str(r.json)
    )
    [flag_id] = flag_ids(database)
    assert f"flag:{flag_id}" in bot.scheduler.job_ids()
    owner = fake.guild(community.guild_id).owner_id

    def repings() -> list[dict]:
        return [
            m
            for m in fake.channel_messages(community.mod_queue)
            if "with nobody on it" in m.get("content", "")
        ]

    clock.advance(timedelta(minutes=4))
    await run_flag(bot, flag_id)
    assert repings() == []
    clock.advance(timedelta(minutes=1))
    await run_flag(bot, flag_id)
    await run_flag(bot, flag_id)
    assert len(repings()) == 1
    assert f"<@&{community.moderator_role}>" in repings()[0]["content"]

    bot = await runner.restart(bot)
    clock.advance(timedelta(minutes=5))
    await run_flag(bot, flag_id)
    await run_flag(bot, flag_id)
    assert len(repings()) == 1
    assert [m for m in fake.dm_messages(community.moderator) if "on call" in m["content"]]

    clock.advance(timedelta(minutes=5))
    await run_flag(bot, flag_id)
    owner_dms = [m for m in fake.dm_messages(owner) if "unclaimed" in m["content"]]
    assert len(owner_dms) == 1
    assert f"flag:{flag_id}" not in bot.scheduler.job_ids(), "the ladder is finished"
    history = await fake.slash(
        community.guild_id, community.moderator, "modqueue show", options={"flag": flag_id}
    )
    await answered(history)
    assert history.text.count("escalated by Hearth") == 3


async def test_hard_day_check_in_can_ask_for_support(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
) -> None:
    await runner.start()
    await queue_setup(fake, community)
    ix = await checkin(fake, community, community.member, mood=1)
    ask = next(
        b["custom_id"]
        for row in ix.final["components"]
        for b in row["components"]
        if b.get("label") == "Ask for support"
    )
    click = await fake.click(community.guild_id, community.member, ix.final, ask)
    await answered(click)
    await click.wait_final()
    assert click.ephemeral and "moderators know" in click.text
    again = await fake.click(community.guild_id, community.member, ix.final, ask)
    await answered(again)
    await again.wait_final()
    [card] = queue_cards(fake, community)
    assert "asked for support" in str(card["embeds"][0])
    assert len(flag_ids(database)) == 1, "asking twice doesn't pile up flags"


async def test_missing_queue_keeps_flags_and_tells_the_owner_once(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
) -> None:
    bot = await runner.start()
    await queue_setup(fake, community)
    await runner.stop(bot)
    with stored.connect(database) as conn:  # the queue channel was deleted meanwhile
        conn.execute("UPDATE guild_config SET mod_queue_channel_id = 999999999999999999")
    bot = await runner.start()
    owner = fake.guild(community.guild_id).owner_id
    for reason in ("first worry", "second worry"):
        ix = await fake.slash(
            community.guild_id, community.member, "report", options={"reason": reason}
        )
        await answered(ix)
        await ix.wait_final()
    assert len(flag_ids(database)) == 2
    notices = [m for m in fake.dm_messages(owner) if "moderator-queue" in m["content"]]
    assert len(notices) == 1
    status = await fake.slash(community.guild_id, community.admin, "hearth status")
    await answered(status)
    assert "moderator-queue" in status.text

    # The queue is set again: the kept flags get their cards, once, at the next start.
    await runner.stop(bot)
    with stored.connect(database) as conn:
        conn.execute("UPDATE guild_config SET mod_queue_channel_id = ?", (community.mod_queue,))
    bot = await runner.start()
    await bot.background.wait_idle()
    kept = queue_cards(fake, community)
    assert len(kept) == 2
    assert "Kept while the queue channel was unreachable" in str(kept[0]["embeds"])
    bot = await runner.restart(bot)
    await bot.background.wait_idle()
    assert len(queue_cards(fake, community)) == 2


async def test_admins_set_escalation_delays(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
) -> None:
    await runner.start()
    ix = await fake.slash(
        community.guild_id, community.admin, "modqueue delays", options={"high": 2, "low": 60}
    )
    await answered(ix)
    assert "**2 min** (high), **30 min** (medium) and **60 min** (low)" in ix.text
    with stored.connect(database) as conn:
        row = conn.execute(
            "SELECT escalate_high_minutes, escalate_low_minutes FROM guild_config"
        ).fetchone()
    assert row == (2, 60)


async def test_escalate_button_stops_at_the_severitys_last_step(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
) -> None:
    await runner.start()
    await queue_setup(fake, community)
    owner = fake.guild(community.guild_id).owner_id
    ix = await fake.slash(
        community.guild_id,
        community.member,
        "report",
        options={"reason": "worried about a friend here"},
    )
    await answered(ix)
    await ix.wait_final()
    [card] = queue_cards(fake, community)
    escalate = buttons(card)["Escalate"]
    first = await fake.click(community.guild_id, community.moderator, card, escalate)
    await answered(first)
    await first.wait_final()
    repings = [
        m
        for m in fake.channel_messages(community.mod_queue)
        if "with nobody on it" in m.get("content", "")
    ]
    assert len(repings) == 1
    # Nobody is on call: the owner hears rather than nobody.
    second = await fake.click(community.guild_id, community.moderator, card, escalate)
    await answered(second)
    await second.wait_final()
    assert [m for m in fake.dm_messages(owner) if "no moderator is on call" in m["content"]]
    third = await fake.click(community.guild_id, community.moderator, card, escalate)
    await answered(third)
    notes = await third.wait_followup(1)
    assert "no further step" in notes[0]["content"]
    [flag_id] = flag_ids(database)
    history = await fake.slash(
        community.guild_id, community.moderator, "modqueue show", options={"flag": flag_id}
    )
    await answered(history)
    assert f"escalated by <@{community.moderator}>" in history.text
