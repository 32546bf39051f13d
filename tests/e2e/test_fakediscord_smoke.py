"""The fake Discord server itself: the real discord.py client against it (interactions)."""

from __future__ import annotations

import aiohttp
import discord
import pytest

from tests.e2e.smoke_bot import (
    SmokeBot,
    World,
)
from tests.fakediscord import InteractionRefused


@pytest.mark.asyncio
async def test_login_ready_and_command_sync(world: World, bot: SmokeBot) -> None:
    fake = world.fake
    assert bot.user is not None and bot.user.id == fake.bot_user_id
    guild = bot.get_guild(world.guild.id)
    assert guild is not None and guild.name == "Recovery Circle"
    assert guild.get_channel(world.checkins) is not None
    assert guild.me.guild_permissions.manage_roles
    me = await fake.wait_for_request("GET", "/users/@me")
    assert me.authorized and me.status == 200
    scopes = [scope for scope, _ in fake.command_syncs]
    assert scopes == ["global", world.guild.id]
    assert all(command.id for command in bot.synced)
    hearth = next(c for c in fake.commands(world.guild.id) if c["name"] == "hearth")
    assert {o["name"] for o in hearth["options"]} == {"setup", "settings"}
    assert {c["name"] for c in fake.commands()} >= {"ping", "panel", "feedback"}


@pytest.mark.asyncio
async def test_slash_options_resolve_and_ephemeral(world: World, bot: SmokeBot) -> None:
    ix = await world.fake.slash(
        world.guild.id,
        world.alice,
        "hearth setup",
        options={"channel": world.checkins, "role": world.moderator, "timezone": "Europe/London"},
    )
    response = await ix.wait_response()
    assert response["type"] == 4
    assert ix.ephemeral
    assert ix.latency is not None and ix.latency < 3
    channel, role, timezone, permissions = await bot.result("setup")
    assert channel.id == world.checkins and channel.name == "check-ins"
    assert isinstance(role, discord.Role) and role.name == "Moderator"
    assert timezone == "Europe/London"
    assert permissions.administrator
    assert f"<#{world.checkins}>" in ix.text
    assert world.fake.channel_messages(world.checkins) == []  # ephemeral stays private


@pytest.mark.asyncio
async def test_unknown_command_or_option_raises(world: World, bot: SmokeBot) -> None:
    with pytest.raises(ValueError, match="no registered command"):
        await world.fake.slash(world.guild.id, world.alice, "nope")
    with pytest.raises(ValueError, match="has no option"):
        await world.fake.slash(world.guild.id, world.alice, "ping", options={"loud": True})


@pytest.mark.asyncio
async def test_default_member_permissions_hide_commands(world: World, bot: SmokeBot) -> None:
    fake = world.fake
    with pytest.raises(InteractionRefused, match="hides /admin"):
        await fake.slash(world.guild.id, world.bob, "admin")
    # A server admin can grant the command to everyone in the Integrations settings.
    ix = await fake.slash(world.guild.id, world.bob, "admin", ignore_command_permissions=True)
    assert (await ix.wait_final())["content"] == "admin ok"
    ix = await fake.slash(world.guild.id, world.alice, "admin")  # alice is an administrator
    assert (await ix.wait_final())["content"] == "admin ok"


@pytest.mark.asyncio
async def test_slash_in_dm(world: World, bot: SmokeBot) -> None:
    ix = await world.fake.slash(None, world.bob, "ping")
    message = await ix.wait_final()
    assert message["channel_id"] == str(world.fake.dm_channel_id(world.bob))
    assert "guild_id" not in ix.payload and ix.payload["user"]["id"] == str(world.bob)


@pytest.mark.asyncio
async def test_defer_then_followups(world: World, bot: SmokeBot) -> None:
    ix = await world.fake.slash(world.guild.id, world.bob, "hearth settings show")
    assert (await ix.wait_response())["type"] == 5
    final = await ix.wait_final()
    assert final["embeds"][0]["title"] == "Settings"
    followups = await ix.wait_followup(2)
    # The first followup after a deferral replaces the "thinking" message (Discord quirk).
    assert followups[0]["id"] == ix.original["id"]
    assert followups[1]["content"] == "second followup"
    assert "Timezone: UTC" in ix.all_text


@pytest.mark.asyncio
async def test_autocomplete_choices(world: World, bot: SmokeBot) -> None:
    ix = await world.fake.autocomplete(
        world.guild.id, world.alice, "hearth setup", focused="timezone", value="Europe/L"
    )
    response = await ix.wait_response()
    assert response["type"] == 8
    assert [c["value"] for c in response["data"]["choices"]] == ["Europe/London", "Europe/Lisbon"]


@pytest.mark.asyncio
async def test_button_click_updates_message(world: World, bot: SmokeBot) -> None:
    fake = world.fake
    panel = await fake.slash(world.guild.id, world.alice, "panel", channel_id=world.checkins)
    message = await panel.wait_final()
    assert message["components"][0]["components"][0]["custom_id"] == "checkin:go"
    click = await fake.click(world.guild.id, world.bob, message, "checkin:go")
    assert (await click.wait_response())["type"] == 7
    updated = fake.channel_messages(world.checkins)[-1]
    assert updated["content"] == "bob checked in"
    assert updated["components"] == []
    with pytest.raises(ValueError, match="no component"):
        await fake.click(world.guild.id, world.bob, updated, "checkin:go")


@pytest.mark.asyncio
async def test_modal_submit_values_arrive(world: World, bot: SmokeBot) -> None:
    opener = await world.fake.slash(world.guild.id, world.alice, "feedback")
    assert (await opener.wait_response())["type"] == 9
    assert opener.modal is not None and opener.modal["title"] == "Feedback"
    submit = await world.fake.submit_modal(
        world.guild.id, world.alice, "Feedback", {"Mood": "hopeful", "Notes": "good week"}
    )
    assert await bot.result("feedback") == ("hopeful", "good week")
    await submit.wait_response()
    assert submit.ephemeral and "Thanks" in submit.text
    with pytest.raises(InteractionRefused, match="required"):
        await world.fake.submit_modal(world.guild.id, world.alice, None, {"Notes": "x"})


@pytest.mark.asyncio
async def test_second_response_is_already_acknowledged(world: World, bot: SmokeBot) -> None:
    ix = await world.fake.slash(world.guild.id, world.alice, "double")
    exc = await bot.result("double")
    assert isinstance(exc, discord.HTTPException) and exc.code == 40060
    assert ix.text == "first answer"


@pytest.mark.asyncio
async def test_late_response_is_unknown_interaction(world: World, bot: SmokeBot) -> None:
    ix = await world.fake.slash(world.guild.id, world.alice, "slow")
    exc = await bot.result("slow")
    assert isinstance(exc, discord.NotFound) and exc.code == 10062
    assert ix.callback is None and ix.rejected[0][0] == 404


@pytest.mark.asyncio
async def test_content_over_limit_is_invalid_form_body(world: World, bot: SmokeBot) -> None:
    ix = await world.fake.slash(world.guild.id, world.alice, "long")
    exc = await bot.result("long")
    assert isinstance(exc, discord.HTTPException) and exc.status == 400 and exc.code == 50035
    assert "content" in exc.text
    assert (await ix.wait_final())["content"] == "shortened"


@pytest.mark.asyncio
async def test_dm_to_closed_user_is_forbidden(world: World, bot: SmokeBot) -> None:
    fake = world.fake
    fake.close_dms(world.bob)
    await fake.slash(world.guild.id, world.alice, "dm", options={"member": world.bob})
    exc = await bot.result("dm")
    assert isinstance(exc, discord.Forbidden) and exc.code == 50007
    assert fake.dm_messages(world.bob) == []

    bot.result_events["dm"].clear()
    await fake.slash(world.guild.id, world.bob, "dm", options={"member": world.alice})
    assert await bot.result("dm") is None
    assert [m["content"] for m in fake.dm_messages(world.alice)] == ["Hello from Hearth"]


@pytest.mark.asyncio
async def test_file_upload_is_recorded_and_served(world: World, bot: SmokeBot) -> None:
    fake = world.fake
    ix = await fake.slash(world.guild.id, world.alice, "report")
    message = await ix.wait_final()
    callback = await fake.wait_for_request("POST", r"/interactions/\d+/[^/]+/callback")
    assert callback.files[0].filename == "report.csv"
    assert callback.files[0].content.startswith(b"date,mood")
    assert ix.files[0].content == callback.files[0].content
    attachment = message["attachments"][0]
    assert attachment["content_type"] == "text/csv"
    async with aiohttp.ClientSession() as session, session.get(attachment["url"]) as resp:
        assert await resp.read() == callback.files[0].content
