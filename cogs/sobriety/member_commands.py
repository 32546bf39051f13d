"""/sobriety: a member's own counters. Every reply is private."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.counters import Announce, Counter, clean_label
from bot.domain.excerpts import quoted
from bot.domain.local_time import local_date
from bot.domain.sobriety import EARLIEST_START, plan_from_spec
from bot.ui.confirm import ConfirmView
from bot.ui.context import require_guild
from bot.ui.errors import UserFacingError
from bot.ui.replies import reply_ephemeral
from cogs.sobriety import render
from cogs.sobriety.celebrations import MilestoneCelebrator
from cogs.sobriety.roles import MilestoneRoles

if TYPE_CHECKING:
    from bot.app import Hearth

ANNOUNCE_CHOICES = [
    app_commands.Choice(name="Public: a card in the celebrations channel", value="public"),
    app_commands.Choice(name="Private: a direct message to me", value="dm"),
    app_commands.Choice(name="Off: no announcements", value="off"),
]


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserFacingError(
            f"{quoted(text)} isn't a date I can read. Please use YYYY-MM-DD, for example "
            "`2025-03-14`. Nothing was changed."
        ) from None


class Sobriety(commands.Cog):
    sobriety = app_commands.Group(
        name="sobriety",
        description="Your clean and sober time counters (private)",
        guild_only=True,
    )

    def __init__(self, bot: Hearth, celebrator: MilestoneCelebrator, roles: MilestoneRoles) -> None:
        self.bot = bot
        self.celebrator = celebrator
        self.roles = roles

    async def _today(self, interaction: discord.Interaction) -> date:
        zone = await self.bot.zones.for_member(interaction.user.id, interaction.guild_id)
        return local_date(self.bot.clock.now(), zone.name)

    async def _counter(self, interaction: discord.Interaction, label: str | None) -> Counter:
        """The counter named, or the member's only one; a kind error otherwise."""
        guild = require_guild(interaction)
        counters = await self.bot.storage.sobriety.counters(guild.id, interaction.user.id)
        if not counters:
            raise UserFacingError("You don't have a counter yet. `/sobriety set` starts one.")
        if label is None:
            if len(counters) == 1:
                return counters[0]
            names = ", ".join(f"`{c.label}`" for c in counters)
            raise UserFacingError(
                f"You have more than one counter ({names}): which one? Add `label`."
            )
        found = [c for c in counters if c.label.casefold() == label.strip().casefold()]
        if not found:
            names = ", ".join(f"`{c.label}`" for c in counters)
            raise UserFacingError(f"You have no counter called {quoted(label)}. Yours: {names}.")
        return found[0]

    @sobriety.command(name="set", description="Start a counter from your clean/sober date")
    @app_commands.describe(
        date="Your clean or sober date, as YYYY-MM-DD",
        label="A name, if you keep more than one counter (default: sobriety)",
        announce="How to share milestones (default: a private message)",
    )
    @app_commands.choices(announce=ANNOUNCE_CHOICES)
    async def set_counter(
        self,
        interaction: discord.Interaction,
        date: app_commands.Range[str, 1, 20],
        label: app_commands.Range[str, 1, 100] | None = None,
        announce: app_commands.Choice[str] | None = None,
    ) -> None:
        guild = require_guild(interaction)
        start = parse_day(date)
        today = await self._today(interaction)
        if start > today:
            raise UserFacingError(
                f"{start:%-d %B %Y} is still in the future where you are. A counter starts on a "
                "day that has begun. Nothing was changed."
            )
        if start < EARLIEST_START:
            raise UserFacingError("Please choose a date from 1900 onwards. Nothing was changed.")
        try:
            name = clean_label(label)
        except ValueError as exc:
            raise UserFacingError(f"Sorry, {exc}. Nothing was changed.") from None
        mode = Announce(announce.value) if announce else None
        counter, created = await self.bot.storage.sobriety.set_counter(
            guild.id, interaction.user.id, name, start, mode, self.bot.clock.now()
        )
        # A milestone reached today (or in the last few days) is celebrated right away; spawned
        # before replying so the work is under way by the time the member reads the answer.
        self.bot.background.spawn(
            self.celebrator.celebrate_counter(counter, self.bot.clock.now()),
            name="milestones for a new counter",
        )
        config = await self.bot.guild_configs.get(guild.id)
        first = "Counter started." if created else "Updated your counter's start date."
        await reply_ephemeral(
            interaction,
            f"{first}\n"
            + render.counter_summary(counter, today, plan_from_spec(config.milestone_plan)),
        )

    @sobriety.command(name="show", description="See your sober time (private)")
    @app_commands.describe(label="Which counter (default: all of them)")
    async def show(
        self, interaction: discord.Interaction, label: app_commands.Range[str, 1, 100] | None = None
    ) -> None:
        guild = require_guild(interaction)
        today = await self._today(interaction)
        counters = (
            [await self._counter(interaction, label)]
            if label
            else await self.bot.storage.sobriety.counters(guild.id, interaction.user.id)
        )
        if not counters:
            raise UserFacingError("You don't have a counter yet. `/sobriety set` starts one.")
        plan = plan_from_spec((await self.bot.guild_configs.get(guild.id)).milestone_plan)
        await reply_ephemeral(
            interaction, "\n\n".join(render.counter_summary(c, today, plan) for c in counters)
        )

    @sobriety.command(name="reset", description="Start your counter again (your history is kept)")
    @app_commands.describe(
        date="The new start date, YYYY-MM-DD (default: today)",
        note="A private note for your history (optional)",
        label="Which counter, if you keep more than one",
    )
    async def reset(
        self,
        interaction: discord.Interaction,
        date: app_commands.Range[str, 1, 20] | None = None,
        note: app_commands.Range[str, 1, 500] | None = None,
        label: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        counter = await self._counter(interaction, label)
        today = await self._today(interaction)
        restart = parse_day(date) if date else today
        if restart > today:
            raise UserFacingError(
                "That date is still in the future where you are. Nothing was changed."
            )
        if restart < counter.current.start:
            raise UserFacingError(
                f"Your current count began on {counter.current.start:%-d %B %Y}; a restart can't "
                "be before that. To correct the start date, use `/sobriety set`. Nothing was "
                "changed."
            )
        ended = await self.bot.storage.sobriety.reset(
            counter.id, restart, note.strip() if note else None, self.bot.clock.now()
        )
        self.bot.background.spawn(
            self.roles.remove_unearned(counter.guild_id, counter.user_id), name="milestone roles"
        )
        await reply_ephemeral(interaction, render.reset_reply(ended, restart))

    @sobriety.command(name="history", description="Your past and current periods (private)")
    @app_commands.describe(label="Which counter, if you keep more than one")
    async def history(
        self, interaction: discord.Interaction, label: app_commands.Range[str, 1, 100] | None = None
    ) -> None:
        counter = await self._counter(interaction, label)
        periods = await self.bot.storage.sobriety.periods(counter.id)
        await reply_ephemeral(
            interaction, render.history_text(counter, periods, await self._today(interaction))
        )

    @sobriety.command(name="announce", description="Choose how your milestones are shared")
    @app_commands.describe(
        mode="Public, private message, or off", label="Which counter, if you keep more than one"
    )
    @app_commands.choices(mode=ANNOUNCE_CHOICES)
    async def announce(
        self,
        interaction: discord.Interaction,
        mode: app_commands.Choice[str],
        label: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        counter = await self._counter(interaction, label)
        chosen = Announce(mode.value)
        await self.bot.storage.sobriety.set_announce(counter.id, chosen, self.bot.clock.now())
        await reply_ephemeral(
            interaction,
            f"Done: milestones on **{counter.label}** will be {render.ANNOUNCE_WORDS[chosen]}.",
        )

    @sobriety.command(name="remove", description="Delete a counter and its history")
    @app_commands.describe(label="Which counter, if you keep more than one")
    async def remove(
        self, interaction: discord.Interaction, label: app_commands.Range[str, 1, 100] | None = None
    ) -> None:
        counter = await self._counter(interaction, label)

        async def delete() -> str:
            await self.bot.storage.sobriety.remove(counter.id)
            self.bot.background.spawn(
                self.roles.remove_unearned(counter.guild_id, counter.user_id),
                name="milestone roles",
            )
            return f"Deleted **{counter.label}** and its history."

        view = ConfirmView(
            owner_id=interaction.user.id,
            confirm_label="Delete counter and history",
            on_confirm=delete,
        )
        await reply_ephemeral(
            interaction,
            f"Delete **{counter.label}** and all of its history? This can't be undone. "
            "(To start again but keep your history, use `/sobriety reset` instead.)",
            view=view,
        )
        view.asked = interaction

    @show.autocomplete("label")
    @reset.autocomplete("label")
    @history.autocomplete("label")
    @announce.autocomplete("label")
    @remove.autocomplete("label")
    async def _label_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        counters = await self.bot.storage.sobriety.counters(
            interaction.guild_id, interaction.user.id
        )
        return [
            app_commands.Choice(name=c.label, value=c.label)
            for c in counters
            if current.casefold() in c.label.casefold()
        ][:25]
