"""A worse message always reaches a human at once; closed flags never swallow a new one; an
edited message is scanned once per version. Real Hearth, fake Discord, real SQLite, restarts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.app import Hearth
from bot.storage.timestamps import as_text
from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.crisis_helpers import (
    buttons,
    card_text,
    cards_about,
    configure_queue,
    deliver_update_again,
    edit_as_author,
    flag_rows,
    queue_posts,
    settled,
)
from tests.e2e.harness import Community, HearthRunner, answered, private_to
from tests.fakediscord import FakeDiscord

HIGH = "i am going to kill myself tonight"
LOW = "grey skies again"  # flags only because the admins added it (low), so its grade is fixed
MEDIUM = "storm is back"  # likewise, medium
WORSE = "got more serious"
RENEWED = "has a new message and nobody has claimed it"


async def add_phrase(fake: FakeDiscord, community: Community, phrase: str, severity: int) -> None:
    ix = await fake.slash(
        community.guild_id,
        community.admin,
        "crisis phrase add",
        options={"phrase": phrase, "flag": True, "category": "SUICIDAL", "severity": severity},
    )
    await answered(ix)


async def prepared(fake: FakeDiscord, community: Community) -> int:
    await configure_queue(fake, community)
    await add_phrase(fake, community, LOW, 1)
    await add_phrase(fake, community, MEDIUM, 2)
    return fake.guild(community.guild_id).add_text_channel("general")


async def run_ladder(bot: Hearth, flag_id: int) -> None:
    await bot.background.wait_idle()
    await bot.scheduler.run_now(f"flag:{flag_id}")


def claimer_dms(fake: FakeDiscord, community: Community) -> list[dict]:
    return [m for m in fake.dm_messages(community.moderator) if "that you claimed" in m["content"]]


async def test_a_worse_message_pings_again_at_once_and_tells_the_claimer(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    clock: ManualClock,
) -> None:
    bot = await runner.start()
    general = await prepared(fake, community)
    await fake.send_message(general, community.member, LOW)
    await settled(fake, community)
    [card] = cards_about(fake, community, community.member)
    assert "Severity: low" in card_text(card)
    claim = await fake.click(community.guild_id, community.moderator, card, buttons(card)["Claim"])
    await answered(claim)

    clock.advance(timedelta(minutes=10))
    since = len(fake.requests)
    await fake.send_message(general, community.member, HIGH)
    ping = await fake.wait_for_request(
        "POST",
        rf"/channels/{community.mod_queue}/messages",
        predicate=lambda r: WORSE in r.json.get("content", ""),
        since=since,
    )
    await settled(fake, community)
    # A new message that mentions the moderators (an edited card notifies nobody).
    assert f"<@&{community.moderator_role}>" in ping.json["content"]
    assert [int(r) for r in ping.json["allowed_mentions"]["roles"]] == [community.moderator_role]
    assert "now **high**" in ping.json["content"]
    assert f"<@{community.moderator}> had claimed it" in ping.json["content"]
    [told] = claimer_dms(fake, community)
    assert "now **high**" in told["content"] and "claim it again" in told["content"]
    [card] = cards_about(fake, community, community.member)
    assert "Severity: high" in card_text(card) and "Open again" in card_text(card)
    assert not any(b.get("disabled") for b in card["components"][0]["components"])
    [flag] = flag_rows(database, community.member)
    assert flag["status"] == "open" and flag["escalation_step"] == 0
    assert flag["next_escalation_at"] == as_text(clock.now() + timedelta(minutes=5))
    assert f"flag:{flag['id']}" in bot.scheduler.job_ids()

    # A restart neither repeats the ping nor the DM (they are marked delivered in the database).
    bot = await runner.restart(bot)
    await bot.flag_service.catch_up()  # what start-up runs, awaited here
    assert len(queue_posts(fake, community, WORSE)) == 1
    assert len(claimer_dms(fake, community)) == 1

    # The ladder restarted at high: five minutes later the moderators are pinged again.
    clock.advance(timedelta(minutes=5))
    await run_ladder(bot, flag["id"])
    repings = queue_posts(fake, community, "with nobody on it")
    assert len([m for m in repings if f"flag #{flag['id']} (" in m["content"]]) == 1


async def test_a_finished_ladder_starts_again_when_the_member_writes_again(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    clock: ManualClock,
) -> None:
    bot = await runner.start()
    general = await prepared(fake, community)
    await fake.send_message(general, community.member, LOW)
    await settled(fake, community)
    [flag] = flag_rows(database, community.member)
    for _ in range(2):  # low: the queue again after 4 h, then on-call after 4 h more
        clock.advance(timedelta(hours=4))
        await run_ladder(bot, flag["id"])
    [flag] = flag_rows(database, community.member)
    assert flag["escalation_step"] == 2 and flag["next_escalation_at"] is None
    assert f"flag:{flag['id']}" not in bot.scheduler.job_ids(), "the ladder is finished"

    clock.advance(timedelta(hours=1))
    await fake.send_message(general, community.member, LOW)
    await settled(fake, community)
    [renewed] = queue_posts(fake, community, RENEWED)
    assert f"<@&{community.moderator_role}>" in renewed["content"]
    [flag] = flag_rows(database, community.member)
    assert flag["escalation_step"] == 0
    assert flag["next_escalation_at"] == as_text(clock.now() + timedelta(hours=4))
    assert f"flag:{flag['id']}" in bot.scheduler.job_ids()

    await fake.send_message(general, community.member, MEDIUM)
    await settled(fake, community)
    assert len(queue_posts(fake, community, WORSE)) == 1
    [flag] = flag_rows(database, community.member)
    assert flag["severity"] == 2 and flag["reports"] == 3
    assert claimer_dms(fake, community) == [], "nobody had claimed it"
    assert len(cards_about(fake, community, community.member)) == 1, "still one card"


async def test_a_closed_flag_never_swallows_a_new_detection(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
) -> None:
    await runner.start()
    general = await prepared(fake, community)
    for action in ("Not a concern", "Resolve"):
        await fake.send_message(general, community.member, HIGH)
        await settled(fake, community)
        card = cards_about(fake, community, community.member)[-1]
        click = await fake.click(
            community.guild_id, community.moderator, card, buttons(card)[action]
        )
        await answered(click)
        if action == "Resolve":
            done = await fake.submit_modal(community.guild_id, community.moderator, None, {})
            await answered(done)
    await fake.send_message(general, community.member, LOW)
    await settled(fake, community)
    statuses = [f["status"] for f in flag_rows(database, community.member)]
    assert statuses == ["dismissed", "resolved", "open"]
    assert len(cards_about(fake, community, community.member)) == 3


async def test_an_edited_message_is_scanned_once_per_version(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
) -> None:
    bot = await runner.start()
    general = await prepared(fake, community)
    sent = await fake.send_message(general, community.member, "see you all at the meeting")
    await edit_as_author(fake, int(sent["id"]), HIGH)
    await settled(fake, community)
    [flag] = flag_rows(database, community.member)
    assert flag["reports"] == 1 and flag["message_id"] == int(sent["id"])

    deliver_update_again(fake, int(sent["id"]))  # the same edit event, again
    await settled(fake, community)
    bot = await runner.restart(bot)
    deliver_update_again(fake, int(sent["id"]))  # and once more after a restart
    await settled(fake, community)
    [flag] = flag_rows(database, community.member)
    assert flag["reports"] == 1, "one version, flagged once"
    assert len(fake.dm_messages(community.member)) == 1

    await edit_as_author(fake, int(sent["id"]), "i took all my pills")  # a new version
    await settled(fake, community)
    [flag] = flag_rows(database, community.member)
    assert flag["reports"] == 2

    # An update that isn't an edit (an embed unfurling) carries no new version: not rescanned.
    unedited = await fake.send_message(general, community.member, HIGH)
    await settled(fake, community)
    deliver_update_again(fake, int(unedited["id"]))
    await settled(fake, community)
    [flag] = flag_rows(database, community.member)
    assert flag["reports"] == 3
    assert not stored.holds_text(database, HIGH), "message text is never stored"


async def test_alerts_held_by_a_public_queue_are_delivered_once_after_a_restart(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
) -> None:
    bot = await runner.start()
    general = await prepared(fake, community)
    guild = fake.guild(community.guild_id)
    await fake.send_message(general, community.member, LOW)
    await settled(fake, community)
    [card] = cards_about(fake, community, community.member)
    claim = await fake.click(community.guild_id, community.moderator, card, buttons(card)["Claim"])
    await answered(claim)

    guild.set_overwrites(community.mod_queue, [])  # everyone can read it now
    await fake.send_message(general, community.member, HIGH)
    await settled(fake, community)
    assert queue_posts(fake, community, WORSE) == [], "never posted in a public channel"
    assert len(claimer_dms(fake, community)) == 1, "the claimer is told directly at once"
    await runner.stop(bot)

    guild.set_overwrites(community.mod_queue, private_to(guild, community.moderator_role))
    bot = await runner.start()
    await bot.flag_service.catch_up()
    [ping] = queue_posts(fake, community, WORSE)
    assert f"<@&{community.moderator_role}>" in ping["content"]
    [card] = cards_about(fake, community, community.member)
    assert "Severity: high" in card_text(card), "the card caught up first"
    bot = await runner.restart(bot)
    await bot.flag_service.catch_up()
    assert len(queue_posts(fake, community, WORSE)) == 1
    assert len(claimer_dms(fake, community)) == 1
    [flag] = flag_rows(database, community.member)
    assert flag["severity"] == 3
