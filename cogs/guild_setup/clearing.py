"""/hearth clear: unset one of /hearth setup's settings, saying plainly what stops.

It joins the /hearth group of the GuildSetup cog (see this package's setup). Clearing the
moderator-queue channel asks first, because it quietly switches crisis detection off and leaves
reports with nobody to read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.domain.guild_config import GuildConfig
from bot.ui.confirm import ConfirmView
from bot.ui.context import require_guild
from bot.ui.permissions import has_guild_permissions
from bot.ui.replies import reply_ephemeral

if TYPE_CHECKING:
    from bot.app import Hearth


@dataclass(frozen=True)
class Clearable:
    label: str  # "the check-in channel"
    option: str  # its /hearth setup option
    default: Any  # the value it goes back to
    stops: str  # what stops, for the confirmation
    channel: bool = False
    role: bool = False


CLEARABLE: dict[str, Clearable] = {
    "checkin_channel_id": Clearable(
        "the check-in channel",
        "checkin_channel",
        None,
        "Hearth no longer posts the daily check-in prompt, and check-ins members choose to "
        "`share` aren't posted anywhere. Members can still check in privately with `/checkin`, "
        "and their reminders go on.",
        channel=True,
    ),
    "celebrations_channel_id": Clearable(
        "the celebrations channel",
        "celebrations_channel",
        None,
        "Milestone cards are no longer posted publicly. Members who chose a private "
        "celebration still get theirs by direct message.",
        channel=True,
    ),
    "announcements_channel_id": Clearable(
        "the announcements channel",
        "announcements_channel",
        None,
        "Meetings without a channel of their own have nowhere to be announced: their "
        "reminders aren't posted (the moderators are told), and `/meetings import` waits until "
        "a channel is set. Meetings with their own channel carry on.",
        channel=True,
    ),
    "mod_queue_channel_id": Clearable(
        "the moderator-queue channel",
        "mod_queue_channel",
        None,
        "Crisis-language detection stops (it only runs while moderators can receive what it "
        "finds). Reports and requests for support are still kept, but no card is posted and "
        "nobody is pinged: the server owner gets one direct message about it, and the kept "
        "flags are posted once a queue channel is set again.",
        channel=True,
    ),
    "moderator_role_id": Clearable(
        "the moderator role",
        "moderator_role",
        None,
        "Moderator pings and escalations no longer mention a role. Members with Manage "
        "Messages or Manage Server still count as moderators; others who had only the role "
        "no longer do.",
        role=True,
    ),
    "organizer_role_id": Clearable(
        "the organizer role",
        "organizer_role",
        None,
        "Only members with Manage Events or Manage Server can add and change meetings and "
        "announcements now.",
        role=True,
    ),
    "peer_role_id": Clearable(
        "the peer supporter role",
        "peer_role",
        None,
        "Peer support pauses: `/support` and **Ask for support** go straight to the "
        "moderators, and supporters can't go on duty.",
        role=True,
    ),
    "peer_channel_id": Clearable(
        "the peer channel",
        "peer_channel",
        None,
        "Peer support pauses: `/support` and **Ask for support** go straight to the "
        "moderators. Conversations already open carry on in their threads.",
        channel=True,
    ),
    "share_channel_id": Clearable(
        "the anonymous shares channel",
        "share_channel",
        None,
        "`/share` stops: members are told shares aren't set up here. Shares already posted "
        "stay where they are.",
        channel=True,
    ),
    "helpline_country": Clearable(
        "the helpline country",
        "helpline_country",
        None,
        "`/helpline` and private crisis replies use each member's own country "
        "(`/profile country`); for members without one, the international directory.",
    ),
    "timezone": Clearable(
        "the server's time zone",
        "timezone",
        "UTC",
        "The server's time goes back to UTC: the daily prompt and members without a time zone "
        "of their own follow UTC.",
    ),
    "checkin_prompt_time": Clearable(
        "the check-in prompt time",
        "checkin_time",
        "09:00",
        "The daily check-in prompt goes back to 09:00, server time.",
    ),
}
SETTING_CHOICES = [
    app_commands.Choice(name=item.label.removeprefix("the ").capitalize(), value=field)
    for field, item in CLEARABLE.items()
]


def shown(config: GuildConfig, field: str) -> str:
    item, value = CLEARABLE[field], getattr(config, field)
    if item.channel:
        return f"<#{value}>"
    if item.role:
        return f"<@&{value}>"
    return f"`{value}`"


def cleared_text(item: Clearable, was: str) -> str:
    return (
        f"Cleared {item.label} (it was {was}).\n**What stops:** {item.stops}\n"
        f"-# To set it again: `/hearth setup {item.option}:`"
    )


def add_clear_command(group: app_commands.Group, bot: Hearth) -> None:
    @group.command(name="clear", description="Unset one of Hearth's settings, and see what stops")
    @app_commands.describe(setting="The setting to clear")
    @app_commands.choices(setting=SETTING_CHOICES)
    @has_guild_permissions(manage_guild=True)
    async def clear(interaction: discord.Interaction, setting: app_commands.Choice[str]) -> None:
        guild = require_guild(interaction)
        field = setting.value
        item = CLEARABLE[field]
        config = await bot.guild_configs.get(guild.id)
        if getattr(config, field) == item.default:
            state = "isn't set" if item.default is None else f"is already `{item.default}`"
            await reply_ephemeral(
                interaction,
                f"{item.label.capitalize()} {state}, so there's nothing to clear. Nothing "
                "was changed. 🌿",
            )
            return
        was = shown(config, field)

        async def clear_it() -> str:
            await bot.guild_configs.update(guild.id, **{field: item.default})
            return cleared_text(item, was)

        if field == "mod_queue_channel_id" and config.crisis_detection:
            view = ConfirmView(
                owner_id=interaction.user.id,
                confirm_label="Clear it",
                on_confirm=clear_it,
                kept_text=f"Kept. {item.label.capitalize()} is still {was}.",
            )
            await reply_ephemeral(
                interaction,
                f"Clear {item.label} ({was})? Moderators would stop receiving anything there. "
                f"{item.stops}",
                view=view,
            )
            view.asked = interaction
            return
        await reply_ephemeral(interaction, await clear_it())
