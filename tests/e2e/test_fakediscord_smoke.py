"""Smoke tests of the fake Discord server, driven by a bare discord.py bot (not Hearth).

They prove the fake speaks the protocol the real client expects (login, gateway, command sync,
interactions, webhooks) and enforces the Discord rules that bite in production.
"""

from __future__ import annotations

import asyncio
import datetime
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
import pytest
import pytest_asyncio
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import FakeDiscord, FakeGuild, InteractionRefused
from tests.fakediscord.harness import patched_discord, running_bot
from tests.fakediscord.permissions import SEND_MESSAGES, VIEW_CHANNEL

TOKEN = "fake-bot-token"
TIMEZONES = ["Europe/London", "Europe/Lisbon", "America/New_York", "Asia/Tokyo"]


class SmokeBot(commands.Bot):
    """A throwaway bot exercising the interaction features a real bot uses."""

    def __init__(self, guild_id: int, *, message_content: bool = True) -> None:
        intents = discord.Intents.default()
        intents.message_content = message_content
        super().__init__(
            command_prefix="!",
            intents=intents,
            guild_ready_timeout=0.05,
            chunk_guilds_at_startup=False,
            enable_debug_events=True,  # lets the bot keep raw INTERACTION_CREATE payloads
        )
        self.guild_id = guild_id
        self.results: dict[str, Any] = {}
        self.result_events: dict[str, asyncio.Event] = {}
        self.raw_interactions: dict[int, dict[str, Any]] = {}
        self.seen_messages: list[str] = []
        self.synced: list[app_commands.AppCommand] = []
        _register_commands(self)

    def record(self, key: str, value: Any) -> None:
        self.results[key] = value
        self.result_events.setdefault(key, asyncio.Event()).set()

    async def result(self, key: str, timeout: float = 6.0) -> Any:
        await asyncio.wait_for(self.result_events.setdefault(key, asyncio.Event()).wait(), timeout)
        return self.results[key]

    async def setup_hook(self) -> None:
        self.synced = await self.tree.sync()
        self.synced += await self.tree.sync(guild=discord.Object(self.guild_id))

    async def on_socket_raw_receive(self, raw: str) -> None:
        frame = json.loads(raw)
        if frame.get("t") == "INTERACTION_CREATE":
            self.raw_interactions[int(frame["d"]["id"])] = frame["d"]

    async def on_message(self, message: discord.Message) -> None:
        if not message.author.bot:
            self.seen_messages.append(message.content)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    mood = discord.ui.TextInput(label="Mood", max_length=20)
    notes = discord.ui.TextInput(label="Notes", style=discord.TextStyle.paragraph, required=False)

    def __init__(self, bot: SmokeBot) -> None:
        super().__init__()
        self.bot = bot

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.bot.record("feedback", (self.mood.value, self.notes.value))
        await interaction.response.send_message("Thanks for the feedback", ephemeral=True)


class CheckInView(discord.ui.View):
    @discord.ui.button(label="Check in", custom_id="checkin:go")
    async def check_in(
        self, interaction: discord.Interaction, button: discord.ui.Button[CheckInView]
    ) -> None:
        await interaction.response.edit_message(
            content=f"{interaction.user.name} checked in", view=None
        )


class MoodView(discord.ui.View):
    def __init__(self, bot: SmokeBot) -> None:
        super().__init__()
        self.bot = bot

    @discord.ui.select(
        custom_id="mood:pick",
        options=[
            discord.SelectOption(label="Calm", value="calm"),
            discord.SelectOption(label="Anxious", value="anxious"),
        ],
    )
    async def pick(
        self, interaction: discord.Interaction, select: discord.ui.Select[MoodView]
    ) -> None:
        await interaction.response.edit_message(content=f"Mood: {select.values[0]}")

    @discord.ui.select(cls=discord.ui.UserSelect, custom_id="mood:buddy")
    async def buddy(
        self, interaction: discord.Interaction, select: discord.ui.UserSelect[MoodView]
    ) -> None:
        self.bot.record("buddy", select.values[0])
        await interaction.response.defer()


class IntakeModal(discord.ui.Modal, title="Intake"):
    """Uses the newer Label components (type 18) instead of action rows."""

    name = discord.ui.Label(text="Name", component=discord.ui.TextInput(max_length=50))
    goal = discord.ui.Label(
        text="Goal",
        component=discord.ui.Select(
            options=[
                discord.SelectOption(label="Sleep", value="sleep"),
                discord.SelectOption(label="Exercise", value="exercise"),
            ]
        ),
    )

    def __init__(self, bot: SmokeBot) -> None:
        super().__init__()
        self.bot = bot

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(self.name.component, discord.ui.TextInput)
        assert isinstance(self.goal.component, discord.ui.Select)
        self.bot.record("intake", (self.name.component.value, self.goal.component.values))
        await interaction.response.send_message("Welcome!")


def _register_commands(bot: SmokeBot) -> None:
    hearth = app_commands.Group(name="hearth", description="Hearth administration")
    settings = app_commands.Group(name="settings", description="Settings", parent=hearth)

    @hearth.command(name="setup", description="Configure the server")
    async def setup(
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        role: discord.Role,
        timezone: str,
    ) -> None:
        bot.record("setup", (channel, role, timezone, interaction.permissions))
        await interaction.response.send_message(
            f"Check-ins go to {channel.mention}", ephemeral=True
        )

    @setup.autocomplete("timezone")
    async def timezone_choices(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=tz, value=tz) for tz in TIMEZONES if current in tz]

    @settings.command(name="show", description="Show the settings")
    async def show(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send(
            embed=discord.Embed(title="Settings", description="Timezone: UTC")
        )
        await interaction.followup.send("second followup")

    bot.tree.add_command(hearth, guild=discord.Object(bot.guild_id))

    @bot.tree.command(description="Admins only")
    @app_commands.default_permissions(manage_guild=True)
    async def admin(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("admin ok", ephemeral=True)

    @bot.tree.command(description="Reply pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    @bot.tree.command(description="Post the check-in panel")
    async def panel(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Daily check-in", view=CheckInView())

    @bot.tree.command(description="Open the feedback form")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal(bot))

    @bot.tree.command(description="Answer twice, like two bot processes would")
    async def double(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first answer")
        # A second Interaction object for the same payload stands in for a second process
        # handling the same event; discord.py's own guard only covers one object.
        twin = discord.Interaction(data=bot.raw_interactions[interaction.id], state=bot._connection)
        try:
            await twin.response.send_message("second answer")
        except discord.HTTPException as exc:
            bot.record("double", exc)

    @bot.tree.command(description="Answer too late")
    async def slow(interaction: discord.Interaction) -> None:
        await asyncio.sleep(3.2)
        try:
            await interaction.response.send_message("finally")
        except discord.HTTPException as exc:
            bot.record("slow", exc)

    @bot.tree.command(description="Answer with too much text")
    async def long(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message("x" * 2001)
        except discord.HTTPException as exc:
            bot.record("long", exc)
            await interaction.response.send_message("shortened")

    @bot.tree.command(description="DM a member")
    async def dm(interaction: discord.Interaction, member: discord.Member) -> None:
        try:
            await member.send("Hello from Hearth")
        except discord.Forbidden as exc:
            bot.record("dm", exc)
            await interaction.response.send_message("Could not DM them", ephemeral=True)
        else:
            bot.record("dm", None)
            await interaction.response.send_message("Sent", ephemeral=True)

    @bot.tree.command(description="Upload a report")
    async def report(interaction: discord.Interaction) -> None:
        data = io.BytesIO(b"date,mood\n2025-01-01,ok\n")
        await interaction.response.send_message("Report", file=discord.File(data, "report.csv"))

    @bot.tree.command(description="Pick a mood")
    async def mood(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("How are you?", view=MoodView(bot))

    @bot.tree.command(description="Intake form")
    async def intake(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(IntakeModal(bot))

    @bot.tree.context_menu(name="Report message")
    async def report_message(interaction: discord.Interaction, message: discord.Message) -> None:
        bot.record("report_message", message)
        await interaction.response.send_message("Reported", ephemeral=True)

    @bot.tree.context_menu(name="Check on user")
    async def check_on(interaction: discord.Interaction, member: discord.Member) -> None:
        bot.record("check_on", member)
        await interaction.response.send_message(f"Checking on {member.name}", ephemeral=True)

    @bot.tree.command(description="Open a thread, react, schedule a meeting")
    async def meeting(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        channel = interaction.channel
        assert isinstance(channel, discord.TextChannel) and interaction.guild is not None
        post = await channel.send("Weekly meeting")
        await post.add_reaction("\N{WHITE HEAVY CHECK MARK}")
        thread = await post.create_thread(name="Meeting notes")
        await thread.send("Agenda: check-ins")
        start = discord.utils.utcnow() + datetime.timedelta(days=1)
        event = await interaction.guild.create_scheduled_event(
            name="Weekly meeting",
            start_time=start,
            end_time=start + datetime.timedelta(hours=1),
            entity_type=discord.EntityType.external,
            location="Community hall",
            privacy_level=discord.PrivacyLevel.guild_only,
        )
        event = await event.edit(status=discord.EventStatus.cancelled)
        bot.record("meeting", (post, thread, event))
        await interaction.followup.send("Meeting planned")

    @bot.tree.command(description="Post in a channel")
    async def announce(interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        target = bot.get_channel(channel.id)
        assert isinstance(target, discord.TextChannel)
        try:
            await target.send("announcement")
        except discord.HTTPException as exc:
            bot.record("announce", exc)
        else:
            bot.record("announce", None)
        await interaction.response.send_message("done", ephemeral=True)


async def eventually(check: Any, timeout: float = 2.0) -> None:
    """Poll ``check()`` until true: the bot handles gateway events asynchronously."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


# --------------------------------------------------------------------------- fixtures
@dataclass
class World:
    fake: FakeDiscord
    guild: FakeGuild
    checkins: int
    moderator: int
    alice: int
    bob: int


@pytest_asyncio.fixture
async def world() -> AsyncIterator[World]:
    async with FakeDiscord(token=TOKEN) as fake:
        guild = fake.add_guild("Recovery Circle")
        checkins = guild.add_text_channel("check-ins")
        moderator = guild.add_role("Moderator")
        alice = fake.add_user("alice")
        bob = fake.add_user("bob")
        guild.set_admin(alice)
        guild.add_member(bob, roles=[moderator])
        with patched_discord(fake):
            yield World(fake, guild, checkins, moderator, alice, bob)
        assert fake.internal_errors == []


@pytest_asyncio.fixture
async def bot(world: World) -> AsyncIterator[SmokeBot]:
    client = SmokeBot(world.guild.id)
    async with running_bot(client, world.fake):
        await world.fake.wait_until_ready()
        yield client


# ------------------------------------------------------------------------------ tests
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
