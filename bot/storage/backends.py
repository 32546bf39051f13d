"""Opening the database a URL names: a SQLite file, or a PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

from bot.storage.database import Database, is_postgres_url
from bot.storage.postgres_backend import PostgresDatabase
from bot.storage.sqlite_backend import SqliteDatabase


async def open_database(target: str | Path) -> Database:
    """A SQLite file (a path), or PostgreSQL (a postgresql:// URL)."""
    if is_postgres_url(target):
        return await PostgresDatabase.connect(str(target))
    return await SqliteDatabase.connect(Path(target))
