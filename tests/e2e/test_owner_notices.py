"""The owner's notice about a broken moderator queue goes out once per problem: a stop right
after it reached Discord doesn't repeat it, and a stop before it left doesn't lose it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import discord

from tests.e2e.crisis_helpers import configure_queue, settled
from tests.e2e.harness import Community, HearthRunner
from tests.e2e.process_helpers import query, until
from tests.fakediscord import FakeDiscord

CRISIS = "i want to kill myself tonight"
NOTICE = "couldn't post flags"


def break_the_queue(fake: FakeDiscord, community: Community) -> None:
    """Hearth may read the queue but no longer post there: a lasting refusal."""
    guild = fake.guild(community.guild_id)
    overwrites = list(fake.channel(community.mod_queue).overwrites)
    overwrites.append(
        {
            "id": str(guild.bot_role_id),
            "type": 0,
            "allow": str(discord.Permissions(view_channel=True).value),
            "deny": str(discord.Permissions(send_messages=True).value),
        }
    )
    guild.set_overwrites(community.mod_queue, overwrites)


def owner_notices(fake: FakeDiscord, community: Community) -> list[str]:
    owner = fake.guild(community.guild_id).owner_id
    return [m["content"] for m in fake.dm_messages(owner) if NOTICE in m["content"]]


async def stop_while_the_notice_is_held(
    fake: FakeDiscord, community: Community, runner: HearthRunner, *, applied: bool
) -> None:
    """The notice's request is held by Discord (carried out first when `applied`), and Hearth
    stops before it hears back."""
    bot = await runner.start()
    await configure_queue(fake, community)
    general = fake.guild(community.guild_id).add_text_channel("general")
    owner_dm = fake.state.open_dm(fake.guild(community.guild_id).owner_id).id
    hold = fake.faults.timeout("POST", rf"/channels/{owner_dm}/messages", hold=30, applied=applied)
    break_the_queue(fake, community)
    await fake.send_message(general, community.member, CRISIS)
    await until(lambda: fake.faults.holding, "the owner's notice on its way")
    stopping = asyncio.create_task(runner.stop(bot))
    await until(lambda: not bot.is_ready() or bot.is_closed(), "Hearth stopping")
    fake.faults.release()
    await stopping
    assert hold.served == 1


async def test_a_stop_right_after_the_notice_reached_discord_does_not_repeat_it(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path
) -> None:
    await stop_while_the_notice_is_held(fake, community, runner, applied=True)
    assert len(owner_notices(fake, community)) == 1, "it reached Discord; Hearth never heard"
    assert len(query(database, "SELECT key FROM owed_deliveries")) == 1

    await runner.start()
    await until(
        lambda: query(database, "SELECT key FROM owed_deliveries") == [], "the debt settled"
    )
    assert len(owner_notices(fake, community)) == 1, "found in the DM's history, not resent"
    [(status,)] = query(database, "SELECT status FROM deliveries WHERE key LIKE 'queue-notice:%'")
    assert status == "sent"

    # The problem goes on: new flags are kept, and the owner isn't told again.
    general = fake.guild(community.guild_id).channel_id("general")
    await fake.send_message(general, community.member, "i am going to end my life")
    await settled(fake, community)
    assert len(owner_notices(fake, community)) == 1


async def test_a_stop_before_the_notice_left_does_not_lose_it(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path
) -> None:
    await stop_while_the_notice_is_held(fake, community, runner, applied=False)
    assert owner_notices(fake, community) == [], "nothing reached Discord"

    bot = await runner.start()
    await until(
        lambda: query(database, "SELECT key FROM owed_deliveries") == [], "the debt settled"
    )
    [notice] = owner_notices(fake, community)
    assert "Hearth is missing permissions there" in notice
    await runner.restart(bot)
    await settled(fake, community)
    assert len(owner_notices(fake, community)) == 1, "once, across every restart"
