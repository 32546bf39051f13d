"""The fake's private threads: only members added to one (and Manage Threads) can see it."""

from __future__ import annotations

import discord
import pytest

from tests.e2e.smoke_bot import SmokeBot, World
from tests.fakediscord import InteractionRefused
from tests.fakediscord.permissions import CREATE_PRIVATE_THREADS, MANAGE_THREADS, VIEW_CHANNEL


async def _private_thread(world: World, bot: SmokeBot) -> discord.Thread:
    world.guild.roles[world.guild.bot_role_id].permissions |= CREATE_PRIVATE_THREADS
    channel = bot.get_channel(world.checkins)
    assert isinstance(channel, discord.TextChannel)
    return await channel.create_thread(
        name="a quiet word", type=discord.ChannelType.private_thread, invitable=False
    )


@pytest.mark.asyncio
async def test_adding_and_removing_a_member_opens_and_closes_a_private_thread(
    world: World, bot: SmokeBot
) -> None:
    fake, guild = world.fake, world.guild
    thread = await _private_thread(world, bot)
    assert fake.channel(thread.id).thread_member_ids == {fake.bot_user_id}
    assert guild.permissions_of(world.bob, thread.id) == 0, "not added: not visible"
    with pytest.raises(InteractionRefused):
        await fake.send_message(thread.id, world.bob, "hello?")

    await thread.add_user(discord.Object(world.bob))
    assert fake.channel(thread.id).thread_member_ids == {fake.bot_user_id, world.bob}
    assert guild.permissions_of(world.bob, thread.id) & VIEW_CHANNEL
    await fake.send_message(thread.id, world.bob, "thanks for this")
    update = await fake.wait_for_request(
        "PUT", rf"/channels/{thread.id}/thread-members/{world.bob}"
    )
    assert update.status == 204

    await thread.remove_user(discord.Object(world.bob))
    assert world.bob not in fake.channel(thread.id).thread_member_ids
    assert guild.permissions_of(world.bob, thread.id) == 0


@pytest.mark.asyncio
async def test_manage_threads_sees_every_private_thread(world: World, bot: SmokeBot) -> None:
    thread = await _private_thread(world, bot)
    staff = world.guild.add_role("Thread keepers", permissions=MANAGE_THREADS | VIEW_CHANNEL)
    keeper = world.fake.add_user("keeper")
    world.guild.add_member(keeper, roles=[staff])
    assert world.guild.permissions_of(keeper, thread.id) & VIEW_CHANNEL
    assert keeper not in world.fake.channel(thread.id).thread_member_ids


@pytest.mark.asyncio
async def test_thread_member_refusals(world: World, bot: SmokeBot) -> None:
    thread = await _private_thread(world, bot)
    stranger = world.fake.add_user("stranger")  # not in the server
    with pytest.raises(discord.NotFound) as unknown:
        await thread.add_user(discord.Object(stranger))
    assert unknown.value.code == 10007

    channel = bot.get_channel(world.checkins)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as not_thread:
        await bot.http.add_user_to_thread(channel.id, world.bob)
    assert not_thread.value.code == 50024

    # A public thread: only Manage Threads may take someone out of it.
    public = await channel.create_thread(name="open", type=discord.ChannelType.public_thread)
    await public.add_user(discord.Object(world.bob))
    with pytest.raises(discord.Forbidden) as refused:
        await public.remove_user(discord.Object(world.bob))
    assert refused.value.code == 50013
