"""Building and running Hearth from Settings: the same path for `python -m bot` and the tests."""

from __future__ import annotations

import asyncio
import importlib
import logging
import signal
import sys
from typing import Any

import aiohttp
import discord

from bot.app import Hearth, TokenRefused, apply_discord_endpoints, cog_modules
from bot.clock import Clock, SystemClock
from bot.health import health_file, is_fresh
from bot.helplines import load_helplines
from bot.process_lock import AlreadyRunning, one_process_per_database
from bot.reachability import wait_until_reachable
from bot.reference_data import ReferenceDataError, load_countries
from bot.settings import Settings
from bot.shard_locks import ShardLockUnavailable, shards_held
from bot.storage.backends import open_database
from bot.storage.copy_data import CopyError, copy_database
from bot.storage.database import DatabaseError, bundled_migrations, is_postgres_url
from bot.storage.rekey import DataKeyError, check_data_key, rekey, sealed_with
from bot.storage.sealing import FieldCodec
from bot.storage.storage import open_storage
from bot.storage.urls import without_password

log = logging.getLogger("hearth")

EXIT_OK, EXIT_FAILURE, EXIT_CONFIG = 0, 1, 2
UNREACHABLE = (aiohttp.ClientError, OSError, discord.DiscordServerError)


class StartupError(Exception):
    """Start-up cannot go on; `exit_code` says whether it is configuration (2) or runtime (1)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


async def build_hearth(
    settings: Settings,
    *,
    clock: Clock | None = None,
    force_sync: bool = False,
    owns_timed_work: bool = True,
    **client_options: Any,
) -> Hearth:
    """Open storage (migrating it), load shipped data and construct the bot, failing early."""
    try:
        countries = load_countries()
        helplines = load_helplines()
    except ReferenceDataError as exc:
        raise StartupError(str(exc), EXIT_CONFIG) from None
    clock = clock or SystemClock()
    codec = FieldCodec(settings.data_keys[0])
    try:
        storage = await open_storage(settings.database, codec=codec)
    except DatabaseError as exc:
        raise StartupError(str(exc), EXIT_FAILURE) from None
    try:
        await check_data_key(storage.database, codec, clock.now())
    except DataKeyError as exc:
        await storage.close()
        raise StartupError(str(exc), EXIT_CONFIG) from None
    apply_discord_endpoints(settings)
    return Hearth(
        settings=settings,
        storage=storage,
        clock=clock,
        countries=countries,
        helplines=helplines,
        force_sync=force_sync,
        owns_timed_work=owns_timed_work,
        **client_options,
    )


async def run(settings: Settings) -> int:
    # Refuse a process that would double another's work before it opens (or migrates) anything:
    # SQLite serves one process; on PostgreSQL each shard is run by one process.
    try:
        if is_postgres_url(settings.database_url):
            async with shards_held(settings.database_url, settings.shard_plan):
                return await _run(settings)
        with one_process_per_database(settings.database_path):
            return await _run(settings)
    except (AlreadyRunning, ShardLockUnavailable) as exc:
        raise StartupError(str(exc), EXIT_FAILURE) from None


async def _run(settings: Settings) -> int:
    bot = await build_hearth(settings)
    loop = asyncio.get_running_loop()

    def request_stop(sig: signal.Signals) -> None:
        log.info("shutting down", extra={"signal": sig.name})
        bot.background.spawn(bot.close(), name="shutdown")

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, request_stop, sig)
    try:
        await wait_until_reachable(discord.http.Route.BASE)
        async with bot:
            await bot.run_with_token(settings.discord_token.get_secret_value())
    except TokenRefused:
        raise StartupError(
            "DISCORD_TOKEN was refused by Discord (401): copy the bot token again from the "
            "developer portal",
            EXIT_FAILURE,
        ) from None
    except UNREACHABLE as exc:
        # Reachable a moment ago and gone again during login: exit so a supervisor restarts us.
        raise StartupError(
            f"Discord stopped answering during login ({exc!r})", EXIT_FAILURE
        ) from None
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await bot.storage.close()
    log.info("stopped")
    return EXIT_OK


async def sync(settings: Settings) -> int:
    """Log in over REST only, force a command sync, and leave."""
    bot = await build_hearth(settings, force_sync=True, owns_timed_work=False)
    try:
        await wait_until_reachable(discord.http.Route.BASE)
        async with bot:
            await bot.run_with_token(settings.discord_token.get_secret_value(), connect=False)
    except TokenRefused:
        raise StartupError("DISCORD_TOKEN was refused by Discord (401)", EXIT_FAILURE) from None
    except UNREACHABLE as exc:
        raise StartupError(
            f"Discord stopped answering during login ({exc!r})", EXIT_FAILURE
        ) from None
    finally:
        await bot.storage.close()
    print("hearth: application commands synced")
    return EXIT_OK


async def migrate(settings: Settings) -> int:
    try:
        storage = await open_storage(settings.database, migrate=False)
        applied = await storage.database.migrate()
        version = await storage.database.schema_version()
        await storage.close()
    except DatabaseError as exc:
        raise StartupError(str(exc), EXIT_FAILURE) from None
    done = f"applied {', '.join(map(str, applied))}" if applied else "nothing to apply"
    print(f"hearth: database {settings.database_label} is at schema version {version} ({done})")
    return EXIT_OK


async def rotate_key(settings: Settings) -> int:
    """Re-seal every sealed value: from HEARTH_DATA_KEY_OLD (unset: the values are plain) to
    HEARTH_DATA_KEY (unset: store them plain again). Run it while Hearth is stopped."""
    new, old = settings.data_keys
    if new is None and old is None:
        raise StartupError(
            "rotate-key needs HEARTH_DATA_KEY (the key to seal with) and, if the data is sealed "
            "already, HEARTH_DATA_KEY_OLD (the key it is sealed with now)",
            EXIT_CONFIG,
        )
    if new is not None and old is not None and new.key_id == old.key_id:
        raise StartupError("HEARTH_DATA_KEY and HEARTH_DATA_KEY_OLD are the same key", EXIT_CONFIG)
    try:
        storage = await open_storage(settings.database)
    except DatabaseError as exc:
        raise StartupError(str(exc), EXIT_FAILURE) from None
    try:
        result = await rekey(storage.database, old, new, SystemClock().now())
    except DataKeyError as exc:
        raise StartupError(str(exc), EXIT_CONFIG) from None
    finally:
        await storage.close()
    state = f"sealed with data key {result.key_id}" if result.key_id else "stored plain"
    print(f"hearth: {result.values} value(s) re-written, now {state}")
    return EXIT_OK


async def check(settings: Settings) -> int:
    """Validate settings, shipped data, cogs and the database without changing anything."""
    try:
        load_countries()
        load_helplines()
    except ReferenceDataError as exc:
        raise StartupError(str(exc), EXIT_CONFIG) from None
    for module in cog_modules():
        try:
            importlib.import_module(module)
        except Exception as exc:
            raise StartupError(f"{module} does not import: {exc!r}", EXIT_FAILURE) from None
    try:
        database = await open_database(settings.database)
        version = await database.schema_version()
        # app_state, where the key's id is kept, arrives with migration 2.
        marker = await sealed_with(database) if version >= 2 else None
        await database.close()
        latest = bundled_migrations()[-1].version
    except DatabaseError as exc:
        raise StartupError(str(exc), EXIT_FAILURE) from None
    if version > latest:
        raise StartupError(
            f"the database is at schema version {version}, newer than this Hearth ({latest})",
            EXIT_FAILURE,
        )
    key = settings.data_keys[0]
    if marker is not None and (key is None or key.key_id != marker):
        raise StartupError(
            f"the database's notes are sealed with data key {marker}, and HEARTH_DATA_KEY "
            + ("is not set" if key is None else f"is key {key.key_id}"),
            EXIT_CONFIG,
        )
    state = "up to date" if version == latest else f"{latest - version} migration(s) to apply"
    sealing = f"notes sealed with data key {key.key_id}" if key else "notes stored plain"
    print(
        f"hearth: settings OK; database {settings.database_label}: schema {version} ({state}); "
        f"{sealing}"
    )
    return EXIT_OK


async def health(settings: Settings) -> int:
    """For container health checks: healthy while the running bot's gateway is alive."""
    path = health_file(settings.database_path)
    if is_fresh(path):
        print("hearth: healthy (gateway connected)")
        return EXIT_OK
    print(f"hearth: unhealthy: {path} is missing or stale (no live gateway connection)")
    return EXIT_FAILURE


async def copy_data(settings: Settings, target_url: str) -> int:
    """Copy the configured SQLite database into the empty PostgreSQL database at target_url,
    then check every table's row count and checksum on both sides. Stop Hearth first."""
    if is_postgres_url(settings.database_url):
        raise StartupError(
            "copy-data copies from a SQLite database: HEARTH_DATABASE_URL must name it "
            "(sqlite:///path/to/hearth.db)",
            EXIT_CONFIG,
        )
    if not is_postgres_url(target_url):
        raise StartupError("--to must be a postgresql:// URL", EXIT_CONFIG)
    if not settings.database_path.exists():
        raise StartupError(f"no database at {settings.database_path} to copy", EXIT_FAILURE)
    try:
        source = await open_database(settings.database)
        target = await open_database(target_url)
    except DatabaseError as exc:
        raise StartupError(str(exc), EXIT_FAILURE) from None
    try:
        copies = await copy_database(
            source,
            target,
            lambda c: print(f"  {c.table}: {c.rows} rows, checksum {c.checksum[:16]}"),
        )
    except CopyError as exc:
        raise StartupError(str(exc), EXIT_FAILURE) from None
    finally:
        await source.close()
        await target.close()
    total = sum(copy.rows for copy in copies)
    print(
        f"hearth: copied {total} rows in {len(copies)} tables from {settings.database_label} "
        f"to {without_password(target_url)}; row counts and checksums match"
    )
    return EXIT_OK


def print_error(message: str) -> None:
    print(f"hearth: {message}", file=sys.stderr)
