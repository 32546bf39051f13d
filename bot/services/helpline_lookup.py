"""Which helplines to show a member: their country's, else the server's, else the fallback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.domain.crisis_settings import LocalLine
from bot.helplines import CountryHelplines, FallbackEntry, Helpline, HelplineDirectory

if TYPE_CHECKING:
    from bot.app import Hearth


@dataclass(frozen=True)
class LinesToShow:
    country_code: str | None
    country_name: str | None
    country: CountryHelplines | None
    ordered: list[Helpline]
    local: list[LocalLine]
    fallback: FallbackEntry


class HelplineLookup:
    def __init__(self, bot: Hearth, directory: HelplineDirectory) -> None:
        self.bot = bot
        self.directory = directory

    async def for_member(
        self, member_country: str | None, guild_id: int | None, chosen: str | None = None
    ) -> LinesToShow:
        code = chosen or member_country
        if code is None and guild_id is not None:
            code = (await self.bot.guild_configs.get(guild_id)).helpline_country
        country = self.directory.for_country(code) if code else None
        local = await self.bot.storage.crisis.local_lines(guild_id) if guild_id else []
        return LinesToShow(
            country_code=code if country else None,
            country_name=self.bot.countries.name_of(code) if code else None,
            country=country,
            ordered=self.directory.ordered_lines(code) if country else [],
            local=local,
            fallback=self.directory.fallback(),
        )
