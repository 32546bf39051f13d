"""Every slash command is described, fits Discord's limits and has a unique name."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import Hearth
from bot.runner import build_hearth
from bot.settings import Settings
from tests.clocks import ManualClock

NAME = re.compile(r"^[-_\w]{1,32}$")


@pytest.fixture
async def hearth(tmp_path: Path) -> AsyncIterator[Hearth]:
    settings = Settings(discord_token="t", database_url=f"sqlite:///{tmp_path}/h.db")
    bot = await build_hearth(settings, clock=ManualClock())
    await bot._load_cogs()
    try:
        yield bot
    finally:
        await bot.storage.close()


def _walk(payload: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    here = f"{path} {payload['name']}".strip()
    yield here, payload
    for option in payload.get("options", []):
        yield from _walk(option, here)


async def test_all_cogs_load(hearth: Hearth) -> None:
    assert hearth.failed_cogs == {}


async def test_every_command_and_option_is_described(hearth: Hearth) -> None:
    payloads = [command.to_dict(hearth.tree) for command in hearth.tree.get_commands()]
    assert payloads, "no commands registered"
    top_level = [p["name"] for p in payloads]
    assert len(top_level) == len(set(top_level)), "two top-level commands share a name"
    for payload in payloads:
        for path, item in _walk(payload):
            if payload.get("type", 1) != 1:
                # Context-menu names are shown as written: any case and spaces, 1 to 32 long.
                assert 1 <= len(item["name"]) <= 32, path
                continue
            assert NAME.match(item["name"]) and item["name"] == item["name"].lower(), path
            if payload.get("type", 1) == 1:
                description = item.get("description", "")
                assert 1 <= len(description) <= 100, f"{path}: {description!r}"
                assert description != "…", f"{path} has no description"
            siblings = [option["name"] for option in item.get("options", [])]
            assert len(siblings) == len(set(siblings)), f"{path} repeats an option name"
            assert len(siblings) <= 25, path
            assert len(item.get("choices", [])) <= 25, path
