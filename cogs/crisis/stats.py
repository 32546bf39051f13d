"""/crisis stats: which detector rules fired in this server and how often moderators found them
"not a concern" (counts only, never a message), and the admins' switch to stop a rule here."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.flags import RuleCount
from bot.ui.errors import reports_errors
from bot.ui.permissions import guild_permissions
from bot.ui.replies import fit_content, reply_ephemeral

if TYPE_CHECKING:
    from bot.app import Hearth

SHOWN = 20


def stats_text(counts: list[RuleCount], disabled: set[str], *, admin: bool) -> str:
    lines = [
        "**Crisis detection in this server**",
        "-# Counts only: which rule noticed a message, never the message itself.",
    ]
    if not counts:
        lines.append("Nothing has been noticed here yet.")
    for count in counts[:SHOWN]:
        off = " · **switched off here**" if count.rule in disabled else ""
        lines.append(
            f"• `{count.rule}`: {count.detections} noticed · {count.dismissals} marked "
            f"not a concern{off}"
        )
    if len(counts) > SHOWN:
        lines.append(f"…and {len(counts) - SHOWN} more rules.")
    never_fired = sorted(disabled - {count.rule for count in counts})
    if never_fired:
        lines.append("Also switched off here: " + ", ".join(f"`{r}`" for r in never_fired))
    if admin:
        lines.append(
            "\nA rule that moderators keep marking *not a concern* can be switched off for this "
            "server below. Messages whose strongest match is that rule are then not flagged at "
            "all, so switch off only what you've checked; member reports always work."
        )
    return "\n".join(lines)


def rule_controls(counts: list[RuleCount], disabled: set[str]) -> discord.ui.View | None:
    """Admins' selects: switch off a rule moderators dismissed, or switch one back on."""
    dismissed = [c for c in counts if c.dismissals and c.rule not in disabled][:25]
    view = discord.ui.View(timeout=None)
    if dismissed:
        view.add_item(
            RuleSwitch(
                "off",
                [
                    discord.SelectOption(
                        label=c.rule[:100],
                        value=c.rule[:100],
                        description=f"{c.detections} noticed · {c.dismissals} not a concern",
                    )
                    for c in dismissed
                ],
            )
        )
    if disabled:
        options = [discord.SelectOption(label=r[:100], value=r[:100]) for r in sorted(disabled)]
        view.add_item(RuleSwitch("on", options[:25]))
    return view if view.children else None


async def stats_reply(bot: Hearth, guild_id: int, *, admin: bool) -> tuple[str, Any]:
    counts = await bot.storage.flags.rule_counts(guild_id)
    disabled = await bot.storage.crisis.disabled_rules(guild_id)
    view = rule_controls(counts, disabled) if admin else None
    return stats_text(counts, disabled, admin=admin), view


class RuleSwitch(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"hearth:crisis-rule:(?P<action>off|on)",
):
    def __init__(self, action: str, options: list[discord.SelectOption] | None = None) -> None:
        placeholder = (
            "Stop flagging a rule in this server…" if action == "off" else "Flag a rule again…"
        )
        super().__init__(
            discord.ui.Select(
                custom_id=f"hearth:crisis-rule:{action}",
                placeholder=placeholder,
                options=options or [discord.SelectOption(label="-", value="-")],
            )
        )
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Select[Any], match: re.Match[str]
    ) -> RuleSwitch:
        return cls(match["action"])

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        bot: Hearth = interaction.client  # type: ignore[assignment]
        guild_id = interaction.guild_id
        if guild_id is None or not guild_permissions(interaction).manage_guild:
            await reply_ephemeral(
                interaction, "Only admins (Manage Server) can switch rules. Nothing was changed."
            )
            return
        values = (interaction.data or {}).get("values") or []  # type: ignore[union-attr]
        rule = str(values[0]) if values else ""
        counts = await bot.storage.flags.rule_counts(guild_id)
        disabled = await bot.storage.crisis.disabled_rules(guild_id)
        switching_off = self.action == "off"
        allowed = (
            {c.rule for c in counts if c.dismissals and c.rule not in disabled}
            if switching_off
            else disabled
        )
        if rule not in allowed:
            await reply_ephemeral(
                interaction, "That rule can't be switched here any more. Nothing was changed."
            )
            return
        await bot.storage.crisis.set_rule_disabled(
            guild_id, rule, switching_off, interaction.user.id, bot.clock.now()
        )
        bot.crisis_settings.forget_guild(guild_id)
        done = (
            f"Switched off `{rule}` in this server: messages it would catch aren't flagged now. "
            "Pick it under “Flag a rule again” to undo."
            if switching_off
            else f"`{rule}` flags messages in this server again."
        )
        text, view = await stats_reply(bot, guild_id, admin=True)
        await interaction.response.edit_message(content=fit_content(f"{done}\n\n{text}"), view=view)
