"""The one error path for interactions: kind words for the member, full detail in the log."""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.domain.excerpts import quoted
from bot.ui.replies import reply_ephemeral

log = logging.getLogger("hearth.errors")
Owner = TypeVar("Owner")


class UserFacingError(app_commands.AppCommandError):
    """Raised by cogs for bad input or refused actions; its text is shown to the member as is.

    An AppCommandError, so the command tree's own checks can raise it too."""


_PERMISSION_WORDS = {
    "manage_guild": "Manage Server",
    "manage_events": "Manage Events",
    "manage_messages": "Manage Messages",
    "moderate_members": "Timeout Members",
    "administrator": "Administrator",
}


def _permission_names(missing: list[str]) -> str:
    return " and ".join(_PERMISSION_WORDS.get(p, p.replace("_", " ").title()) for p in missing)


def explain(error: Exception) -> str | None:
    """The member-facing sentence for an expected error, or None if it is a bug."""
    original = getattr(error, "original", error)
    if isinstance(original, UserFacingError):
        return str(original)
    if isinstance(error, app_commands.MissingPermissions):
        return (
            f"This needs the {_permission_names(error.missing_permissions)} permission, which "
            "your account doesn't have here. Nothing was changed. A server admin can help."
        )
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That works inside a server, not in direct messages."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Let's take a breath: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this here. Nothing was changed."
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't understand {quoted(str(error.value))}. Please check it and try again."
    return None


async def report_interaction_error(interaction: discord.Interaction, error: Exception) -> None:
    message = explain(error)
    command = interaction.command.qualified_name if interaction.command else None
    if message is not None:
        # Counted, never quoted: the refusal's text may hold what the member typed.
        reason = type(getattr(error, "original", error)).__name__
        log.debug("interaction refused", extra={"command": command, "reason": reason})
    else:
        error_id = secrets.token_hex(4)
        log.error(
            "interaction failed",
            exc_info=(type(error), error, error.__traceback__),
            extra={
                "error_id": error_id,
                "command": command,
                "custom_id": (interaction.data or {}).get("custom_id"),
                "guild": interaction.guild_id,
            },
        )
        message = (
            "Sorry, something went wrong on Hearth's side. Please try again in a moment; if it "
            "keeps happening, let a moderator know, and whoever runs Hearth can look it up with "
            f"this code: `{error_id}`."
        )
    try:
        await reply_ephemeral(interaction, message)
    except discord.HTTPException as exc:
        # The interaction may have expired; the log line above already holds the detail.
        log.warning("could not deliver an error reply", extra={"status": exc.status})


def reports_errors(
    handler: Callable[[Owner, discord.Interaction], Awaitable[None]],
) -> Callable[[Owner, discord.Interaction], Coroutine[Any, Any, None]]:
    """For button and select callbacks and modal handlers, which the command tree's on_error
    doesn't cover: a failure gets the same kind reply and logged error id as a slash command."""

    @functools.wraps(handler)
    async def answered(owner: Owner, interaction: discord.Interaction) -> None:
        try:
            await handler(owner, interaction)
        except Exception as error:
            await report_interaction_error(interaction, error)

    return answered
