"""A bare discord.py bot (not Hearth) and fixtures for the fake Discord server's own tests.

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

import discord
import pytest_asyncio
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import FakeDiscord, FakeGuild
from tests.fakediscord.harness import patched_discord, running_bot

TOKEN = "fake-bot-token"
TIMEZONES = ["Europe/London", "Europe/Lisbon", "America/New_York", "Asia/Tokyo"]


class SmokeBot(commands.Bot):
    """A throwaway bot exercising the interaction features a real bot uses."""

    def __init__(
        self,
        guild_id: int,
        *,
        message_content: bool = True,
        members: bool = False,
        **options: Any,
    ) -> None:
        """``options`` go to discord.py's Client (e.g. ``heartbeat_timeout``)."""
        intents = discord.Intents.default()
        intents.message_content = message_content
        intents.members = members
        super().__init__(
            command_prefix="!",
            intents=intents,
            guild_ready_timeout=0.05,
            chunk_guilds_at_startup=False,
            enable_debug_events=True,  # lets the bot keep raw INTERACTION_CREATE payloads
            **options,
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
