"""One Hearth process per SQLite database.

SQLite has one writer and Hearth keeps its schedule in memory, so a second process on the same
file would send reminders twice and fight over claims. `python -m bot` (run) takes an exclusive
advisory lock on a file beside the database for as long as it runs; a second one is refused with
one clear line. The kernel drops the lock when the process ends, even by SIGKILL, so a crash never
leaves a stale lock behind. Only `run` takes it: `sync` changes nothing but Discord's commands.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path


class AlreadyRunning(Exception):
    """Another process holds the database's lock."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def one_process_per_database(database: Path) -> Iterator[Path]:
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(
                f"another Hearth process is already using {database}; SQLite supports one "
                "process - see README Scaling out"
            ) from None
        try:
            yield path
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
