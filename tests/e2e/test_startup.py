"""Start-up, command sync, the shared error path, and the real `python -m bot` process."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

import pytest

from bot import app as app_module
from tests.e2e import stored
from tests.e2e.harness import Community, HearthRunner, answered
from tests.fakediscord import FakeDiscord

REPO = Path(__file__).resolve().parents[2]


async def test_commands_sync_once_and_again_only_when_changed(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    bot = await runner.start()
    assert len(fake.command_syncs) == 1
    scope, commands = fake.command_syncs[0]
    assert scope == "global"
    assert "hearth" in {command["name"] for command in commands}
    assert all(command.get("id") for command in fake.commands())

    bot = await runner.restart(bot)
    assert len(fake.command_syncs) == 1, "unchanged commands must not be synced again"

    # Definitions that differ from the last sync (as after an upgrade) are synced at start.
    await runner.stop(bot)
    with stored.connect(database) as conn:
        conn.execute(
            "UPDATE app_state SET value = 'older-definitions' WHERE key LIKE 'command_sync:%'"
        )
    await runner.start()
    assert len(fake.command_syncs) == 2


async def test_dev_guild_gets_guild_commands(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    await runner.start(HEARTH_DEV_GUILD_ID=str(community.guild_id))
    assert [scope for scope, _ in fake.command_syncs] == [community.guild_id]
    assert "hearth" in {c["name"] for c in fake.commands(guild_id=community.guild_id)}


async def test_unexpected_error_gets_a_kind_reply_with_an_error_id(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await runner.start()
    with stored.connect(database) as conn:  # the database breaks under the running bot
        conn.execute("DROP TABLE guild_config")
    with caplog.at_level(logging.ERROR, logger="hearth.errors"):
        ix = await fake.slash(
            community.guild_id,
            community.admin,
            "hearth setup",
            options={"timezone": "Europe/Paris"},
        )
        await answered(ix)
    assert ix.ephemeral
    assert "something went wrong on Hearth's side" in ix.text
    records = [r for r in caplog.records if r.getMessage() == "interaction failed"]
    assert len(records) == 1
    error_id = records[0].error_id
    assert f"`{error_id}`" in ix.text
    assert fake.token not in caplog.text


async def test_a_broken_cog_does_not_stop_the_others_or_lose_commands(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot = await runner.start()
    await runner.stop(bot)
    assert len(fake.command_syncs) == 1
    real_modules = app_module.cog_modules()
    monkeypatch.setattr(app_module, "cog_modules", lambda: [*real_modules, "tests.e2e.broken_cog"])
    bot = await runner.start()
    assert "tests.e2e.broken_cog" in bot.failed_cogs
    # A sync now would record a command list missing the broken feature's commands.
    assert len(fake.command_syncs) == 1
    ix = await fake.slash(community.guild_id, community.admin, "hearth status")
    await answered(ix)
    assert "tests.e2e.broken_cog" in ix.text


def _process_env(fake: FakeDiscord, database: Path | str, token: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("HEARTH_") and k != "DISCORD_TOKEN"
    }
    env.update(
        {
            "DISCORD_TOKEN": token,
            "HEARTH_DATABASE_URL": stored.url_of(database),
            "HEARTH_STATE_DIR": str(stored.state_dir_for(database)),
            "HEARTH_DISCORD_API_BASE": fake.api_base,
            "HEARTH_DISCORD_GATEWAY_URL": fake.gateway_url,
        }
    )
    return env


async def test_real_process_starts_serves_and_stops_cleanly_on_sigterm(
    fake: FakeDiscord, community: Community, database: Path | str
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=REPO,
        env=_process_env(fake, database, fake.token),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake.wait_until_ready(timeout=30)
        ix = await fake.slash(
            community.guild_id,
            community.admin,
            "hearth setup",
            options={"timezone": "Australia/Sydney"},
        )
        await answered(ix)
        assert "Australia/Sydney" in ix.text
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "msg=stopped" in log
    assert fake.token not in log
    assert "Australia/Sydney" not in log  # option values are member input: never logged
    with stored.connect(database) as conn:
        (zone,) = conn.execute("SELECT timezone FROM guild_config").fetchone()
    assert zone == "Australia/Sydney"


async def test_real_process_with_a_refused_token_exits_1_with_one_line(
    fake: FakeDiscord, database: Path | str
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=REPO,
        env=_process_env(fake, database, "not-the-right-token"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 1
    last = stderr.decode().strip().splitlines()[-1]
    assert last.startswith("hearth: DISCORD_TOKEN was refused by Discord (401)")
    assert "Traceback" not in stderr.decode()
    assert "not-the-right-token" not in stderr.decode()


async def test_sync_command_forces_a_sync_even_when_unchanged(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    bot = await runner.start()
    await runner.stop(bot)
    assert len(fake.command_syncs) == 1
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sync",
        cwd=REPO,
        env=_process_env(fake, database, fake.token),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert "synced" in stdout.decode()
    assert len(fake.command_syncs) == 2
    assert fake.sessions == 1, "sync must not open a gateway session"
