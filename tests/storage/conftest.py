"""Repository tests run on each backend: a real SQLite file under tmp_path, and a database of
their own on the test run's PostgreSQL server (`db_target`, in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.storage import Storage, open_storage


@pytest.fixture
async def storage(db_target: Path | str) -> AsyncIterator[Storage]:
    opened = await open_storage(db_target)
    try:
        yield opened
    finally:
        await opened.close()
