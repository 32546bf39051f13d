"""Discord's count limits that bite real servers: embeds, fields and action rows per message,
pins per channel, scheduled events and roles per guild, reactions per message."""

from __future__ import annotations

import datetime
import json

import aiohttp
import discord
import pytest

from tests.e2e.smoke_bot import TOKEN, SmokeBot, World
from tests.fakediscord.harness import running_bot
from tests.fakediscord.permissions import PIN_MESSAGES
from tests.fakediscord.rest_pins import MAX_PINS

BOT_AUTH = {"Authorization": f"Bot {TOKEN}"}


def _embed(fields: int = 0) -> dict[str, object]:
    return {
        "title": "t",
        "fields": [{"name": f"n{i}", "value": "v"} for i in range(fields)],
    }


def _rows(count: int) -> list[dict[str, object]]:
    button = {"type": 2, "style": 1, "label": "ok"}
    return [{"type": 1, "components": [{**button, "custom_id": f"b{i}"}]} for i in range(count)]


@pytest.mark.asyncio
async def test_embeds_fields_and_action_rows_have_discords_limits(world: World) -> None:
    url = f"{world.fake.api_base}/channels/{world.checkins}/messages"
    at_limit = {"embeds": [_embed(25)] + [_embed() for _ in range(9)], "components": _rows(5)}
    over = [
        ({"embeds": [_embed() for _ in range(11)]}, ["embeds"]),
        ({"embeds": [_embed(26)]}, ["embeds", "0", "fields"]),
        ({"content": "x", "components": _rows(6)}, ["components"]),
    ]
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=at_limit, headers=BOT_AUTH) as resp:
            assert resp.status == 200
        for body, path in over:
            async with session.post(url, json=body, headers=BOT_AUTH) as resp:
                assert resp.status == 400
                error = await resp.json()
            assert error["code"] == 50035
            node = error["errors"]
            for key in path:
                node = node[key]
            assert node["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH", json.dumps(error)
    assert len(world.fake.channel_messages(world.checkins)) == 1


@pytest.mark.asyncio
async def test_fifty_pins_per_channel(world: World, bot: SmokeBot) -> None:
    fake = world.fake
    posted = [await fake.send_message(world.checkins, world.bob, f"m{i}") for i in range(51)]
    channel = bot.get_partial_messageable(world.checkins)
    first = channel.get_partial_message(int(posted[0]["id"]))
    with pytest.raises(discord.Forbidden) as raised:
        await first.pin()  # the bot's role has neither Pin Messages nor Manage Messages
    assert raised.value.code == 50013

    world.guild.role(world.guild.bot_role_id).permissions |= PIN_MESSAGES
    for message in posted[:MAX_PINS]:
        await channel.get_partial_message(int(message["id"])).pin()
    last = channel.get_partial_message(int(posted[MAX_PINS]["id"]))
    with pytest.raises(discord.HTTPException) as raised:
        await last.pin()
    assert raised.value.status == 400 and raised.value.code == 30003

    pins = [m async for m in bot.get_channel(world.checkins).pins()]  # type: ignore[union-attr]
    assert [m.content for m in pins] == [f"m{i}" for i in reversed(range(MAX_PINS))]
    notices = [m for m in fake.channel_messages(world.checkins) if m["type"] == 6]
    assert len(notices) == MAX_PINS  # "Hearth pinned a message to this channel."
    assert notices[0]["message_reference"]["message_id"] == posted[0]["id"]

    await first.unpin()
    await last.pin()  # a slot came free
    await fake.delete_message(int(posted[1]["id"]))  # deleting a pinned message unpins it
    await channel.get_partial_message(int(posted[0]["id"])).pin()
    assert len(fake.state.pins[world.checkins]) == MAX_PINS
    assert fake.message(int(posted[MAX_PINS]["id"]))["pinned"] is True  # type: ignore[index]


@pytest.mark.asyncio
async def test_a_hundred_uncompleted_scheduled_events_per_guild(
    world: World, bot: SmokeBot
) -> None:
    fake = world.fake
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    body = {
        "name": "Meeting",
        "privacy_level": 2,
        "entity_type": 3,
        "entity_metadata": {"location": "Hall"},
        "scheduled_start_time": start.isoformat(),
        "scheduled_end_time": (start + datetime.timedelta(hours=1)).isoformat(),
    }
    url = f"{fake.api_base}/guilds/{world.guild.id}/scheduled-events"
    async with aiohttp.ClientSession() as session:
        ids = []
        for _ in range(100):
            async with session.post(url, json=body, headers=BOT_AUTH) as resp:
                assert resp.status == 200
                ids.append(int((await resp.json())["id"]))

    guild = bot.get_guild(world.guild.id)
    assert guild is not None

    async def create() -> discord.ScheduledEvent:
        return await guild.create_scheduled_event(
            name="One more",
            start_time=start,
            end_time=start + datetime.timedelta(hours=1),
            entity_type=discord.EntityType.external,
            location="Hall",
            privacy_level=discord.PrivacyLevel.guild_only,
        )

    with pytest.raises(discord.HTTPException) as raised:
        await create()
    assert raised.value.code == 30038
    cancelled = await guild.fetch_scheduled_event(ids[0])
    await cancelled.cancel()  # a cancelled event no longer counts
    assert (await create()).name == "One more"


@pytest.mark.asyncio
async def test_two_hundred_and_fifty_roles_per_guild(world: World) -> None:
    guild = world.guild
    while len(guild.roles) < 249:  # @everyone counts, as on Discord
        guild.add_role("r")  # before the bot connects: no per-role events to send
    client = SmokeBot(guild.id)
    async with running_bot(client, world.fake):
        cached = client.get_guild(guild.id)
        assert cached is not None and len(cached.roles) == 249
        assert (await cached.create_role(name="the last one")).name == "the last one"
        with pytest.raises(discord.HTTPException) as raised:
            await cached.create_role(name="one too many")
    assert raised.value.code == 30005
    assert len(guild.roles) == 250


@pytest.mark.asyncio
async def test_twenty_distinct_reactions_per_message(world: World, bot: SmokeBot) -> None:
    posted = await world.fake.send_message(world.checkins, world.bob, "react to me")
    message = bot.get_partial_messageable(world.checkins).get_partial_message(int(posted["id"]))
    emojis = [chr(0x1F600 + i) for i in range(21)]
    for emoji in emojis[:20]:
        await message.add_reaction(emoji)
    with pytest.raises(discord.HTTPException) as raised:
        await message.add_reaction(emojis[20])
    assert raised.value.code == 30010
    await world.fake.add_reaction(int(posted["id"]), world.alice, emojis[0])  # joining is fine
    stored = world.fake.message(int(posted["id"]))
    assert stored is not None and len(stored["reactions"]) == 20
