"""Every table that names a member is accounted for by the export, the erasure and the README."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage.privacy import MEMBER_DATA
from bot.storage.storage import open_storage

# Columns that hold a member's Discord id.
MEMBER_COLUMNS = {
    "user_id",
    "created_by",
    "actor_id",
    "claimed_by",
    "closed_by",
    "target_id",
    "disabled_by",
    "supporter_id",
    "partner_id",
    "ended_by",
}
README = Path(__file__).resolve().parents[2] / "README.md"


async def test_every_table_naming_a_member_is_classified(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    await (await open_storage(path)).close()
    with sqlite3.connect(path) as conn:
        tables = [
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        naming = {
            table
            for table in tables
            for (_, column, *_rest) in conn.execute(f"PRAGMA table_info({table})")
            if column in MEMBER_COLUMNS
        }
    assert naming, "the schema was read"
    missing = sorted(naming - set(MEMBER_DATA))
    assert missing == [], f"add these to MEMBER_DATA (and the README's Privacy section): {missing}"
    assert set(MEMBER_DATA) <= set(tables), "MEMBER_DATA names a table that does not exist"


def test_the_readme_lists_every_member_table() -> None:
    privacy = README.read_text("utf-8").split("## Privacy", 1)[1].split("\n## ", 1)[0]
    assert [t for t in MEMBER_DATA if f"`{t}`" not in privacy] == []
