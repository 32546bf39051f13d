"""At most one process per shard on PostgreSQL.

Several processes may share one PostgreSQL database, each running some of Discord's shards
(README "Scaling out"); two processes running the same shard would both do its servers' timed
work and send it twice. Each process holds PostgreSQL session advisory locks for as long as it
runs: an exclusive one per shard it runs, or, running every shard, an exclusive one on the whole
bot. A process that would overlap another is refused with one line. PostgreSQL drops a session's
locks when its connection ends, so a process that dies (even by SIGKILL) frees its shards for the
process restarted in its place.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg

from bot.domain.shards import ShardPlan
from bot.process_lock import AlreadyRunning
from bot.storage.urls import without_password

# pg_advisory_lock's two-key form: the first key says "Hearth's shards", the second which one.
LOCK_SPACE = 0x4845_4152  # "HEAR"
WHOLE_BOT = -1


class ShardLockUnavailable(Exception):
    """The database could not be reached to take the shards' locks."""


@contextlib.asynccontextmanager
async def shards_held(url: str, plan: ShardPlan) -> AsyncIterator[None]:
    try:
        connection = await asyncpg.connect(url)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise ShardLockUnavailable(
            f"cannot open the database at {without_password(url)}: {exc}"
        ) from None
    try:
        if plan.shard_count is None or plan.shard_ids is None:
            # Every shard here: no other process may run any.
            if not await _try(connection, "pg_try_advisory_lock", WHOLE_BOT):
                raise AlreadyRunning(_refusal("all shards"))
        else:
            # Shared: processes running different shards live side by side, but not beside one
            # that runs every shard.
            if not await _try(connection, "pg_try_advisory_lock_shared", WHOLE_BOT):
                raise AlreadyRunning(_refusal("all shards"))
            for shard_id in plan.shard_ids:
                if not await _try(connection, "pg_try_advisory_lock", shard_id):
                    raise AlreadyRunning(_refusal(f"shard {shard_id}"))
        yield
    finally:
        await connection.close()  # the session's locks go with it


async def _try(connection: asyncpg.Connection, function: str, key: int) -> bool:
    return bool(await connection.fetchval(f"SELECT {function}($1::int, $2::int)", LOCK_SPACE, key))


def _refusal(what: str) -> str:
    return (
        f"another Hearth process already runs {what} on this database; each shard may be run "
        "by one process - see README Scaling out"
    )
