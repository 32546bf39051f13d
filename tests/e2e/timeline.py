"""Moving the shared clock and waiting for what Hearth then sends by itself.

No `run_now` here: the scheduler notices each move of the clock (`HearthRunner` wires it) and
fires whatever fell due, as it does in production when time passes.
"""

from __future__ import annotations

import json
from datetime import datetime

from tests.clocks import ManualClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import RecordedRequest

# Generous: a run is a few database queries and REST calls, but the machine may be busy.
FIRE_TIMEOUT = 10.0


def jump(fake: FakeDiscord, clock: ManualClock, moment: datetime) -> int:
    """Set the clock; returns the request count before, to wait for what follows from it."""
    since = len(fake.requests)
    clock.set(moment)
    return since


async def posted(
    fake: FakeDiscord, channel_id: int, *, since: int, containing: str = ""
) -> RecordedRequest:
    """The next message Hearth posts in the channel (whose body contains `containing`)."""
    return await fake.wait_for_request(
        "POST",
        rf"/channels/{channel_id}/messages",
        predicate=lambda r: containing in json.dumps(r.json, ensure_ascii=False),
        since=since,
        timeout=FIRE_TIMEOUT,
    )


async def dm_sent(
    fake: FakeDiscord, user_id: int, *, since: int, containing: str = ""
) -> RecordedRequest:
    """The next direct message Hearth sends the user."""

    def to_user(request: RecordedRequest) -> bool:
        dm = fake.dm_channel_id(user_id)
        return (
            dm is not None
            and request.path == f"/channels/{dm}/messages"
            and containing in json.dumps(request.json, ensure_ascii=False)
        )

    return await fake.wait_for_request(
        "POST", r"/channels/\d+/messages", predicate=to_user, since=since, timeout=FIRE_TIMEOUT
    )
