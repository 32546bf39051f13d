"""`python -m bot sync` beside a running bot: it syncs commands and touches nothing else."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.e2e import stored
from tests.e2e.harness import Community, HearthRunner, answered
from tests.fakediscord import FakeDiscord

REPO = Path(__file__).resolve().parents[2]
# What a sync may ask of Discord: who am I, which application, and the command list itself.
SYNC_ROUTES = ("/users/@me", "/oauth2/applications/@me", "/applications/")


def _dump(database: Path | str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table except app_state, where the sync records its hash."""
    with stored.connect(database) as conn:
        tables = [name for name in stored.tables(conn) if name != "app_state"]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


async def test_sync_beside_a_running_bot_changes_nothing_but_the_commands(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    await runner.start()
    ix = await fake.slash(
        community.guild_id, community.member, "sobriety set", options={"date": "2026-01-02"}
    )
    await answered(ix)
    # The running bot is in the middle of posting a celebration: its claim is 'sending'. A
    # recovery run by anyone else would hand it back for a second post.
    with stored.connect(database) as conn:
        (period_id,) = conn.execute("SELECT id FROM sobriety_periods").fetchone()
        conn.execute(
            "INSERT INTO milestone_celebrations (period_id, milestone_key, milestone_date,"
            " channel, status, updated_at) VALUES (?, '30d', '2026-02-01', 'dm', 'sending',"
            " '2026-02-01T09:00:00+00:00')",
            (period_id,),
        )
    before = _dump(database)
    since = len(fake.requests)
    syncs = len(fake.command_syncs)

    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env.update(runner.environment())
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sync",
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert "synced" in stdout.decode()

    assert len(fake.command_syncs) == syncs + 1
    assert _dump(database) == before, "sync must not recover, reschedule or deliver anything"
    # The running bot's own traffic is told apart by its gateway-driven calls; the sync process
    # made only its login and command calls, and posted nothing anywhere.
    posted = [
        r
        for r in fake.requests[since:]
        if r.method in {"POST", "PATCH", "DELETE"} and "/interactions/" not in r.path
    ]
    assert all(r.path.startswith(SYNC_ROUTES) for r in posted), [r.path for r in posted]
    assert fake.sessions == 1, "sync must not open a gateway session"
