"""Setting up peer support, and the guards around it: a private peer channel, duty and weekly
hours, kind refusals, and buttons that still work after a restart."""

from __future__ import annotations

from pathlib import Path

from tests.e2e import stored
from tests.e2e.harness import Community, HearthRunner, answered
from tests.e2e.peer_helpers import (
    build_peer_team,
    click,
    private_threads,
    queue_cards,
    setup_peers,
    slash,
    take_cards,
)
from tests.fakediscord import FakeDiscord


def peer_settings(database: Path | str) -> tuple[int | None, int | None]:
    with stored.connect(database) as conn:
        row = conn.execute("SELECT peer_role_id, peer_channel_id FROM guild_config").fetchone()
    return (row[0], row[1]) if row else (None, None)


async def test_setup_refuses_a_peer_channel_members_can_read(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    team = build_peer_team(fake, community)
    await runner.start()
    guild = fake.guild(community.guild_id)
    public = await fake.slash(
        community.guild_id,
        community.admin,
        "hearth setup",
        options={"peer_role": team.role, "peer_channel": team.general},
    )
    await answered(public)
    assert (
        public.ephemeral and "isn't private" in public.text and "Nothing was saved" in public.text
    )
    everyone = await slash(fake, community, community.admin, "hearth setup", peer_role=guild.id)
    assert "not @everyone" in everyone.text
    alone = await slash(fake, community, community.admin, "hearth setup", peer_channel=team.channel)
    assert "Choose the peer supporter role too" in alone.text
    assert peer_settings(database) == (None, None), "nothing was saved"

    await setup_peers(fake, community, team)
    assert peer_settings(database) == (team.role, team.channel)
    status = await slash(fake, community, community.admin, "hearth status")
    assert "only peer supporters and moderators" in status.text
    assert "Create Private Threads: all good" in status.text

    # Later someone opens the channel up: requests go to the moderators, and status says why.
    guild.set_overwrites(team.channel, [])
    await slash(fake, community, team.pat, "peers duty", state="on")
    ask = await slash(fake, community, community.member, "support", channel_id=team.general)
    assert "No peer supporter is free right now" in ask.text
    assert take_cards(fake, team) == [] and len(queue_cards(fake, community)) == 1
    status = await slash(fake, community, community.admin, "hearth status")
    assert "support requests go to the moderators instead" in status.text


async def test_duty_hours_and_kind_refusals(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    team = build_peer_team(fake, community)
    await runner.start()
    early = await slash(fake, community, team.pat, "peers duty", state="on")
    assert early.ephemeral and "isn't set up" in early.text
    await setup_peers(fake, community, team)
    not_a_peer = await slash(fake, community, community.member, "peers duty", state="on")
    assert not_a_peer.ephemeral and f"<@&{team.role}>" in not_a_peer.text

    unreadable = await slash(
        fake, community, team.pat, "peers hours", days="someday", start="18:00", end="22:00"
    )
    assert unreadable.ephemeral and "couldn't read “someday”" in unreadable.text
    half = await slash(fake, community, team.pat, "peers hours", days="weekdays")
    assert "together" in half.text
    bad_time = await slash(
        fake, community, team.pat, "peers hours", days="weekdays", start="25:00", end="22:00"
    )
    assert "isn't a time I understand" in bad_time.text

    # It's Sunday noon (UTC): weekday evenings don't include now.
    hours = await slash(
        fake, community, team.pat, "peers hours", days="mon-fri", start="18:00", end="22:00"
    )
    assert "weekdays, 18:00–22:00 (UTC)" in hours.text and "/profile timezone" in hours.text
    on = await slash(fake, community, team.pat, "peers duty", state="on")
    assert "weekdays, 18:00–22:00" in on.text
    ask = await slash(fake, community, community.member, "support", channel_id=team.general)
    assert "No peer supporter is free right now" in ask.text, "outside their hours"

    cleared = await slash(fake, community, team.pat, "peers hours", clear=True)
    assert "whenever you're on duty" in cleared.text
    long_reason = await slash(fake, community, community.admin, "support", reason="x" * 300)
    assert "someone will be with you soon" in long_reason.text
    own = await click(fake, community, team.pat, take_cards(fake, team)[0], "Take it")
    assert "You're with them" in own.text
    off = await slash(fake, community, team.pat, "peers duty", state="off")
    assert "You still have 1 open conversation" in off.text


async def test_buttons_keep_working_after_a_restart(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    team = build_peer_team(fake, community)
    bot = await runner.start()
    await setup_peers(fake, community, team)
    await slash(fake, community, team.pat, "peers duty", state="on")
    await slash(fake, community, community.member, "support", channel_id=team.general)
    [card] = take_cards(fake, team)
    bot = await runner.restart(bot)
    taken = await click(fake, community, team.pat, card, "Take it")
    [thread] = private_threads(fake, community)
    assert f"<#{thread.id}>" in taken.text
    await runner.restart(bot)
    opening = [m for m in fake.channel_messages(thread.id) if m.get("components")][-1]
    moderator = await click(fake, community, community.member, opening, "Involve a moderator")
    assert "the moderators know" in moderator.text
    [flag_card] = queue_cards(fake, community)
    assert f"<#{thread.id}>" in str(flag_card["embeds"][0]), "a link to the conversation"
    again = await click(fake, community, team.pat, opening, "Involve a moderator")
    assert "already know" in again.text
    assert "asked the moderators to join" in fake.channel_messages(thread.id)[-1]["content"]
