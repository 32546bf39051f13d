"""Milestone celebrations and moderator-queue escalation fire by themselves on time.

The test only moves the clock; the scheduler fires the milestone run and each flag's
escalation when the clock reaches them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.clocks import ManualClock
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.timeline import dm_sent, jump, posted
from tests.fakediscord import FakeDiscord

CRISIS = "i am going to kill myself tonight"  # high severity: a step every 5 minutes
REPING = "with nobody on it"


def cards(fake: FakeDiscord, channel_id: int) -> list[dict]:
    return [m for m in fake.channel_messages(channel_id) if m.get("embeds")]


async def test_milestones_are_celebrated_at_local_midnight_and_late_after_a_jump(
    fake: FakeDiscord, community: Community, runner: HearthRunner, clock: ManualClock
) -> None:
    # Berlin is UTC+1 in winter: 30 days from 23 October is reached at 23:00 UTC on 21 Nov.
    clock.set(datetime(2026, 11, 21, 22, 58, tzinfo=UTC))
    await runner.start()
    await setup_guild(
        fake, community, timezone="Europe/Berlin", celebrations_channel=community.celebrations
    )
    ix = await fake.slash(
        community.guild_id,
        community.member,
        "sobriety set",
        options={"date": "2026-10-23", "announce": "public"},
    )
    await answered(ix)
    assert ix.ephemeral

    since = jump(fake, clock, datetime(2026, 11, 21, 23, 0, 30, tzinfo=UTC))
    request = await posted(fake, community.celebrations, since=since, containing="30 days")
    assert request.files, "the card carries its tag image"
    [card] = cards(fake, community.celebrations)
    assert card["embeds"][0]["title"] == "🎉 30 days!"
    assert "little late" not in card["embeds"][0]["description"]

    # 60 days fell on 22 December; the clock jumps to two days after it (weeks of runs in
    # one move): celebrated once, late, and the 30 days not again.
    since = jump(fake, clock, datetime(2026, 12, 24, 12, 0, tzinfo=UTC))
    await posted(fake, community.celebrations, since=since, containing="60 days")
    titles = [c["embeds"][0]["title"] for c in cards(fake, community.celebrations)]
    assert titles == ["🎉 30 days!", "🎉 60 days!"]
    assert (
        "Celebrated a little late"
        in cards(fake, community.celebrations)[1]["embeds"][0]["description"]
    )


async def test_an_unclaimed_flag_escalates_by_itself_one_step_per_move(
    fake: FakeDiscord, community: Community, runner: HearthRunner, clock: ManualClock
) -> None:
    start = clock.now()
    await runner.start()
    await setup_guild(
        fake,
        community,
        mod_queue_channel=community.mod_queue,
        moderator_role=community.moderator_role,
        helpline_country="US",
    )
    oncall = await fake.slash(
        community.guild_id, community.moderator, "modqueue oncall", options={"on": True}
    )
    await answered(oncall)
    general = fake.guild(community.guild_id).add_text_channel("general")
    since = len(fake.requests)
    await fake.send_message(general, community.member, CRISIS)
    await posted(fake, community.mod_queue, since=since, containing="Flag #")
    owner = fake.guild(community.guild_id).owner_id
    assert owner is not None

    since = jump(fake, clock, start + timedelta(minutes=5))
    reping = await posted(fake, community.mod_queue, since=since, containing=REPING)
    assert f"<@&{community.moderator_role}>" in reping.json["content"]

    # Twenty minutes pass unseen: the next step (on call) comes once, not every step missed.
    since = jump(fake, clock, start + timedelta(minutes=25))
    await dm_sent(fake, community.moderator, since=since, containing="on call")
    # The last step is due five minutes after that one; this run began after it finished.
    since = jump(fake, clock, start + timedelta(minutes=30))
    await dm_sent(fake, owner, since=since, containing="unclaimed")

    repings = [m for m in fake.channel_messages(community.mod_queue) if REPING in m["content"]]
    assert len(repings) == 1
    assert len([m for m in fake.dm_messages(community.moderator) if "on call" in m["content"]]) == 1
    assert len([m for m in fake.dm_messages(owner) if "unclaimed" in m["content"]]) == 1
