"""Mentions are opt-in: nothing pings unless a post names it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import Hearth
from bot.runner import build_hearth
from bot.settings import Settings
from bot.ui.mentions import pings_only
from tests.clocks import ManualClock

ROOT = Path(__file__).resolve().parents[2]
# Anything that would let Discord parse mentions out of text.
PARSING = re.compile(r"AllowedMentions\.all\(\)|(everyone|users|roles|replied_user)\s*=\s*True")


@pytest.fixture
async def hearth(tmp_path: Path) -> AsyncIterator[Hearth]:
    settings = Settings(discord_token="t", database_url=f"sqlite:///{tmp_path}/h.db")
    bot = await build_hearth(settings, clock=ManualClock())
    try:
        yield bot
    finally:
        await bot.storage.close()


async def test_the_bot_pings_nobody_by_default(hearth: Hearth) -> None:
    assert hearth.allowed_mentions is not None
    assert hearth.allowed_mentions.to_dict() == {"parse": []}


def test_a_post_pings_exactly_what_it_names() -> None:
    assert pings_only(roles=[5]).to_dict() == {"parse": [], "roles": [5], "users": []}
    assert pings_only().to_dict()["parse"] == []


def test_no_code_lets_discord_parse_mentions_from_text() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("bot", "cogs")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if PARSING.search(line)
    ]
    assert found == []
