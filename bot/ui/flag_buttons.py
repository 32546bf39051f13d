"""The flag card's buttons: persistent by design (fixed custom ids, handled after a restart)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.flags import Flag, FlagStatus
from bot.ui import flag_card
from bot.ui.errors import reports_errors
from bot.ui.permissions import is_moderator
from bot.ui.replies import reply_ephemeral

if TYPE_CHECKING:
    from bot.app import Hearth

RESOLVE_FORM = "hearth:flag-resolve:"
ACTIONS = {
    "claim": ("Claim", discord.ButtonStyle.primary),
    "resolve": ("Resolve", discord.ButtonStyle.success),
    "dismiss": ("Not a concern", discord.ButtonStyle.secondary),
    "escalate": ("Escalate", discord.ButtonStyle.danger),
}


def flag_buttons(flag: Flag) -> discord.ui.View | None:
    if not flag.is_active:
        return None
    view = discord.ui.View(timeout=None)
    for action in ACTIONS:
        button = FlagButton(flag.id, action)
        button.item.disabled = action in ("claim", "escalate") and flag.status == FlagStatus.CLAIMED
        view.add_item(button)
    return view


async def show(interaction: discord.Interaction, flag: Flag) -> None:
    """Update the card the interaction came from to show the flag as it is now."""
    bot: Hearth = interaction.client  # type: ignore[assignment]
    message = interaction.message
    description = message.embeds[0].description if message and message.embeds else ""
    reporters = await bot.storage.flags.reporters(flag.id)
    embed, view = flag_card.card(flag, description or "", reporters), flag_buttons(flag)
    if interaction.response.is_done():
        await interaction.edit_original_response(embed=embed, view=view)
    else:
        await interaction.response.edit_message(embed=embed, view=view)


class FlagButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"hearth:flag:(?P<id>[0-9]+):(?P<action>claim|resolve|dismiss|escalate)",
):
    def __init__(self, flag_id: int, action: str) -> None:
        label, style = ACTIONS[action]
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=f"hearth:flag:{flag_id}:{action}")
        )
        self.flag_id = flag_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> FlagButton:
        return cls(int(match["id"]), match["action"])

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        bot: Hearth = interaction.client  # type: ignore[assignment]
        flag = await bot.storage.flags.get(self.flag_id)
        if flag is None or interaction.guild_id != flag.guild_id:
            await reply_ephemeral(interaction, "I can't find this flag any more.")
            return
        config = await bot.guild_configs.get(flag.guild_id)
        if not is_moderator(interaction, config):
            await reply_ephemeral(
                interaction, "Only moderators can act on flags. Thank you for caring, though."
            )
            return
        flags = bot.storage.flags
        now = bot.clock.now()
        if self.action == "resolve":
            await interaction.response.send_modal(resolve_form(flag.id, interaction))
            return
        if self.action == "claim":
            if not await flags.claim(flag.id, interaction.user.id, now):
                await reply_ephemeral(interaction, _already(flag))
                return
        elif self.action == "dismiss":
            if not await flags.close(flag.id, interaction.user.id, FlagStatus.DISMISSED, None, now):
                await reply_ephemeral(interaction, _already(flag))
                return
        else:
            # Escalating sends DMs: acknowledge first so the click never times out.
            await interaction.response.defer()
            if await bot.flag_service.escalate(flag, interaction.user.id) is None:
                await interaction.followup.send(
                    "There's no further step to escalate to: it has already reached everyone.",
                    ephemeral=True,
                )
                return
        updated = await flags.get(flag.id)
        if updated is None:  # erased with the server's data meanwhile
            await reply_ephemeral(interaction, "I can't find this flag any more.")
            return
        bot.flag_service.schedule(updated)
        await show(interaction, updated)


def _already(flag: Flag) -> str:
    if flag.status == FlagStatus.CLAIMED:
        return f"<@{flag.claimed_by}> has already claimed this flag."
    return "This flag is already closed."


def resolve_form(flag_id: int, opened_by: discord.Interaction) -> discord.ui.Modal:
    form = discord.ui.Modal(
        title=f"Resolve flag #{flag_id}",
        custom_id=f"{RESOLVE_FORM}{flag_id}:{opened_by.id}",
        timeout=None,
    )
    form.add_item(
        discord.ui.Label(
            text="What was done? (optional, for the audit)",
            component=discord.ui.TextInput(
                custom_id="note", style=discord.TextStyle.paragraph, required=False, max_length=500
            ),
        )
    )
    # Detached at once (see bot/ui/modals.py): the submission is handled by its id prefix.
    form.stop()
    return form
