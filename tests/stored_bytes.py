"""Reading what a test's database keeps on disk, on either backend, to show that a value's
plain text is (or is no longer) there."""

from __future__ import annotations

from pathlib import Path

import asyncpg


class StoredBytes:
    """What a database keeps on disk, to look for a value's plain text in it: the SQLite file and
    its write-ahead log, or on PostgreSQL the current files of the tables that hold sealed
    values (and of their TOAST tables), after a CHECKPOINT wrote every changed page out."""

    def __init__(self, target: Path | str, data_dir: Path | None) -> None:
        self.target = target
        self.data_dir = data_dir

    async def read(self, tables: tuple[str, ...]) -> bytes:
        if isinstance(self.target, Path):
            parts = [self.target, self.target.with_name(self.target.name + "-wal")]
            return b"".join(p.read_bytes() for p in parts if p.exists()).lower()
        if self.data_dir is None:
            raise ValueError("PostgreSQL's data directory is needed to read its files")
        conn = await asyncpg.connect(self.target)
        try:
            await conn.execute("CHECKPOINT")
            files = []
            for table in tables:
                files += await conn.fetchval(
                    "SELECT array_remove(ARRAY[pg_relation_filepath(c.oid),"
                    " pg_relation_filepath(c.reltoastrelid)], NULL)"
                    " FROM pg_class c WHERE c.relname = $1 AND c.relkind = 'r'",
                    table,
                )
        finally:
            await conn.close()
        chunks = []
        for relative in files:
            # A relation over 1 GB continues in numbered segments: path.1, path.2 ...
            segment, number = self.data_dir / relative, 0
            while segment.exists():
                chunks.append(segment.read_bytes())
                number += 1
                segment = self.data_dir / f"{relative}.{number}"
        return b"".join(chunks).lower()
