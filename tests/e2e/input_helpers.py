"""Shared steps for the hostile-input regression tests."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import stored
from tests.e2e.harness import Community, answered
from tests.fakediscord import FakeDiscord, Interaction

ZERO_WIDTH_AND_BIDI = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def hostile(member: int) -> str:
    """A value a member could type: a ping, markdown, invisible and right-to-left characters."""
    return f"<@{member}> @everyone **loud** `x` ~~y~~ \u200b\u202e" + "A" * 30


def quoted_parts(text: str) -> list[str]:
    return re.findall(r"“([^”]*)”", text)


def assert_refused_kindly(ix: Interaction) -> None:
    assert ix.ephemeral, ix.text
    assert "went wrong" not in ix.text, ix.text
    assert len(ix.text) <= 2000


def assert_quotes_only_a_safe_excerpt(ix: Interaction, member: int) -> None:
    assert_refused_kindly(ix)
    assert f"<@{member}>" not in ix.text and "@everyone" not in ix.text
    assert "**loud**" not in ix.text and "~~y~~" not in ix.text
    assert not ZERO_WIDTH_AND_BIDI.search(ix.text)
    parts = quoted_parts(ix.text)
    assert parts, ix.text
    assert all(len(part) <= 40 for part in parts), parts


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.exc_info or r.levelno >= logging.ERROR or "could not deliver" in r.getMessage()
    ]


async def slash(
    fake: FakeDiscord, community: Community, user: int, command: str, **options: Any
) -> Interaction:
    ix = await fake.slash(community.guild_id, user, command, options=options)
    await answered(ix)
    await ix.wait_final()
    return ix


async def unofficial(
    fake: FakeDiscord, community: Community, user: int, command: str, **options: Any
) -> Interaction:
    """As a client other than Discord's own would send it: past the declared limits."""
    ix = await fake.slash(
        community.guild_id,
        user,
        command,
        options=options,
        ignore_option_limits=True,
        ignore_command_permissions=True,
    )
    await answered(ix)
    await ix.wait_final()
    return ix


def count(database: Path | str, table: str) -> int:
    with stored.connect(database) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
