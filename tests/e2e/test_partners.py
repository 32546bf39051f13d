"""Accountability partners end to end: both consent, the partner sees only what the member
chose, hears of a hard check-in once, is nudged after days of quiet, and is told kindly when it
ends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import checkin
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.peer_helpers import button, slash
from tests.fakediscord import FakeDiscord

NOTE = "a private note about the argument with my brother"


def partner_dms(fake: FakeDiscord, user: int, words: str) -> list[dict]:
    return [m for m in fake.dm_messages(user) if words in str(m)]


async def test_invite_accept_a_hard_check_in_a_quiet_spell_and_end(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    clock: ManualClock,
) -> None:
    guild = fake.guild(community.guild_id)
    pat = fake.add_user("pat")
    guild.add_member(pat)
    bot = await runner.start()
    member = community.member
    await slash(fake, community, member, "sobriety set", date="2026-10-01", label="Alcohol-free")
    await checkin(fake, community, member, mood=4)
    clock.advance(timedelta(days=1))
    await checkin(fake, community, member, mood=4)

    itself = await slash(fake, community, member, "partner invite", member=member, streak=True)
    assert itself.ephemeral and "another member" in itself.text
    nothing = await slash(fake, community, member, "partner invite", member=pat)
    assert "Choose at least one thing" in nothing.text
    assert fake.dm_messages(pat) == [], "a refused invitation sends nothing"

    invite = await slash(
        fake,
        community,
        member,
        "partner invite",
        member=pat,
        streak=True,
        counter="Alcohol-free",
        struggling=True,
        nudge_days=3,
    )
    assert invite.ephemeral and "I've asked" in invite.text
    [invitation] = fake.dm_messages(pat)
    assert "would like you as an accountability partner" in str(invitation["embeds"])
    assert "never their private notes" in str(invitation["embeds"])
    before = await slash(fake, community, pat, "partner status")
    assert "Invitations for you" in before.text and "Check-in streak" not in before.text

    accept = await fake.click(None, pat, invitation, button(invitation, "Accept"))
    await answered(accept)
    await accept.wait_final()
    assert "You're now" in str(fake.message(int(invitation["id"]))["embeds"])
    await fake.wait_for_request(
        "POST", r"/channels/\d+/messages", predicate=lambda r: "said yes" in str(r.json)
    )
    assert partner_dms(fake, member, "said yes")

    view = await slash(fake, community, pat, "partner status")
    print("\n--- /partner status as the partner sees it ---\n" + view.text)  # for the closing note
    assert view.ephemeral
    assert f"<@{member}>" in view.text
    assert "Check-in streak: 2 days in a row" in view.text
    assert "Alcohol-free: 53 days" in view.text
    assert "You'll hear when they have a hard check-in" in view.text
    assert "nudge after 3 days without a check-in" in view.text
    own = await slash(fake, community, member, "partner status")
    assert f"<@{pat}> sees: their check-in streak" in own.text

    # A hard day: the partner hears once, never the note or the numbers.
    await checkin(fake, community, member, mood=1, craving=8, note=NOTE)
    await fake.wait_for_request(
        "POST", r"/channels/\d+/messages", predicate=lambda r: "had a hard check-in" in str(r.json)
    )
    await checkin(fake, community, member, mood=1, craving=9)
    await bot.background.wait_idle()
    [hard] = partner_dms(fake, pat, "hard check-in")
    assert "argument" not in hard["content"]
    assert "craving" not in hard["content"].lower() and "/10" not in hard["content"]
    for message in fake.dm_messages(pat):
        assert "brother" not in str(message), "private notes are never shared"

    # Three quiet days: one nudge, however often the job runs.
    clock.advance(timedelta(days=3))
    await bot.scheduler.run_now("partners:nudges")
    await bot.scheduler.run_now("partners:nudges")
    [nudge] = partner_dms(fake, pat, "hasn't checked in for 3 days")
    assert f"<@{member}>" in nudge["content"]

    end = await slash(fake, community, pat, "partner end", member=member)
    assert end.ephemeral and "I have told" in end.text
    [ended] = partner_dms(fake, member, "has ended")
    assert "nothing needs explaining" in ended["content"]
    after = await slash(fake, community, pat, "partner status")
    assert "don't have an accountability partner" in after.text
    with stored.connect(database) as conn:
        assert conn.execute("SELECT status, ended_by FROM partnerships").fetchall() == [
            ("ended", pat)
        ]


async def test_a_partner_sees_only_what_was_chosen(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    guild = fake.guild(community.guild_id)
    pat = fake.add_user("pat")
    guild.add_member(pat)
    await runner.start()
    member = community.member
    await slash(fake, community, member, "sobriety set", date="2026-10-01", label="Alcohol-free")
    await slash(fake, community, member, "partner invite", member=pat, struggling=True)
    [invitation] = fake.dm_messages(pat)
    accept = await fake.click(None, pat, invitation, button(invitation, "Accept"))
    await accept.wait_final()
    view = await slash(fake, community, pat, "partner status")
    assert "You'll hear when they have a hard check-in" in view.text
    assert "streak" not in view.text.lower() and "Alcohol-free" not in view.text
    stranger = fake.add_user("lee")
    guild.add_member(stranger)
    other = await slash(fake, community, stranger, "partner status")
    assert f"<@{member}>" not in other.text
    again = await slash(fake, community, member, "partner invite", member=pat, streak=True)
    assert "already" in again.text, "one partnership each way"
    choose = await slash(fake, community, member, "partner choose", member=pat, streak=True)
    assert "their check-in streak" in choose.text
    assert "Check-in streak" in (await slash(fake, community, pat, "partner status")).text
