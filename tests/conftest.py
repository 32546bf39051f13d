"""Fixtures shared by the storage and end-to-end suites: the backends they run on."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.postgres_server import PostgresServer, PostgresUnavailable, start_server
from tests.stored_bytes import StoredBytes

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole run. If none can be started the run fails (never
    skips): both backends are part of what the tests prove."""
    try:
        server = start_server()
    except PostgresUnavailable as exc:
        pytest.fail(f"PostgreSQL could not be started for the tests: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def db_target(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Path | str]:
    """Where a test's database is: a SQLite file under tmp_path, or a fresh, migrated
    PostgreSQL database of its own (a URL)."""
    if backend == "sqlite":
        yield tmp_path / "hearth.db"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    url = await server.new_database()
    try:
        yield url
    finally:
        await server.drop_database(url)


@pytest.fixture
def stored_bytes(db_target: Path | str, request: pytest.FixtureRequest) -> StoredBytes:
    """What `db_target` keeps on disk (its PostgreSQL server's data files, on that backend)."""
    if isinstance(db_target, Path):
        return StoredBytes(db_target, None)
    server: PostgresServer = request.getfixturevalue("postgres")
    return StoredBytes(db_target, server.folder / "data")
