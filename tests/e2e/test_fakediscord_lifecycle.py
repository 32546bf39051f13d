"""Guild lifecycle and the errors it leads to: outages, the bot removed and added back, members
leaving, channels and messages deleted under the bot's feet."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest

from tests.e2e.smoke_bot import SmokeBot, World, eventually
from tests.fakediscord import InteractionRefused
from tests.fakediscord.fault_log import BOT_ADDED, BOT_REMOVED, GUILD_OUTAGE, GUILD_RETURNED
from tests.fakediscord.harness import running_bot


def _expect(bot: SmokeBot, event: str) -> asyncio.Task[Any]:
    """Start waiting for a discord.py event before causing it."""
    return asyncio.create_task(bot.wait_for(event, timeout=5.0))


@pytest.mark.asyncio
async def test_a_guild_outage_and_its_return(world: World, bot: SmokeBot) -> None:
    fake, guild_id = world.fake, world.guild.id
    unavailable = _expect(bot, "guild_unavailable")
    fake.guild_outage(guild_id)
    assert (await unavailable).id == guild_id
    cached = bot.get_guild(guild_id)
    assert cached is not None and cached.unavailable

    with pytest.raises(discord.DiscordServerError) as raised:
        await bot.get_partial_messageable(world.checkins).send("anyone there?")
    assert raised.value.status == 503
    with pytest.raises(discord.DiscordServerError):
        await bot.fetch_guild(guild_id)
    with pytest.raises(RuntimeError, match="outage"):
        await fake.slash(guild_id, world.alice, "ping")
    # Changes during the outage send no events; the returning GUILD_CREATE carries them.
    news = world.guild.add_text_channel("news")
    sessions_frames = [frame for _, frame in fake.gateway_sessions[0].backlog]
    assert not any(str(news) in frame for frame in sessions_frames)

    available = _expect(bot, "guild_available")
    fake.guild_returns(guild_id)
    returned = await available
    assert returned.id == guild_id and not returned.unavailable
    assert returned.get_channel(news) is not None
    await bot.get_partial_messageable(world.checkins).send("back again")
    assert fake.channel_messages(world.checkins)[-1]["content"] == "back again"
    kinds = [(e.kind, e.target) for e in fake.fault_log]
    assert kinds == [(GUILD_OUTAGE, str(guild_id)), (GUILD_RETURNED, str(guild_id))]


@pytest.mark.asyncio
async def test_a_bot_starting_during_an_outage_sees_the_guild_unavailable(world: World) -> None:
    fake, guild_id = world.fake, world.guild.id
    fake.guild_outage(guild_id)
    client = SmokeBot(guild_id)
    async with running_bot(client, fake):
        cached = client.get_guild(guild_id)
        assert cached is not None and cached.unavailable
        available = _expect(client, "guild_available")
        fake.guild_returns(guild_id)
        assert (await available).name == "Recovery Circle"


@pytest.mark.asyncio
async def test_the_bot_removed_from_a_guild_and_added_back(world: World, bot: SmokeBot) -> None:
    fake, guild_id = world.fake, world.guild.id
    removed = _expect(bot, "guild_remove")
    fake.remove_bot_from_guild(guild_id)
    assert (await removed).id == guild_id
    assert bot.get_guild(guild_id) is None

    with pytest.raises(discord.Forbidden) as forbidden:
        await bot.get_partial_messageable(world.checkins).send("still here?")
    assert forbidden.value.code == 50001
    with pytest.raises(discord.Forbidden) as forbidden:
        await bot.fetch_guild(guild_id)
    assert forbidden.value.code == 50001
    with pytest.raises(discord.NotFound) as unknown:
        await bot.fetch_guild(guild_id + 1)  # never existed
    assert unknown.value.code == 10004
    # Members still talk there, but the bot no longer hears them.
    await fake.send_message(world.checkins, world.bob, "the bot left")
    frames = [frame for _, frame in fake.gateway_sessions[0].backlog]
    assert not any("the bot left" in frame for frame in frames)

    joined = _expect(bot, "guild_join")
    fake.add_bot_to_guild(guild_id)
    guild = await joined
    assert guild.id == guild_id and guild.me.top_role.managed
    await bot.get_partial_messageable(world.checkins).send("hello again")
    assert fake.channel_messages(world.checkins)[-1]["content"] == "hello again"
    assert [e.kind for e in fake.fault_log] == [BOT_REMOVED, BOT_ADDED]


@pytest.mark.asyncio
async def test_a_member_leaving(world: World) -> None:
    fake, guild = world.fake, world.guild
    carol = fake.add_user("carol")
    guild.add_member(carol)
    posted = await fake.send_message(world.checkins, world.bob, "hi all")
    client = SmokeBot(guild.id, members=True)
    async with running_bot(client, fake):
        left = _expect(client, "raw_member_remove")
        guild.remove_member(carol)
        event = await left
        assert (event.guild_id, event.user.id) == (guild.id, carol)
        cached = client.get_guild(guild.id)
        assert cached is not None
        with pytest.raises(discord.NotFound) as raised:
            await cached.fetch_member(carol)
        assert raised.value.code == 10007
        user = await client.fetch_user(carol)
        with pytest.raises(discord.Forbidden) as raised:
            await user.send("we miss you")  # no guild shared any more
        assert raised.value.code == 50007
    # The member sees nothing of the guild any more.
    with pytest.raises(InteractionRefused):
        await fake.slash(guild.id, carol, "ping", channel_id=world.checkins)
    with pytest.raises(InteractionRefused):
        await fake.send_message(world.checkins, carol, "hello?")
    with pytest.raises(InteractionRefused):
        await fake.add_reaction(int(posted["id"]), carol, "\N{THUMBS UP SIGN}")
    assert guild.permissions_of(carol, world.checkins) == 0


@pytest.mark.asyncio
async def test_no_member_remove_without_the_members_intent(world: World, bot: SmokeBot) -> None:
    fake, guild = world.fake, world.guild
    guild.remove_member(world.bob)
    await fake.send_message(world.checkins, world.alice, "barrier")  # sent after the removal
    await eventually(lambda: "barrier" in bot.seen_messages)
    frames = [frame for _, frame in fake.gateway_sessions[0].backlog]
    assert not any('"GUILD_MEMBER_REMOVE"' in frame for frame in frames)
    with pytest.raises(discord.NotFound) as raised:
        await bot.http.get_member(guild.id, world.bob)
    assert raised.value.code == 10007


@pytest.mark.asyncio
async def test_deleted_channels_and_messages_answer_unknown(world: World, bot: SmokeBot) -> None:
    fake, guild = world.fake, world.guild
    doomed = guild.add_text_channel("doomed")
    note = await bot.get_partial_messageable(world.checkins).send("a note")
    gone = _expect(bot, "guild_channel_delete")
    guild.delete_channel(doomed)
    assert (await gone).id == doomed
    with pytest.raises(discord.NotFound) as raised:
        await bot.get_partial_messageable(doomed).send("into the void")
    assert raised.value.code == 10003

    await fake.delete_message(note.id)  # a moderator removes the bot's note
    with pytest.raises(discord.NotFound) as raised:
        await note.edit(content="an edit")
    assert raised.value.code == 10008
    with pytest.raises(discord.NotFound) as raised:
        await note.add_reaction("\N{THUMBS UP SIGN}")
    assert raised.value.code == 10008
    assert fake.message(note.id) is None
