"""Long lists, a page at a time, with Previous / Next buttons: never cut, never capped.

A page is made of whole entries, so a line, a mention or a link is never cut in half, and every
page fits Discord's 2000-character message limit together with its heading, its closing line and
"Page 2 of 5". The buttons are persistent (`DynamicItem`): their custom id names the list, the
member who asked, the page wanted and the list's one argument (a status, a flag number), and a
press builds that page again from the database. So they keep working after a restart, always
show the list as it is now, and re-check the presser's authority on every press (the feature's
list source does that, as its command does).

Pages stay ephemeral: a press edits the private message it came from. Only the member who asked
may turn its pages; anyone else gets a kind private refusal.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import discord

from bot.ui.errors import reports_errors
from bot.ui.replies import CONTENT_LIMIT, fit_content, reply_ephemeral

if TYPE_CHECKING:
    from bot.app import Hearth

ENTRIES_PER_PAGE = 10
PAGE_PREFIX = "hearth:page"
LIST_NAME = re.compile(r"[a-z][a-z-]{0,19}")
ARGUMENT = re.compile(r"[A-Za-z0-9_-]{0,30}")


@dataclass(frozen=True)
class Listing:
    """What a list shows: its entries (each one whole line or block) and the words around them."""

    entries: list[str]
    heading: str = ""
    closing: str = ""
    empty: str = "Nothing here. 🌿"
    per_page: int = ENTRIES_PER_PAGE


# Builds a list for the member pressing (or asking): checks their authority and raises
# UserFacingError if they may not see it, like the command does.
ListSource = Callable[[discord.Interaction, str], Awaitable[Listing]]


@dataclass(frozen=True)
class Page:
    text: str
    number: int  # 1-based
    total: int


def indicator(number: int, total: int) -> str:
    return f"-# Page {number} of {total}"


def split_pages(listing: Listing, limit: int = CONTENT_LIMIT) -> list[list[str]]:
    """The entries, in order, in pages of at most `per_page` that fit in `limit` characters with
    the heading, the closing line and the page indicator. An entry too long for a page by itself
    (none of Hearth's lists has one) is shortened at a line and says so; no other is touched."""
    widest = indicator(10**6, 10**6)
    framing = sum(len(part) + 1 for part in (listing.heading, listing.closing, widest) if part)
    room = max(limit - framing, 200)
    pages: list[list[str]] = []
    current: list[str] = []
    used = 0
    for raw in listing.entries:
        entry = fit_content(raw, room) or ""
        cost = len(entry) + 1
        if current and (len(current) >= listing.per_page or used + cost > room):
            pages.append(current)
            current, used = [], 0
        current.append(entry)
        used += cost
    if current:
        pages.append(current)
    return pages


def line_chunks(lines: list[str], limit: int) -> list[str]:
    """`lines` joined into as few texts of at most `limit` characters as they fit in, each line
    whole (for embed fields, whose values hold 1024); a line longer than `limit` by itself is
    shortened at a word and says so."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = fit_content(line, limit) or ""
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current or not lines:
        chunks.append(current)
    return chunks


def render_page(listing: Listing, wanted: int) -> Page:
    """Page `wanted` (1-based, clamped to the pages there are now)."""
    pages = split_pages(listing)
    if not pages:
        return Page(listing.empty, 1, 1)
    number = min(max(wanted, 1), len(pages))
    parts = [listing.heading] if listing.heading else []
    parts += pages[number - 1]
    if listing.closing:
        parts.append(listing.closing)
    if len(pages) > 1:
        parts.append(indicator(number, len(pages)))
    return Page("\n".join(parts), number, len(pages))


@dataclass
class _Registered:
    source: ListSource
    command: str


@dataclass
class PagedLists:
    """The lists features show in pages, by name; built once on the bot, filled as cogs load."""

    _lists: dict[str, _Registered] = field(default_factory=dict)

    def register(self, name: str, source: ListSource, *, command: str) -> None:
        if not LIST_NAME.fullmatch(name):
            raise ValueError(f"list name {name!r} must match {LIST_NAME.pattern}")
        self._lists[name] = _Registered(source, command)

    def unregister(self, name: str) -> None:
        self._lists.pop(name, None)

    def get(self, name: str) -> _Registered | None:
        return self._lists.get(name)

    async def show(self, interaction: discord.Interaction, name: str, argument: str = "") -> None:
        """Answer the command privately with the list's first page (and buttons if it has more)."""
        registered = self._lists[name]
        if not ARGUMENT.fullmatch(argument):
            raise ValueError(f"list argument {argument!r} must match {ARGUMENT.pattern}")
        page = render_page(await registered.source(interaction, argument), 1)
        view = page_buttons(name, interaction.user.id, argument, page)
        await reply_ephemeral(interaction, page.text, view=view)


def page_buttons(name: str, owner: int, argument: str, page: Page) -> discord.ui.View | None:
    if page.total <= 1:
        return None
    view = discord.ui.View(timeout=None)
    for label, target, at_end in (
        ("Previous", page.number - 1, page.number <= 1),
        ("Next", page.number + 1, page.number >= page.total),
    ):
        button = PageButton(name, owner, target, argument, label=label)
        button.item.disabled = at_end
        view.add_item(button)
    return view


def not_yours(command: str) -> str:
    return (
        "These pages belong to the person who asked for them, so only they can turn them. "
        f"You can see the list for yourself with `{command}`. 💛"
    )


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=(
        PAGE_PREFIX + r":(?P<name>[a-z][a-z-]{0,19}):(?P<owner>[0-9]{1,20}):(?P<page>[0-9]{1,6})"
        r":(?P<argument>[A-Za-z0-9_-]{0,30})"
    ),
):
    def __init__(
        self, name: str, owner: int, page: int, argument: str, *, label: str = "Next"
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"{PAGE_PREFIX}:{name}:{owner}:{page}:{argument}",
            )
        )
        self.name = name
        self.owner = owner
        self.page = page
        self.argument = argument

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> PageButton:
        return cls(match["name"], int(match["owner"]), int(match["page"]), match["argument"] or "")

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        bot: Hearth = interaction.client  # type: ignore[assignment]
        registered = bot.paged_lists.get(self.name)
        if registered is None:
            # The feature that owns the list didn't load in this process.
            await reply_ephemeral(
                interaction, "This list isn't available just now. Please try again later."
            )
            return
        if interaction.user.id != self.owner:
            await reply_ephemeral(interaction, not_yours(registered.command))
            return
        # Some lists take a while to build (a server with thousands of meetings): acknowledge
        # first, then edit the page in place.
        await interaction.response.defer()
        page = render_page(await registered.source(interaction, self.argument), self.page)
        view = page_buttons(self.name, self.owner, self.argument, page)
        await interaction.edit_original_response(content=page.text, view=view)
