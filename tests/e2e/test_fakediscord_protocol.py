"""The fake Discord server itself: permissions, limits, gateway and sessions."""

from __future__ import annotations

import json

import aiohttp
import discord
import pytest

from tests.e2e.smoke_bot import (
    TOKEN,
    SmokeBot,
    World,
    eventually,
)
from tests.fakediscord import FakeDiscord, InteractionRefused
from tests.fakediscord.harness import patched_discord, running_bot
from tests.fakediscord.permissions import SEND_MESSAGES, VIEW_CHANNEL


@pytest.mark.asyncio
async def test_channel_permissions_are_enforced(world: World, bot: SmokeBot) -> None:
    fake, guild = world.fake, world.guild
    readonly = guild.add_text_channel(
        "announcements",
        overwrites=[{"id": guild.bot_role_id, "type": 0, "allow": "0", "deny": str(SEND_MESSAGES)}],
    )
    hidden = guild.add_text_channel(
        "staff",
        overwrites=[
            {"id": guild.id, "type": 0, "allow": "0", "deny": str(VIEW_CHANNEL)},
            {"id": world.alice, "type": 1, "allow": str(VIEW_CHANNEL), "deny": "0"},
        ],
    )
    await fake.send_message(world.checkins, world.bob, "sync point")  # CHANNEL_CREATEs landed

    await fake.slash(guild.id, world.alice, "announce", options={"channel": readonly})
    exc = await bot.result("announce")
    assert isinstance(exc, discord.Forbidden) and exc.code == 50013

    bot.result_events["announce"].clear()
    await fake.slash(guild.id, world.alice, "announce", options={"channel": hidden})
    exc = await bot.result("announce")
    assert isinstance(exc, discord.Forbidden) and exc.code == 50001

    bot.result_events["announce"].clear()
    await fake.slash(guild.id, world.alice, "announce", options={"channel": world.checkins})
    assert await bot.result("announce") is None
    assert fake.channel_messages(world.checkins)[-1]["content"] == "announcement"


@pytest.mark.asyncio
async def test_role_hierarchy_is_enforced(world: World, bot: SmokeBot) -> None:
    guild = bot.get_guild(world.guild.id)
    assert guild is not None
    member = await guild.fetch_member(world.bob)
    above = world.guild.add_role("Owner team", above_bot=True)
    await member.add_roles(discord.Object(world.moderator))  # already has it: still fine
    peer = world.guild.add_role("Peer supporter")
    await member.add_roles(discord.Object(peer))
    assert peer in world.guild.member(world.bob).role_ids
    with pytest.raises(discord.Forbidden) as raised:
        await member.add_roles(discord.Object(above))
    assert raised.value.code == 50013


@pytest.mark.asyncio
async def test_user_messages_reach_the_bot(world: World, bot: SmokeBot) -> None:
    await world.fake.send_message(world.checkins, world.bob, "feeling better today")
    await world.fake.send_dm(world.bob, "hi bot")
    await eventually(lambda: bot.seen_messages == ["feeling better today", "hi bot"])


@pytest.mark.asyncio
async def test_select_menus(world: World, bot: SmokeBot) -> None:
    fake = world.fake
    ix = await fake.slash(world.guild.id, world.alice, "mood")
    message = await ix.wait_final()
    picked = await fake.click(world.guild.id, world.alice, message, "mood:pick", values=["calm"])
    await picked.wait_response()
    assert picked.text == "Mood: calm"
    with pytest.raises(InteractionRefused, match="no option"):
        await fake.click(world.guild.id, world.alice, message, "mood:pick", values=["angry"])
    buddy = await fake.click(
        world.guild.id, world.alice, message, "mood:buddy", values=[str(world.bob)]
    )
    assert (await buddy.wait_response())["type"] == 6
    member = await bot.result("buddy")
    assert isinstance(member, discord.Member) and member.id == world.bob


@pytest.mark.asyncio
async def test_modal_with_label_components(world: World, bot: SmokeBot) -> None:
    opener = await world.fake.slash(world.guild.id, world.bob, "intake")
    await opener.wait_response()
    submit = await world.fake.submit_modal(
        world.guild.id, world.bob, "Intake", {"Name": "Bob", "Goal": ["sleep"]}
    )
    assert await bot.result("intake") == ("Bob", ["sleep"])
    assert (await submit.wait_final())["content"] == "Welcome!"


@pytest.mark.asyncio
async def test_context_menus(world: World, bot: SmokeBot) -> None:
    fake = world.fake
    posted = await fake.send_message(world.checkins, world.bob, "please help")
    ix = await fake.context_menu(
        world.guild.id, world.alice, "Report message", target_message=posted
    )
    await ix.wait_response()
    message = await bot.result("report_message")
    assert isinstance(message, discord.Message) and message.content == "please help"
    ix = await fake.context_menu(
        world.guild.id, world.alice, "Check on user", target_user=world.bob
    )
    await ix.wait_response()
    assert (await bot.result("check_on")).id == world.bob
    assert ix.text == "Checking on bob"


@pytest.mark.asyncio
async def test_threads_reactions_and_events(world: World, bot: SmokeBot) -> None:
    fake = world.fake
    ix = await fake.slash(world.guild.id, world.alice, "meeting", channel_id=world.checkins)
    assert "Meeting planned" in (await ix.wait_final())["content"]
    post, thread, event = await bot.result("meeting")
    assert thread.id == post.id and thread.parent_id == world.checkins
    assert [m["content"] for m in fake.channel_messages(thread.id)] == ["Agenda: check-ins"]
    stored = fake.message(post.id)
    assert stored is not None and stored["reactions"][0]["me"] is True
    assert event.status is discord.EventStatus.cancelled
    assert event.location == "Community hall"
    [stored_event] = world.guild.scheduled_events.values()
    assert stored_event["status"] == 4


@pytest.mark.asyncio
async def test_missing_message_content_intent_blanks_content() -> None:
    async with FakeDiscord(token=TOKEN) as fake:
        guild = fake.add_guild("Quiet")
        channel = guild.add_text_channel("general")
        carol = fake.add_user("carol")
        guild.add_member(carol)
        client = SmokeBot(guild.id, message_content=False)
        with patched_discord(fake):
            async with running_bot(client, fake):
                await fake.send_message(channel, carol, "private words")
                await fake.send_message(channel, carol, f"<@{fake.bot_user_id}> hi")
                await eventually(lambda: len(client.seen_messages) == 2)
        assert fake.internal_errors == []
    assert client.seen_messages == ["", f"<@{fake.bot_user_id}> hi"]


@pytest.mark.asyncio
async def test_disconnect_then_resume(world: World, bot: SmokeBot) -> None:
    fake = world.fake
    [session_id] = await fake.disconnect_bot()
    # Sent while the bot is offline: must be replayed on RESUME.
    await fake.send_message(world.checkins, world.bob, "while you were away")
    session = await fake.wait_until_ready()
    assert session.session_id == session_id and session.resume_count == 1
    assert fake.connection_count == 2
    ix = await fake.slash(world.guild.id, world.alice, "ping")
    assert (await ix.wait_final())["content"] == "pong"
    await eventually(lambda: "while you were away" in bot.seen_messages)


@pytest.mark.asyncio
async def test_second_bot_after_first_closed(world: World) -> None:
    fake = world.fake
    first = SmokeBot(world.guild.id)
    async with running_bot(first, fake):
        await fake.wait_until_ready()
        ix = await fake.slash(world.guild.id, world.alice, "ping")
        await ix.wait_final()
    ping_id = next(c["id"] for c in fake.commands() if c["name"] == "ping")

    second = SmokeBot(world.guild.id)
    async with running_bot(second, fake):
        session = await fake.wait_until_ready()
        # A fresh IDENTIFY, not a RESUME of the first bot's session.
        assert session.resume_count == 0
        assert fake.gateway_sessions[-1].session_id == session.session_id
        assert fake.sessions == 2 and fake.gateway_sessions[0].connected is False
        assert next(c["id"] for c in fake.commands() if c["name"] == "ping") == ping_id
        ix = await fake.slash(world.guild.id, world.bob, "ping")
        assert (await ix.wait_final())["content"] == "pong"
    assert len(fake.command_syncs) == 4


@pytest.mark.asyncio
async def test_message_limits_answer_invalid_form_body(world: World) -> None:
    fake = world.fake
    url = f"{fake.api_base}/channels/{world.checkins}/messages"
    headers = {"Authorization": f"Bot {TOKEN}"}
    button = {"type": 2, "style": 1, "label": "ok", "custom_id": "b"}
    cases = [
        # (body, field holding the error, Discord error code inside the field)
        (
            {"embeds": [{"title": "t", "description": "d" * 4096}, {"description": "d" * 2000}]},
            "embeds",
            "MAX_EMBED_SIZE_EXCEEDED",
        ),
        (
            {
                "components": [
                    {"type": 1, "components": [{**button, "custom_id": f"b{i}"} for i in range(6)]}
                ]
            },
            "components",
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
        ),
        (
            {"components": [{"type": 1, "components": [button, button]}]},
            "components",
            "COMPONENT_CUSTOM_ID_DUPLICATED",
        ),
    ]
    async with aiohttp.ClientSession() as session:
        for body, field, code in cases:
            async with session.post(url, json=body, headers=headers) as resp:
                assert resp.status == 400
                error = await resp.json()
                assert error["code"] == 50035
                assert code in json.dumps(error["errors"][field])
        async with session.post(url, json={"content": ""}, headers=headers) as resp:
            assert (await resp.json())["code"] == 50006
    since = len(fake.requests) - 1
    record = await fake.wait_for_request("POST", r"/channels/\d+/messages", since=since)
    assert record.json == {"content": ""} and record.status == 400


@pytest.mark.asyncio
async def test_bad_token_is_unauthorized(world: World) -> None:
    fake = world.fake
    async with aiohttp.ClientSession() as session:
        async with session.get(
            fake.api_base + "/users/@me", headers={"Authorization": "Bot wrong"}
        ) as resp:
            assert resp.status == 401
            assert resp.headers["Content-Type"] == "application/json"
            assert await resp.json() == {"message": "401: Unauthorized", "code": 0}
        async with session.get(
            fake.api_base + "/no/such/route", headers={"Authorization": f"Bot {TOKEN}"}
        ) as resp:
            assert resp.status == 404
    client = discord.Client(intents=discord.Intents.default())
    with pytest.raises(discord.LoginFailure):
        await client.login("wrong")
    await client.close()
    assert [r.status for r in fake.requests] == [401, 404, 401]


@pytest.mark.asyncio
async def test_no_bot_connected_raises(world: World) -> None:
    world.fake.state.commands.overwrite("global", [{"name": "ping", "description": "Pong"}])
    with pytest.raises(RuntimeError, match="no bot is connected"):
        await world.fake.slash(world.guild.id, world.alice, "ping")
