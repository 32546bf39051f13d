"""The operator's side of encryption at rest: making a key, rotating, and refusing a wrong one."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.domain.checkins import CheckinInput, Mood
from bot.runner import StartupError, build_hearth
from bot.settings import Settings
from bot.storage.sealing import DataKey, new_key_text
from bot.storage.storage import open_storage
from tests.clocks import ManualClock
from tests.e2e.stored import url_of
from tests.stored_bytes import StoredBytes

REPO = Path(__file__).resolve().parents[2]
NOTE = "canary-cli-note-5b0c"


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HEARTH_", "DISCORD_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def plain_database(path: Path | str) -> None:
    storage = await open_storage(path)
    try:
        await storage.checkins.record(
            1,
            2,
            date(2026, 11, 22),
            CheckinInput(Mood.OKAY, None, NOTE),
            False,
            datetime(2026, 11, 22, tzinfo=UTC),
        )
    finally:
        await storage.close()


def test_new_key_needs_no_settings_and_makes_a_valid_key() -> None:
    result = run("new-key")
    assert result.returncode == 0, result.stderr
    DataKey.parse(result.stdout.strip())
    assert run("new-key").stdout != result.stdout


def test_a_malformed_key_is_one_line_that_does_not_echo_it() -> None:
    result = run("check", DISCORD_TOKEN="t", HEARTH_DATA_KEY="not-a-real-key-value")
    assert result.returncode == 2
    assert result.stderr.startswith("hearth: HEARTH_DATA_KEY: must be 32 random bytes")
    assert "not-a-real-key-value" not in result.stderr and result.stderr.count("\n") == 1


async def test_rotate_key_seals_old_values_and_check_then_wants_that_key(
    db_target: Path | str, stored_bytes: StoredBytes
) -> None:
    await plain_database(db_target)
    key = new_key_text()
    env = {"DISCORD_TOKEN": "t", "HEARTH_DATABASE_URL": url_of(db_target)}
    sealed = run("rotate-key", HEARTH_DATA_KEY=key, **env)
    key_id = DataKey.parse(key).key_id
    assert sealed.returncode == 0, sealed.stderr
    assert f"1 value(s) re-written, now sealed with data key {key_id}" in sealed.stdout
    assert NOTE.encode() not in await stored_bytes.read(("checkins",))

    refused = run("check", **env)
    assert refused.returncode == 2 and f"sealed with data key {key_id}" in refused.stderr
    accepted = run("check", HEARTH_DATA_KEY=key, **env)
    assert accepted.returncode == 0 and f"notes sealed with data key {key_id}" in accepted.stdout

    nothing = run("rotate-key", **env)
    assert nothing.returncode == 2 and "rotate-key needs HEARTH_DATA_KEY" in nothing.stderr
    back = run("rotate-key", HEARTH_DATA_KEY_OLD=key, **env)
    assert back.returncode == 0 and "now stored plain" in back.stdout
    assert NOTE.encode() in await stored_bytes.read(("checkins",))


async def test_hearth_will_not_start_with_another_key(db_target: Path | str) -> None:
    url = url_of(db_target)
    first = await build_hearth(
        Settings(discord_token="t", database_url=url, data_key=new_key_text())
    )
    await first.storage.close()
    with pytest.raises(
        StartupError, match="is not the key this database's notes are sealed with"
    ) as e:
        await build_hearth(
            Settings(discord_token="t", database_url=url, data_key=new_key_text()),
            clock=ManualClock(),
        )
    assert e.value.exit_code == 2
