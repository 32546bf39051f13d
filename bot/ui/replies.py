"""The one path for private replies to an interaction, whether or not it was already answered.

Every reply is fitted to Discord's limits here, so no feature can be refused with 50035 (which
leaves the member with "The application did not respond"). If Discord won't take the reply at
all (the acknowledgement failed or expired), the work has been done, so the member gets the
result in a direct message instead of nothing.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import discord

log = logging.getLogger("hearth.replies")

CONTENT_LIMIT = 2000
SHORTENED = "\n-# Shortened to fit in one Discord message."
EMBED_TOTAL = 6000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
DIRECT_INSTEAD = (
    "I couldn't answer you in the server just now (Discord didn't take my reply), so here it "
    "is, privately:"
)
# Discord refused the interaction itself: unknown/expired (404) or a server error after retries.
_NOT_TAKEN = (discord.NotFound, discord.DiscordServerError)


def fit_content(text: str | None, limit: int = CONTENT_LIMIT) -> str | None:
    """`text` as it can be sent: cut at a line (else a word) and marked as shortened if too long."""
    if text is None or len(text) <= limit:
        return text
    room = limit - len(SHORTENED)
    cut = text[:room]
    for boundary in ("\n", " "):
        at = cut.rfind(boundary)
        if at > room // 2:
            cut = cut[:at]
            break
    log.info("reply shortened", extra={"chars": len(text)})
    return cut.rstrip() + SHORTENED


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """A copy of `embed` within every embed limit; empty field names and values filled."""
    data: dict[str, Any] = embed.to_dict()
    if "title" in data:
        data["title"] = _clip(data["title"], EMBED_TITLE)
    if "description" in data:
        data["description"] = _clip(data["description"], EMBED_DESCRIPTION)
    if "footer" in data and "text" in data["footer"]:
        data["footer"]["text"] = _clip(data["footer"]["text"], EMBED_FOOTER)
    if "author" in data and "name" in data["author"]:
        data["author"]["name"] = _clip(data["author"]["name"], EMBED_AUTHOR)
    fields = data.get("fields", [])[:EMBED_FIELDS]
    for field in fields:
        field["name"] = _clip(str(field.get("name") or "").strip() or "—", EMBED_FIELD_NAME)
        field["value"] = _clip(str(field.get("value") or "").strip() or "—", EMBED_FIELD_VALUE)
    data["fields"] = fields
    while _embed_length(data) > EMBED_TOTAL:
        excess = _embed_length(data) - EMBED_TOTAL
        description = data.get("description", "")
        if len(description) > excess + 1:
            data["description"] = _clip(description, len(description) - excess)
        elif data["fields"]:
            data["fields"].pop()
        else:  # title, footer and author alone are within the total; kept for safety
            data.pop("footer", None)
    if not data["fields"]:
        del data["fields"]
    return discord.Embed.from_dict(data)


def _embed_length(data: dict[str, Any]) -> int:
    return (
        len(data.get("title", ""))
        + len(data.get("description", ""))
        + len(data.get("footer", {}).get("text", ""))
        + len(data.get("author", {}).get("name", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in data.get("fields", []))
    )


def _readable(files: list[discord.File]) -> list[tuple[str, bytes]]:
    """The files' bytes, kept before sending: a send closes its files, a DM needs them again."""
    kept = []
    for file in files:
        if isinstance(file.fp, io.BytesIO):
            kept.append((file.filename, file.fp.getvalue()))
    return kept


async def reply_ephemeral(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    files: list[discord.File] | None = None,
) -> None:
    content = fit_content(content)
    kwargs: dict = {"content": content, "ephemeral": True}
    if embed is not None:
        embed = fit_embed(embed)
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = view
    kept = _readable(files or [])
    if files:
        kwargs["files"] = files
    try:
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)
    except _NOT_TAKEN as exc:
        log.warning(
            "reply not taken by Discord, sending it by direct message",
            extra={"status": exc.status, "code": exc.code},
        )
        await _by_direct_message(interaction, content, embed, view, kept)


async def defer_ephemeral(interaction: discord.Interaction) -> None:
    """Acknowledge now, before slow work. If Discord won't take the acknowledgement, the work
    still goes ahead and `reply_ephemeral` delivers its result by direct message."""
    try:
        await interaction.response.defer(ephemeral=True, thinking=True)
    except _NOT_TAKEN as exc:
        log.warning(
            "acknowledgement not taken by Discord; carrying on",
            extra={"status": exc.status, "code": exc.code},
        )


async def _by_direct_message(
    interaction: discord.Interaction,
    content: str | None,
    embed: discord.Embed | None,
    view: discord.ui.View | None,
    files: list[tuple[str, bytes]],
) -> None:
    text = fit_content(f"{DIRECT_INSTEAD}\n\n{content}" if content else DIRECT_INSTEAD)
    options: dict[str, Any] = {}
    if embed is not None:
        options["embed"] = embed
    if view is not None:
        options["view"] = view
    if files:
        options["files"] = [discord.File(io.BytesIO(data), filename=name) for name, data in files]
    try:
        await interaction.user.send(text, **options)
    except discord.HTTPException as exc:
        # Nothing else can reach them (DMs closed, or Discord still failing): the work itself
        # is saved, only this answer is lost.
        log.warning(
            "reply lost: Discord refused it in the server and by direct message",
            extra={"status": exc.status, "code": exc.code},
        )
