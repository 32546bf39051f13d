"""Anonymous shares end to end: the author is nowhere in the public post, moderators see them
on a report or a detection, only the author takes a share down, and shares are rate-limited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e import stored
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, HearthRunner
from tests.e2e.peer_helpers import click, labels, queue_cards, slash
from tests.fakediscord import FakeDiscord

# An ordinary share: the flow is under test here, not the detector, whose false alarms are
# measured in tests/unit/test_crisis_goals.py.
WORDS = "Ninety days today. Some days are still hard, but this group helps more than you know."


def shares(fake: FakeDiscord, channel: int) -> list[dict[str, Any]]:
    return [
        m
        for m in fake.channel_messages(channel)
        if m.get("embeds") and m["embeds"][0].get("title") == "A member shared:"
    ]


async def setup_shares(fake: FakeDiscord, community: Community) -> int:
    channel = fake.guild(community.guild_id).add_text_channel("sharing-circle")
    await setup_guild(
        fake,
        community,
        mod_queue_channel=community.mod_queue,
        moderator_role=community.moderator_role,
        share_channel=channel,
        helpline_country="US",
    )
    return channel


async def test_a_share_hides_its_author_who_moderators_see_on_a_report(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    await runner.start()
    channel = await setup_shares(fake, community)
    member = community.member
    posted = await slash(fake, community, member, "share", text=WORDS)
    assert posted.ephemeral and "Shared anonymously" in posted.text

    [share] = shares(fake, channel)
    assert share["embeds"][0]["description"] == WORDS
    assert share["author"]["id"] == str(fake.bot_user_id)
    public = str(share)
    username = fake.user(member).username
    assert str(member) not in public and username not in public, "the author is nowhere in it"
    assert labels(share) == ["Report", "Take down"]
    thread = fake.channel(int(share["id"]))
    assert thread.is_thread and thread.name == "Replies", "members can reply in a thread"
    await fake.send_message(thread.id, community.admin, "You're not alone in this. 💛")
    assert queue_cards(fake, community) == [], "nothing worrying in it"

    not_author = await click(fake, community, community.admin, share, "Take down")
    assert "Only the person who shared this" in not_author.text
    assert shares(fake, channel), "still there"

    report = await click(fake, community, community.admin, share, "Report")
    assert report.ephemeral and "nobody is told who reported" in report.text
    [card] = queue_cards(fake, community)
    text = str(card["embeds"][0])
    assert f"About <@{member}>" in text, "moderators see who shared it"
    assert "anonymous share" in text and f"<@{community.admin}>" in text
    with stored.connect(database) as conn:
        [(flag_id, author, message_id)] = conn.execute(
            "SELECT id, user_id, message_id FROM flags"
        ).fetchall()
    assert author == member and message_id == int(share["id"]), "the audit keeps the author"
    history = await slash(fake, community, community.moderator, "modqueue show", flag=flag_id)
    assert f"created by <@{community.admin}>" in history.text
    assert str(member) not in str(shares(fake, channel)), "the report changed nothing public"

    removed = await click(fake, community, member, share, "Take down")
    assert removed.ephemeral and "taken down" in removed.text
    assert shares(fake, channel) == []


async def test_crisis_words_in_a_share_reach_the_author_privately_and_moderators_by_name(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    await runner.start()
    channel = await setup_shares(fake, community)
    await slash(
        fake, community, community.member, "share", text="i am going to kill myself tonight"
    )
    # The private reply is sent after the flag and its card are in place.
    await fake.wait_for_request(
        "POST", r"/channels/\d+/messages", predicate=lambda r: "automated" in str(r.json)
    )
    [share] = shares(fake, channel)
    assert str(community.member) not in str(share)
    [card] = queue_cards(fake, community)
    assert f"About <@{community.member}>" in str(card["embeds"][0])
    [reply] = fake.dm_messages(community.member)
    assert "automated message" in reply["content"]


async def test_shares_are_rate_limited_refuse_bad_input_and_can_be_turned_off(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    await runner.start()
    channel = await setup_shares(fake, community)
    blank = await slash(fake, community, community.member, "share", text="    ")
    assert blank.ephemeral and "nothing to share" in blank.text
    for number in range(3):
        await slash(fake, community, community.member, "share", text=f"share number {number}")
    fourth = await slash(fake, community, community.member, "share", text="one more")
    assert fourth.ephemeral and "shared 3 times in the last day" in fourth.text
    assert len(shares(fake, channel)) == 3
    other = await slash(fake, community, community.admin, "share", text="mine is fine")
    assert "Shared anonymously" in other.text, "the limit is per member"

    off = await slash(fake, community, community.admin, "peers settings", anonymous_shares=False)
    assert "anonymous shares are off" in off.text
    refused = await slash(fake, community, community.moderator, "share", text="hello")
    assert refused.ephemeral and "aren't turned on" in refused.text
    assert len(shares(fake, channel)) == 4
    not_admin = await slash(
        fake, community, community.member, "peers settings", anonymous_shares=True
    )
    assert "Manage Server" in not_admin.text
