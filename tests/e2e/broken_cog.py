"""A feature whose setup fails, to show one broken cog does not stop the rest."""

from __future__ import annotations


async def setup(bot: object) -> None:
    raise RuntimeError("this feature is broken on purpose")
