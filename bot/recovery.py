"""Settling deliveries a crash left in doubt, once the bot is up, until every one is settled.

A feature's claim left 'sending' by the last stop blocks that delivery (so nothing is sent twice
meanwhile). Its recovery asks the deliverer whether the message reached Discord: if it did, the
claim is finished as sent with that message; if it didn't, the claim is given back so the normal
schedule sends it (if it is still wanted). When Discord can't tell yet (history unreadable), the
claim stays and recovery runs again later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import Hearth

log = logging.getLogger("hearth.recovery")

FIRST_WAIT = 5.0
LONGEST_WAIT = 300.0

# Returns how many claims are still in doubt (0: all settled).
Recover = Callable[[], Awaitable[int]]


def recover_in_background(bot: Hearth, name: str, recover: Recover) -> None:
    if bot.owns_timed_work:
        bot.background.spawn(_until_settled(bot, name, recover), name=f"recover {name}")


async def _until_settled(bot: Hearth, name: str, recover: Recover) -> None:
    await bot.wait_until_ready()
    wait = FIRST_WAIT
    while (left := await recover()) > 0:
        log.warning(
            "deliveries still in doubt: Discord can't be asked yet, trying again",
            extra={"feature": name, "count": left, "seconds": wait},
        )
        await asyncio.sleep(wait)
        wait = min(wait * 2, LONGEST_WAIT)
