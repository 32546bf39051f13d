"""A clock tests can set and move; the bot reads time only through its Clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class ManualClock:
    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("use an aware datetime")
        self._now = moment.astimezone(UTC)
        self._moved()

    def advance(self, delta: timedelta) -> None:
        self._now += delta
        self._moved()

    def on_move(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` after every `set` and `advance` (this clock jumps rather than runs,
        so whatever waits on it must be told); returns a function that stops the calls."""
        self._listeners.append(listener)

        def stop() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return stop

    def _moved(self) -> None:
        for listener in list(self._listeners):
            listener()
