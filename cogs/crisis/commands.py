"""/helpline for everyone; /crisis for admins to tune detection."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.crisis import Category, Severity, phrase_has_words
from bot.domain.crisis_settings import GuildPhrase, LocalLine
from bot.domain.excerpts import quoted
from bot.services import crisis_text
from bot.ui.context import require_guild
from bot.ui.countries import country_choices
from bot.ui.errors import UserFacingError
from bot.ui.permissions import guild_permissions, has_guild_permissions, is_moderator
from bot.ui.replies import reply_ephemeral
from cogs.crisis.stats import stats_reply

if TYPE_CHECKING:
    from bot.app import Hearth

CATEGORY_CHOICES = [app_commands.Choice(name=c.value, value=c.name) for c in Category]
SEVERITY_CHOICES = [app_commands.Choice(name=s.name.lower(), value=int(s)) for s in Severity]


class Helpline(commands.Cog):
    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        await self.bot.crisis_responder.on_message(message)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        await self.bot.crisis_responder.on_edit(payload)

    @app_commands.command(
        name="helpline", description="Helplines you can call, text or chat with, any time (private)"
    )
    @app_commands.describe(country="Which country (default: yours, else the server's)")
    async def helpline(
        self,
        interaction: discord.Interaction,
        country: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        chosen = None
        if country is not None:
            chosen = self.bot.countries.canonical_code(country)
            if chosen is None:
                raise UserFacingError(
                    f"{quoted(country)} isn't a country I know. Start typing its "
                    "name and pick it from the list."
                )
        own, _ = await self.bot.storage.crisis.member_settings(interaction.user.id)
        lines = await self.bot.helpline_lookup.for_member(own, interaction.guild_id, chosen)
        await reply_ephemeral(interaction, crisis_text.helpline_reply(lines))

    @helpline.autocomplete("country")
    async def _countries(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return country_choices(self.bot, current)


class CrisisSettings(commands.Cog):
    # No default_permissions: moderators use /crisis stats; every other subcommand checks
    # Manage Server itself.
    crisis = app_commands.Group(
        name="crisis",
        description="Crisis-language detection: settings (admins) and stats (moderators)",
        guild_only=True,
    )

    def __init__(self, bot: Hearth) -> None:
        self.bot = bot

    @crisis.command(name="detection", description="Switch crisis-language detection on or off")
    @app_commands.describe(
        enabled="On: flag crisis language to moderators and reply privately",
        reply_hours="At most one automatic reply per member in this many hours",
    )
    @has_guild_permissions(manage_guild=True)
    async def detection(
        self,
        interaction: discord.Interaction,
        enabled: bool,
        reply_hours: app_commands.Range[int, 1, 72] | None = None,
    ) -> None:
        guild = require_guild(interaction)
        changes: dict[str, object] = {"crisis_detection": enabled}
        if reply_hours is not None:
            changes["crisis_reply_hours"] = reply_hours
        config = await self.bot.guild_configs.update(guild.id, **changes)
        text = "Detection is **on**." if enabled else "Detection is **off**."
        if enabled and config.mod_queue_channel_id is None:
            text += " It starts once a moderator-queue channel is set with `/hearth setup`."
        await reply_ephemeral(interaction, text)

    @crisis.command(name="channel", description="Turn detection off (or back on) in one channel")
    @app_commands.describe(channel="The channel", watch="True: watch it (default); False: don't")
    @has_guild_permissions(manage_guild=True)
    async def channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel, watch: bool
    ) -> None:
        guild = require_guild(interaction)
        await self.bot.storage.crisis.set_quiet(guild.id, channel.id, not watch)
        self.bot.crisis_settings.forget_guild(guild.id)
        await reply_ephemeral(
            interaction, f"Detection in {channel.mention} is now **{'on' if watch else 'off'}**."
        )

    phrases = app_commands.Group(
        name="phrase", description="This server's own phrases (admins)", parent=crisis
    )

    @phrases.command(name="add", description="Add a phrase that flags, or one that never does")
    @app_commands.describe(
        phrase="The words (3+ characters)",
        flag="True: flag it; False: never flag messages using it",
        category="What it signals",
        severity="How urgent",
    )
    @app_commands.choices(category=CATEGORY_CHOICES, severity=SEVERITY_CHOICES)
    @has_guild_permissions(manage_guild=True)
    async def add_phrase(
        self,
        interaction: discord.Interaction,
        phrase: app_commands.Range[str, 3, 100],
        flag: bool,
        category: app_commands.Choice[str] | None = None,
        severity: app_commands.Choice[int] | None = None,
    ) -> None:
        guild = require_guild(interaction)
        if not phrase_has_words(phrase):
            # Punctuation alone would match almost every message (or, allowed, silence them).
            raise UserFacingError(
                "A phrase needs at least two letters: punctuation or numbers alone would match "
                "almost every message. Nothing was changed."
            )
        if flag and category is None:
            raise UserFacingError("A phrase that flags needs a `category`. Nothing was changed.")
        entry = GuildPhrase(
            phrase.strip().lower(),
            "flag" if flag else "allow",
            Category[category.value].value if flag and category else None,
            severity.value if flag and severity else (2 if flag else None),
        )
        await self.bot.storage.crisis.add_phrase(guild.id, entry)
        self.bot.crisis_settings.forget_guild(guild.id)
        await reply_ephemeral(
            interaction,
            f"Saved: {quoted(entry.phrase, 100)} {'now flags' if flag else 'will never flag'}.",
        )

    @phrases.command(name="remove", description="Remove one of this server's own phrases")
    @app_commands.describe(phrase="The phrase (start typing to pick one)")
    @has_guild_permissions(manage_guild=True)
    async def remove_phrase(
        self, interaction: discord.Interaction, phrase: app_commands.Range[str, 1, 100]
    ) -> None:
        guild = require_guild(interaction)
        removed = await self.bot.storage.crisis.remove_phrase(guild.id, phrase.strip().lower())
        if not removed:
            await reply_ephemeral(
                interaction,
                f"This server has no phrase {quoted(phrase, 100)}, so there was nothing to "
                "remove. Nothing was changed. `/crisis phrase remove` suggests the ones there "
                "are as you type.",
            )
            return
        self.bot.crisis_settings.forget_guild(guild.id)
        stops = []
        if any(p.kind == "flag" for p in removed):
            stops.append(
                "messages using it are no longer flagged because of it (Hearth's own rules still "
                "apply to them, and member reports always work)"
            )
        if any(p.kind == "allow" for p in removed):
            stops.append(
                "messages using it are no longer let through on purpose: they can be flagged "
                "like any other message"
            )
        await reply_ephemeral(
            interaction, f"Removed {quoted(removed[0].phrase, 100)}: {'; '.join(stops)}."
        )

    @remove_phrase.autocomplete("phrase")
    async def _stored_phrases(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not guild_permissions(interaction).manage_guild:
            return []  # the server's phrases are for its admins
        wanted = current.strip().lower()
        return [
            app_commands.Choice(
                name=f"{p.phrase} ({'flags' if p.kind == 'flag' else 'never flags'})"[:100],
                value=p.phrase,
            )
            for p in await self.bot.storage.crisis.phrases(interaction.guild_id)
            if wanted in p.phrase
        ][:25]

    @crisis.command(
        name="stats", description="Which detection rules fired here, and how often (moderators)"
    )
    async def stats(self, interaction: discord.Interaction) -> None:
        guild = require_guild(interaction)
        if not is_moderator(interaction, await self.bot.guild_configs.get(guild.id)):
            raise UserFacingError("Detection stats are for moderators.")
        text, view = await stats_reply(
            self.bot, guild.id, admin=guild_permissions(interaction).manage_guild
        )
        await reply_ephemeral(interaction, text, view=view)

    @crisis.command(
        name="local-line",
        description="Add (or with no contact, remove) a local support line shown with /helpline",
    )
    @app_commands.describe(
        name="The line's name",
        contact="Phone, text or link (leave empty to remove the line)",
        notes="Hours, who it is for…",
    )
    @has_guild_permissions(manage_guild=True)
    async def local_line(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 2, 80],
        contact: app_commands.Range[str, 3, 200] | None = None,
        notes: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        guild = require_guild(interaction)
        line = LocalLine(name.strip(), contact.strip(), notes) if contact else None
        changed = await self.bot.storage.crisis.set_local_line(guild.id, line, name.strip())
        if line is None:
            text = f"Removed **{name}**." if changed else f"There's no line called **{name}**."
        else:
            text = f"Saved **{line.name}**: it now shows in `/helpline` and private replies."
        await reply_ephemeral(interaction, text)
