"""Repository tests run on a migrated database in a real SQLite file under tmp_path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.storage import Storage, open_storage


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hearth.db"


@pytest.fixture
async def storage(db_path: Path) -> AsyncIterator[Storage]:
    opened = await open_storage(db_path)
    try:
        yield opened
    finally:
        await opened.close()
