"""The outbound lane: never more than its budget in any second, most urgent first."""

from __future__ import annotations

import asyncio
import time

import pytest
import yarl

from bot.domain.delivery import Priority
from bot.outbound import OutboundLane, is_exempt, rate_for_share


async def test_never_more_than_the_budget_in_any_second_and_urgent_goes_first() -> None:
    lane = OutboundLane(per_second=5, burst=5)
    granted: list[tuple[float, str]] = []

    async def request(name: str, level: Priority) -> None:
        await lane.acquire(level)
        granted.append((time.monotonic(), name))

    bulk = [asyncio.create_task(request(f"bulk{n}", Priority.BULK)) for n in range(9)]
    await asyncio.sleep(0)  # the bulk requests are all waiting before the urgent one comes
    urgent = asyncio.create_task(request("crisis", Priority.URGENT))
    await asyncio.gather(*bulk, urgent)

    times = [at for at, _ in granted]
    for start in times:
        assert sum(1 for at in times if start <= at < start + 1.0) <= 5
    order = [name for _, name in granted]
    # Five went at once; the urgent one was first of those that had to wait.
    assert order[:5] == [f"bulk{n}" for n in range(5)]
    assert order[5] == "crisis"
    assert order[6:] == [f"bulk{n}" for n in range(5, 9)]
    assert times[5] - times[0] < 1.2, "the urgent request left as soon as the budget allowed"
    assert lane.granted == 10 and lane.queued() == 0


async def test_requests_are_paced_evenly_not_sent_a_second_at_a_time() -> None:
    lane = OutboundLane(per_second=20, burst=2)
    times: list[float] = []

    async def request() -> None:
        await lane.acquire(Priority.TIMED)
        times.append(time.monotonic())

    await asyncio.gather(*(request() for _ in range(12)))
    # However the loop is delayed, any stretch of time lets through at most the burst plus
    # the rate times its length: never the rest of the second's budget at once.
    for i, first in enumerate(times):
        for j in range(i + 1, len(times)):
            assert j - i + 1 <= 2 + 20 * (times[j] - first) + 1e-6


async def test_a_cancelled_waiter_does_not_use_up_the_budget() -> None:
    lane = OutboundLane(per_second=1)
    await lane.acquire(Priority.TIMED)
    gone = asyncio.create_task(lane.acquire(Priority.TIMED))
    kept = asyncio.create_task(lane.acquire(Priority.BULK))
    await asyncio.sleep(0)
    gone.cancel()
    await kept
    assert lane.granted == 2


def test_interaction_answers_and_the_gateway_are_not_counted() -> None:
    api = "https://discord.com/api/v10"
    assert is_exempt(yarl.URL(f"{api}/interactions/1/token/callback"))
    assert is_exempt(yarl.URL(f"{api}/webhooks/1/token"))
    assert is_exempt(yarl.URL("wss://gateway.discord.gg/?v=10"))
    assert not is_exempt(yarl.URL(f"{api}/channels/1/messages"))
    assert not is_exempt(yarl.URL(f"{api}/users/@me/channels"))


@pytest.mark.parametrize(
    ("share", "rate"), [(1.0, 45), (0.5, 22), (3 / 8, 16), (0.25, 11), (1 / 8, 5), (1 / 100, 1)]
)
def test_a_process_running_part_of_the_shards_keeps_to_that_part_of_the_budget(
    share: float, rate: int
) -> None:
    assert rate_for_share(share) == rate


@pytest.mark.parametrize("shard_count", range(1, 17))
def test_processes_splitting_the_shards_stay_within_the_one_global_budget(
    shard_count: int,
) -> None:
    # Every way of giving each process a run of shards: one shard each, two each, ... one for all.
    for per_process in range(1, shard_count + 1):
        sizes = [per_process] * (shard_count // per_process)
        if shard_count % per_process:
            sizes.append(shard_count % per_process)
        total = sum(rate_for_share(size / shard_count) for size in sizes)
        assert total <= 45, (shard_count, sizes)


@pytest.mark.parametrize("share", [0.0, -0.5, 1.5])
def test_a_share_outside_the_whole_is_refused(share: float) -> None:
    with pytest.raises(ValueError, match="share of the shards"):
        rate_for_share(share)


def test_the_burst_never_exceeds_the_rate() -> None:
    assert OutboundLane(per_second=2).burst == 2
    assert OutboundLane(per_second=45).burst == 3
