"""Peer support end to end: a request reaches an on-duty peer in a private thread, waits for
the moderators otherwise (across a restart), and supporters keep their boundaries."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.clocks import ManualClock
from tests.e2e import stored
from tests.e2e.checkin_helpers import checkin
from tests.e2e.harness import Community, HearthRunner
from tests.e2e.peer_helpers import (
    build_peer_team,
    button,
    click,
    everything_said,
    intro,
    private_threads,
    queue_cards,
    requests,
    setup_peers,
    slash,
    take_cards,
)
from tests.fakediscord import FakeDiscord
from tests.fakediscord.permissions import VIEW_CHANNEL

REASON = "rough night, the cravings are loud and I could use a chat"


async def test_a_taken_request_opens_a_private_thread_with_both(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    team = build_peer_team(fake, community)
    await runner.start()
    await setup_peers(fake, community, team)
    duty = await slash(fake, community, team.pat, "peers duty", state="on")
    assert duty.ephemeral and "on duty" in duty.text

    ask = await slash(
        fake, community, community.member, "support", reason=REASON, channel_id=team.general
    )
    assert ask.ephemeral and "someone will be with you soon" in ask.text

    [card] = take_cards(fake, team)
    assert f"<@{team.pat}>" in card["content"], "on-duty supporters are pinged"
    assert "sam" in str(card["embeds"][0]), "the card names the member"
    for message in fake.channel_messages(team.channel) + fake.channel_messages(team.general):
        assert "cravings" not in everything_said(message), "the reason stays out of channels"

    off_duty = await click(fake, community, team.quinn, card, "Take it")
    assert off_duty.ephemeral and "off duty" in off_duty.text
    stranger = await click(fake, community, community.moderator, card, "Take it")
    assert "Only peer supporters" in stranger.text

    taken = await click(fake, community, team.pat, card, "Take it")
    [thread] = private_threads(fake, community)
    assert taken.ephemeral and f"<#{thread.id}>" in taken.text
    assert thread.parent_id == team.general, "opened where the member asked"
    assert thread.thread_member_ids == {fake.bot_user_id, community.member, team.pat}
    guild = fake.guild(community.guild_id)
    assert guild.permissions_of(community.member, thread.id) & VIEW_CHANNEL
    assert guild.permissions_of(team.quinn, thread.id) == 0, "other supporters don't see it"
    assert guild.permissions_of(community.moderator, thread.id) & VIEW_CHANNEL, "moderators can"
    opening = intro(fake, thread.id)
    assert REASON in opening["content"], "the reason appears only in the thread"
    assert f"<@{community.member}>" in opening["content"]
    assert f"<@{team.pat}>" in opening["content"]

    [card] = [m for m in fake.channel_messages(team.channel) if m["id"] == card["id"]]
    assert f"is with <@{team.pat}>" in str(card["embeds"][0]) and not card.get("components")
    again = await slash(fake, community, community.member, "support", channel_id=team.general)
    assert f"<#{thread.id}>" in again.text, "asking again points to the conversation"
    [request] = requests(database)
    assert request["status"] == "taken" and request["supporter_id"] == team.pat
    assert queue_cards(fake, community) == [], "moderators weren't needed"


async def test_an_untaken_request_reaches_the_moderators_after_the_wait_across_a_restart(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    clock: ManualClock,
) -> None:
    team = build_peer_team(fake, community)
    bot = await runner.start()
    await setup_peers(fake, community, team)
    await slash(fake, community, team.pat, "peers duty", state="on")
    ask = await slash(fake, community, community.member, "support", channel_id=team.general)
    assert "within 10 minutes" in ask.text, "the default wait is 10 minutes"
    [card] = take_cards(fake, team)

    bot = await runner.restart(bot)
    [request] = requests(database)
    job = f"peer-request:{request['id']}"
    assert job in bot.scheduler.job_ids(), "the timer is rebuilt from the database"
    clock.advance(timedelta(minutes=9))
    await bot.scheduler.run_now(job)
    assert queue_cards(fake, community) == [], "not yet"

    clock.advance(timedelta(minutes=1))
    await bot.scheduler.run_now(job)
    assert job not in bot.scheduler.job_ids(), "its timer is done"
    await bot.get_cog("PeerSupport").requests.due(request["id"])  # a late repeat changes nothing
    [flag_card] = queue_cards(fake, community)
    assert "asked for support" in str(flag_card["embeds"][0])
    assert f"<@{community.member}>" in str(flag_card["embeds"][0])
    assert requests(database)[0]["status"] == "to_moderators"
    assert any(
        "let the moderators know" in m["content"] for m in fake.dm_messages(community.member)
    )
    [edited] = [m for m in fake.channel_messages(team.channel) if m["id"] == card["id"]]
    assert "the moderators have it" in str(edited["embeds"][0])
    assert not edited.get("components"), "nothing left to take"


async def test_nobody_on_duty_goes_straight_to_the_moderators(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    team = build_peer_team(fake, community)
    await runner.start()
    await setup_peers(fake, community, team)
    ask = await slash(fake, community, community.member, "support", channel_id=team.general)
    assert "No peer supporter is free right now" in ask.text
    assert take_cards(fake, team) == []
    assert len(queue_cards(fake, community)) == 1
    assert requests(database)[0]["status"] == "to_moderators"


async def test_high_severity_words_go_to_the_moderators_first(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    team = build_peer_team(fake, community)
    await runner.start()
    await setup_peers(fake, community, team)
    await slash(fake, community, team.pat, "peers duty", state="on")
    ask = await slash(
        fake,
        community,
        community.member,
        "support",
        reason="i am going to kill myself tonight",
        channel_id=team.general,
    )
    assert "moderators know first" in ask.text
    assert take_cards(fake, team) == [] and requests(database) == []
    [flag_card] = queue_cards(fake, community)
    assert f"<@{community.member}>" in str(flag_card["embeds"][0])
    assert any("automated message" in m["content"] for m in fake.dm_messages(community.member))


async def test_the_cap_refuses_a_third_conversation_and_hand_over_reposts(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    clock: ManualClock,
) -> None:
    team = build_peer_team(fake, community)
    await runner.start()
    await setup_peers(fake, community, team)
    guild = fake.guild(community.guild_id)
    askers = [community.member, fake.add_user("riley"), fake.add_user("jo")]
    for user in askers[1:]:
        guild.add_member(user)
    await slash(fake, community, team.pat, "peers duty", state="on")
    for user in askers:
        await slash(fake, community, user, "support", channel_id=team.general)
    cards = take_cards(fake, team)
    assert len(cards) == 3
    for card in cards[:2]:
        assert "You're with them" in (await click(fake, community, team.pat, card, "Take it")).text
    third = await click(fake, community, team.pat, cards[2], "Take it")
    assert "already have 2 open conversations" in third.text
    assert requests(database)[2]["status"] == "waiting", "the third stays for someone else"

    first_thread = next(t for t in private_threads(fake, community) if t.name.endswith("#1"))
    stranger = await click(
        fake, community, community.member, intro(fake, first_thread.id), "Hand over"
    )
    assert "Only the peer supporter" in stranger.text
    handed = await click(fake, community, team.pat, intro(fake, first_thread.id), "Hand over")
    assert handed.ephemeral and "Handed over" in handed.text
    assert team.pat not in first_thread.thread_member_ids
    assert community.member in first_thread.thread_member_ids
    reposted = take_cards(fake, team)[-1]
    assert reposted["id"] not in {c["id"] for c in cards}, "a new card in the peer channel"
    assert "handed back" in str(reposted["embeds"][0])

    now_free = await click(fake, community, team.pat, cards[2], "Take it")
    assert "You're with them" in now_free.text, "handing over made room"
    await slash(fake, community, team.quinn, "peers duty", state="on")
    clock.advance(timedelta(minutes=2))
    picked_up = await click(fake, community, team.quinn, reposted, "Take it")
    assert f"<#{first_thread.id}>" in picked_up.text, "the same thread, a new supporter"
    assert first_thread.thread_member_ids == {fake.bot_user_id, community.member, team.quinn}
    first = requests(database)[0]
    assert first["first_taken_at"] < first["taken_at"], "the first response time is kept"


async def test_closing_sends_the_supporter_alone_a_private_check_in(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    team = build_peer_team(fake, community)
    bot = await runner.start()
    await setup_peers(fake, community, team)
    await slash(fake, community, team.pat, "peers duty", state="on")
    await slash(
        fake, community, community.member, "support", reason=REASON, channel_id=team.general
    )
    await click(fake, community, team.pat, take_cards(fake, team)[0], "Take it")
    [thread] = private_threads(fake, community)
    closed = await click(fake, community, community.member, intro(fake, thread.id), "Close")
    assert closed.ephemeral and "Closed" in closed.text
    assert "conversation is closed" in fake.channel_messages(thread.id)[-1]["content"]

    [debrief] = fake.dm_messages(team.pat)
    assert "How are you doing?" in debrief["content"]
    assert "cravings" not in debrief["content"], "the member's words stay in the thread"
    assert not any("How are you doing" in m["content"] for m in fake.dm_messages(community.member))
    for channel in (team.channel, community.mod_queue, team.general):
        assert not any("How are you doing" in str(m) for m in fake.channel_messages(channel))
    assert requests(database)[0]["debrief"] == "sent"

    await runner.restart(bot)
    assert len(fake.dm_messages(team.pat)) == 1, "a restart doesn't send it again"
    answer = await fake.click(None, team.pat, debrief, button(debrief, "I need a break"))
    await answer.wait_final()
    assert answer.ephemeral and "off duty" in answer.text
    with stored.connect(database) as conn:
        assert conn.execute("SELECT on_duty FROM peer_supporters").fetchall() == [(0,)]
    assert "break" not in str(requests(database)), "the answer is not kept"


async def test_check_in_ask_for_support_reaches_a_peer_without_the_check_in(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    team = build_peer_team(fake, community)
    await runner.start()
    await setup_peers(fake, community, team)
    await slash(fake, community, team.pat, "peers duty", state="on")
    ix = await checkin(
        fake, community, community.member, mood=1, craving=9, note="private words about today"
    )
    assert "asks a peer supporter" in ix.text
    ask = await click(fake, community, community.member, ix.final, "Ask for support")
    assert "someone will be with you soon" in ask.text
    [card] = take_cards(fake, team)
    said = everything_said(card)
    assert "private words" not in said and "craving" not in said.lower()


def ask_button_id(message: dict) -> str:
    [custom_id] = [
        b["custom_id"]
        for row in message["components"]
        for b in row["components"]
        if b.get("label") == "Ask for support"
    ]
    return str(custom_id)


async def test_check_in_offers_peers_only_while_the_peer_feature_runs(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    team = build_peer_team(fake, community)
    bot = await runner.start()
    await setup_peers(fake, community, team)
    assert bot.peer_support_running

    await bot.unload_extension("cogs.peers")
    assert not bot.peer_support_running
    without = await checkin(fake, community, community.member, mood=1)
    assert "asks a peer supporter" not in without.text
    assert ask_button_id(without.final) == f"hearth:support:{community.guild_id}", (
        "with nothing to answer the peer button, the ask goes to the moderators"
    )

    await bot.load_extension("cogs.peers")
    with_peers = await checkin(fake, community, team.pat, mood=1)
    assert "asks a peer supporter" in with_peers.text
    assert ask_button_id(with_peers.final) == f"hearth:peer-ask:{community.guild_id}"


async def test_stats_count_requests_and_conversations_never_words(
    fake: FakeDiscord, community: Community, runner: HearthRunner, clock: ManualClock
) -> None:
    team = build_peer_team(fake, community)
    await runner.start()
    await setup_peers(fake, community, team)
    await slash(fake, community, team.pat, "peers duty", state="on")
    await slash(fake, community, team.quinn, "peers duty", state="on")
    await slash(
        fake, community, community.member, "support", reason=REASON, channel_id=team.general
    )
    clock.advance(timedelta(minutes=3))
    await click(fake, community, team.pat, take_cards(fake, team)[0], "Take it")
    [thread] = private_threads(fake, community)
    await click(fake, community, team.pat, intro(fake, thread.id), "Hand over")
    clock.advance(timedelta(minutes=1))
    await click(fake, community, team.quinn, take_cards(fake, team)[-1], "Take it")
    stats = await slash(fake, community, community.moderator, "peers stats")
    print("\n--- /peers stats as a moderator sees it ---\n" + stats.text)  # for the closing note
    assert stats.ephemeral
    assert "Requests: 1 · taken by a peer: 1 · passed to moderators: 0" in stats.text
    assert "Time to first response (median): 3 min" in stats.text
    assert "Handovers: 1" in stats.text
    assert f"<@{team.quinn}>: 1 open · on duty" in stats.text
    assert f"<@{team.pat}>: 0 open · on duty" in stats.text
    assert "Last 7 days" in stats.text and "Last 30 days" in stats.text
    assert "cravings" not in stats.text
    refused = await slash(fake, community, community.member, "peers stats")
    assert "for moderators" in refused.text
