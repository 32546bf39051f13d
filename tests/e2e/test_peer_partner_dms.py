"""Peer-support and partner DMs go through the one deliverer: a closed DM is met kindly and
nothing is posted in public; a 503 is retried with the same nonce and the DM arrives once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.clocks import ManualClock
from tests.e2e.harness import Community, HearthRunner
from tests.e2e.peer_helpers import (
    build_peer_team,
    click,
    intro,
    private_threads,
    requests,
    setup_peers,
    slash,
    take_cards,
)
from tests.e2e.process_helpers import query
from tests.fakediscord import FakeDiscord

CLOSED_WORDS = "doesn't take private messages from this server"


def bot_posts_in_guild(fake: FakeDiscord, community: Community) -> list[dict[str, Any]]:
    guild = fake.guild(community.guild_id)
    return [
        m
        for channel in guild.channels + guild.threads
        for m in fake.channel_messages(channel.id)
        if m["author"]["id"] == str(fake.bot_user_id)
    ]


def dm_posts(fake: FakeDiscord, user: int) -> list[Any]:
    dm = fake.state.open_dm(user).id
    return [r for r in fake.requests if r.method == "POST" and r.path == f"/channels/{dm}/messages"]


async def test_a_partner_invitation_to_closed_dms_is_refused_kindly_and_nothing_is_public(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path
) -> None:
    guild = fake.guild(community.guild_id)
    pat = fake.add_user("pat")
    guild.add_member(pat)
    fake.close_dms(pat)
    await runner.start()
    before = bot_posts_in_guild(fake, community)

    invite = await slash(
        fake, community, community.member, "partner invite", member=pat, streak=True
    )
    assert invite.ephemeral and CLOSED_WORDS in invite.text and "Nothing was set up" in invite.text
    assert fake.dm_messages(pat) == []
    assert bot_posts_in_guild(fake, community) == before, "nothing about it in any channel"
    assert query(database, "SELECT status FROM partnerships") == [("ended",)]
    assert query(database, "SELECT status FROM deliveries WHERE user_id = ?", pat) == [("failed",)]
    status = await slash(fake, community, community.member, "partner status")
    assert f"<@{pat}>" not in status.text, "no half-made partnership is left"


async def test_ending_with_a_partner_whose_dms_closed_meanwhile_says_so_kindly(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path
) -> None:
    guild = fake.guild(community.guild_id)
    pat = fake.add_user("pat")
    guild.add_member(pat)
    await runner.start()
    await slash(fake, community, community.member, "partner invite", member=pat, streak=True)
    [invitation] = fake.dm_messages(pat)
    accept = await fake.click(
        None, pat, invitation, invitation["components"][0]["components"][0]["custom_id"]
    )
    await accept.wait_final()
    await fake.wait_for_request(
        "POST", r"/channels/\d+/messages", predicate=lambda r: "said yes" in str(r.json)
    )
    # The answer reaches the member who asked (their DMs are open), once.
    said_yes = [m for m in fake.dm_messages(community.member) if "said yes" in m["content"]]
    assert len(said_yes) == 1
    fake.close_dms(pat)
    before = bot_posts_in_guild(fake, community)

    end = await slash(fake, community, community.member, "partner end", member=pat)
    assert end.ephemeral and CLOSED_WORDS in end.text
    assert "ended all the same" in end.text
    assert len(fake.dm_messages(pat)) == 1, "only the invitation ever reached them"
    assert bot_posts_in_guild(fake, community) == before
    assert query(database, "SELECT status FROM partnerships") == [("ended",)]


async def test_a_member_with_closed_dms_whose_request_passes_to_the_moderators(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path,
    clock: ManualClock,
) -> None:
    team = build_peer_team(fake, community)
    bot = await runner.start()
    await setup_peers(fake, community, team)
    await slash(fake, community, team.pat, "peers duty", state="on")
    await slash(fake, community, community.member, "support", channel_id=team.general)
    fake.close_dms(community.member)
    [request] = requests(database)
    clock.advance(timedelta(minutes=10))
    await bot.scheduler.run_now(f"peer-request:{request['id']}")

    assert requests(database)[0]["status"] == "to_moderators"
    assert fake.dm_messages(community.member) == []
    assert query(database, "SELECT key FROM owed_deliveries") == [], "settled, not owed"
    public = [
        m
        for channel in (team.general, team.channel)
        for m in fake.channel_messages(channel)
        if f"<@{community.member}>" in m["content"]
    ]
    assert public == [], "an undelivered DM is never replaced by a mention in public"

    await runner.restart(bot)
    assert fake.dm_messages(community.member) == [], "nothing is retried into closed DMs"


async def test_a_peer_dm_answered_503_is_retried_and_arrives_once(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path
) -> None:
    team = build_peer_team(fake, community)
    bot = await runner.start()
    await setup_peers(fake, community, team)
    await slash(fake, community, team.pat, "peers duty", state="on")
    await slash(fake, community, community.member, "support", channel_id=team.general)
    await click(fake, community, team.pat, take_cards(fake, team)[0], "Take it")
    [thread] = private_threads(fake, community)
    dm = fake.state.open_dm(team.pat).id
    fault = fake.faults.fail("POST", rf"/channels/{dm}/messages", status=503)

    closed = await click(fake, community, community.member, intro(fake, thread.id), "Close")
    assert "Closed" in closed.text
    assert fault.served == 1
    [debrief] = fake.dm_messages(team.pat)
    assert "How are you doing?" in debrief["content"]
    posts = dm_posts(fake, team.pat)
    assert [r.status for r in posts] == [503, 200]
    assert len({r.json["nonce"] for r in posts}) == 1, "the retry carries the same nonce"
    assert requests(database)[0]["debrief"] == "sent"

    await runner.restart(bot)
    assert len(fake.dm_messages(team.pat)) == 1, "a restart doesn't send it again"
