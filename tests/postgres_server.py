"""A throwaway PostgreSQL server for the test run, started from what the machine has.

Binaries come from the `pgserver` package (a test dependency that bundles them), else from the
machine's own PostgreSQL (`pg_config --bindir`, then Debian's /usr/lib/postgresql/*/bin). The
cluster lives in a temporary folder, listens on loopback on a free port with durability switched
off (it is thrown away), and is stopped when the run ends. PostgreSQL refuses to run as root, so
as root it runs as `nobody`. Each test gets its own database, copied from a migrated template.
"""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import asyncpg

from bot.storage.storage import open_storage

_START_SECONDS = 30
_INITDB = ("--encoding=UTF8", "--no-locale", "--no-sync")
TEMPLATE = "hearth_template"


class PostgresUnavailable(Exception):
    """No PostgreSQL could be started; the message says why in one line."""


def candidate_bindirs() -> list[Path]:
    """Folders holding initdb and postgres, in order of preference."""
    candidates: list[Path] = []
    # Found, not imported: importing pgserver runs code the tests don't need.
    bundled = importlib.util.find_spec("pgserver")
    if bundled is not None and bundled.origin:
        candidates.append(Path(bundled.origin).parent / "pginstall" / "bin")
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if found.returncode == 0:
            candidates.append(Path(found.stdout.strip()))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    return [
        bindir
        for bindir in dict.fromkeys(candidates)
        if (bindir / "initdb").is_file() and (bindir / "postgres").is_file()
    ]


def _last_line(log: Path) -> str:
    lines = log.read_bytes().decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else "no output"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_unprivileged() -> dict:
    """Popen arguments that drop root, which PostgreSQL insists on."""
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


class PostgresServer:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="hearth-pg-"))
        self.port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._numbers = itertools.count(1)
        self.base_url = f"postgresql://postgres@127.0.0.1:{self.port}"

    def url(self, database: str) -> str:
        return f"{self.base_url}/{database}"

    def start(self) -> None:
        data, log = self.folder / "data", self.folder / "server.log"
        drop = _as_unprivileged()
        if drop:
            os.chown(self.folder, drop["user"], drop["group"])
        try:
            initdb = subprocess.run(
                [self.bindir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", *_INITDB],
                capture_output=True,
                text=True,
                cwd=self.folder,
                **drop,
            )
        except OSError as exc:
            raise PostgresUnavailable(f"initdb could not run: {exc}") from None
        if initdb.returncode != 0:
            last = (initdb.stderr.strip().splitlines() or ["no output"])[-1]
            raise PostgresUnavailable(f"initdb failed: {last}")
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(self.port),
            "unix_socket_directories": str(self.folder),
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "300",
        }
        options = [part for name, value in settings.items() for part in ("-c", f"{name}={value}")]
        with log.open("wb") as output:
            self._process = subprocess.Popen(
                [self.bindir / "postgres", "-D", data, *options],
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=self.folder,
                **drop,
            )
        _run(self._await_ready(log))
        _run(self._build_template())

    async def _await_ready(self, log: Path) -> None:
        deadline = time.monotonic() + _START_SECONDS
        while True:
            if self._process is not None and self._process.poll() is not None:
                raise PostgresUnavailable(f"postgres stopped at start: {_last_line(log)}")
            try:
                conn = await asyncpg.connect(self.url("postgres"), timeout=2)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                if time.monotonic() > deadline:
                    raise PostgresUnavailable(
                        f"postgres did not accept connections: {exc}"
                    ) from exc
                await asyncio.sleep(0.05)  # polling a starting server: nothing to wait on
            else:
                await conn.close()
                return

    async def _build_template(self) -> None:
        await self._admin(f"CREATE DATABASE {TEMPLATE}")
        storage = await open_storage(self.url(TEMPLATE))
        await storage.close()

    async def _admin(self, statement: str) -> None:
        conn = await asyncpg.connect(self.url("postgres"))
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    async def new_database(self, *, migrated: bool = True) -> str:
        """A database of its own for one test: migrated (a copy of the template) or empty."""
        name = f"test_{next(self._numbers)}"
        source = TEMPLATE if migrated else "template0"
        await self._admin(f"CREATE DATABASE {name} TEMPLATE {source} STRATEGY FILE_COPY")
        return self.url(name)

    async def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[-1]
        await self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)  # "fast" shutdown
            try:
                self._process.wait(timeout=_START_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _run(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to completion on a private loop in another thread: the session fixture
    may be set up while a test's event loop is already running in this one."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coroutine)
        except BaseException as exc:
            failure.append(exc)

    worker = threading.Thread(target=target)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]


def start_server() -> PostgresServer:
    """A running server from the first binaries that work here (as root, `nobody` must be able
    to reach them: a virtual environment under a private home folder may not be)."""
    failures = []
    for bindir in candidate_bindirs():
        server = PostgresServer(bindir)
        try:
            server.start()
        except PostgresUnavailable as exc:
            server.stop()
            failures.append(f"{bindir}: {exc}")
            continue
        except BaseException:
            server.stop()
            raise
        return server
    if not failures:
        raise PostgresUnavailable(
            "no PostgreSQL binaries: install the test extra (pip install -e '.[test]', which "
            "brings pgserver) or PostgreSQL itself (apt-get install postgresql)"
        )
    raise PostgresUnavailable("; ".join(failures))
