"""Hearth posts and pings on members' behalf only where they could themselves."""

from __future__ import annotations

import discord

from bot.ui.errors import UserFacingError


def check_can_post_and_ping(
    interaction: discord.Interaction,
    channel: discord.abc.GuildChannel | None,
    role: discord.Role | None,
) -> None:
    member = interaction.user
    if not isinstance(member, discord.Member):
        return
    if channel is not None and not channel.permissions_for(member).send_messages:
        raise UserFacingError(
            f"You can't post in {channel.mention} yourself, so Hearth won't post there for you. "
            "Nothing was changed."
        )
    if (
        role is not None
        and not role.is_default()
        and not role.mentionable
        and not member.guild_permissions.mention_everyone
    ):
        raise UserFacingError(
            f"{role.mention} can't be mentioned by you, so Hearth won't ping it for you. Ask an "
            "admin to make it mentionable. Nothing was changed."
        )
