"""The fake's rate limits: off by default, Discord-shaped 429s when enabled, and the real
discord.py client pacing itself by the headers and retrying after a 429."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from tests.e2e.smoke_bot import TOKEN, SmokeBot, World
from tests.fakediscord.fault_log import RATE_LIMITED
from tests.fakediscord.ratelimits import RATE_LIMITED_MESSAGE

MESSAGES_ROUTE = "/channels/{channel_id}/messages"
BOT_AUTH = {"Authorization": f"Bot {TOKEN}"}


async def _post(
    session: aiohttp.ClientSession, world: World, channel_id: int, content: str
) -> tuple[int, dict[str, str], Any]:
    url = f"{world.fake.api_base}/channels/{channel_id}/messages"
    async with session.post(url, json={"content": content}, headers=BOT_AUTH) as resp:
        return resp.status, dict(resp.headers), await resp.json()


def _contents(world: World, channel_id: int) -> list[str]:
    return [m["content"] for m in world.fake.channel_messages(channel_id)]


@pytest.mark.asyncio
async def test_rate_limits_are_off_by_default(world: World) -> None:
    async with aiohttp.ClientSession() as session:
        answers = [await _post(session, world, world.checkins, f"m{i}") for i in range(60)]
    assert {status for status, _, _ in answers} == {200}
    assert {headers["X-RateLimit-Remaining"] for _, headers, _ in answers} == {"4"}
    assert world.fake.rate_limits.total == 0 and world.fake.fault_log == []
    assert len(_contents(world, world.checkins)) == 60


@pytest.mark.asyncio
async def test_route_bucket_headers_are_truthful_and_the_429_is_discords(world: World) -> None:
    fake = world.fake
    fake.rate_limits.enable()
    other = world.guild.add_text_channel("other")
    async with aiohttp.ClientSession() as session:
        answers = [await _post(session, world, world.checkins, f"m{i}") for i in range(6)]
        status, other_headers, _ = await _post(session, world, other, "elsewhere")

    ok = answers[:5]
    assert [s for s, _, _ in ok] == [200] * 5
    assert [h["X-RateLimit-Remaining"] for _, h, _ in ok] == ["4", "3", "2", "1", "0"]
    assert {h["X-RateLimit-Limit"] for _, h, _ in ok} == {"5"}
    bucket = ok[0][1]["X-RateLimit-Bucket"]
    assert {h["X-RateLimit-Bucket"] for _, h, _ in ok} == {bucket}
    assert all(0 < float(h["X-RateLimit-Reset-After"]) <= 5.0 for _, h, _ in ok)
    assert all("X-RateLimit-Scope" not in h for _, h, _ in ok)  # only on 429s, as on Discord

    limited_status, headers, body = answers[5]
    assert limited_status == 429
    assert body["message"] == RATE_LIMITED_MESSAGE and body["global"] is False
    assert 0 < body["retry_after"] <= 5.0
    assert headers["Content-Type"] == "application/json"
    assert headers["Via"]  # discord.py only retries 429s that carry Via
    assert int(headers["Retry-After"]) >= body["retry_after"]
    assert headers["X-RateLimit-Scope"] == "user" and "X-RateLimit-Global" not in headers
    assert headers["X-RateLimit-Remaining"] == "0" and headers["X-RateLimit-Bucket"] == bucket

    # Another channel: same bucket hash, its own window.
    assert status == 200 and other_headers["X-RateLimit-Bucket"] == bucket
    assert other_headers["X-RateLimit-Remaining"] == "4"
    assert _contents(world, world.checkins) == [f"m{i}" for i in range(5)]

    limits = fake.rate_limits
    assert (limits.total, limits.route_count, limits.global_count) == (1, 1, 0)
    assert limits.by_route() == {f"POST {MESSAGES_ROUTE}": 1}
    assert limits.by_bucket() == {"channel-messages-create": 1}
    [hit] = limits.served
    assert hit.major == str(world.checkins) and hit.scope == "user" and not hit.is_global
    [logged] = fake.fault_log
    assert (
        logged.kind == RATE_LIMITED and logged.target == f"POST /channels/{world.checkins}/messages"
    )
    [record] = [r for r in fake.requests if r.status == 429]
    assert record.fault == RATE_LIMITED and record.response == body


@pytest.mark.asyncio
async def test_discordpy_paces_itself_by_the_headers(world: World, bot: SmokeBot) -> None:
    fake = world.fake
    fake.rate_limits.enable()
    fake.rate_limits.set_route("POST", MESSAGES_ROUTE, limit=2, per=0.3)
    channel = bot.get_partial_messageable(world.checkins)
    for i in range(5):
        await channel.send(f"paced {i}")
    # discord.py read Remaining 0 and Reset-After and waited before asking again: no 429.
    assert fake.rate_limits.total == 0
    assert _contents(world, world.checkins) == [f"paced {i}" for i in range(5)]
    posts = [r for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")]
    # The fifth request opened a third window: two full windows of 0.3 s went by.
    assert posts[4].timestamp - posts[0].timestamp >= 0.6 - 0.01


@pytest.mark.asyncio
async def test_discordpy_waits_out_a_route_429_and_retries_once(
    world: World, bot: SmokeBot
) -> None:
    fake = world.fake
    fake.rate_limits.enable()
    fake.rate_limits.set_route("POST", MESSAGES_ROUTE, limit=2, per=0.5)
    # Another process with the same token used up the channel's bucket.
    async with aiohttp.ClientSession() as session:
        for i in range(2):
            assert (await _post(session, world, world.checkins, f"other {i}"))[0] == 200

    await bot.get_partial_messageable(world.checkins).send("hello")

    assert _contents(world, world.checkins) == ["other 0", "other 1", "hello"]
    [hit] = fake.rate_limits.served
    assert hit.route == f"POST {MESSAGES_ROUTE}" and not hit.is_global
    tries = [r for r in fake.requests if _is_hello(r.json)]
    assert [r.status for r in tries] == [429, 200]
    assert tries[1].timestamp - tries[0].timestamp >= hit.retry_after - 0.01


def _is_hello(body: Any) -> bool:
    return isinstance(body, dict) and body.get("content") == "hello"


@pytest.mark.asyncio
async def test_the_global_limit_pauses_every_request_then_all_succeed(
    world: World, bot: SmokeBot
) -> None:
    fake = world.fake
    channels = [world.guild.add_text_channel(f"room-{i}") for i in range(8)]
    fake.rate_limits.enable(global_per_second=5)
    # Eight channels are eight route buckets: only the global bucket can stop this burst.
    await asyncio.gather(*(bot.get_partial_messageable(c).send(f"to {c}") for c in channels))
    for channel in channels:
        assert _contents(world, channel) == [f"to {channel}"]
    limits = fake.rate_limits
    assert limits.global_count >= 1 and limits.route_count == 0
    assert all(hit.is_global and hit.scope == "global" for hit in limits.served)
    assert limits.by_bucket() == {"global": limits.global_count}
    limited = [r for r in fake.requests if r.status == 429]
    assert all(r.response["global"] is True for r in limited)


@pytest.mark.asyncio
async def test_interaction_callbacks_are_exempt_from_the_global_limit(
    world: World, bot: SmokeBot
) -> None:
    fake = world.fake
    fake.rate_limits.enable(global_per_second=1)
    for _ in range(3):
        ix = await fake.slash(world.guild.id, world.alice, "ping")
        assert (await ix.wait_final())["content"] == "pong"
    assert fake.rate_limits.total == 0  # three callbacks inside one second, none limited

    url = fake.api_base + "/users/@me"
    async with aiohttp.ClientSession() as session:
        statuses = []
        for _ in range(2):
            async with session.get(url, headers=BOT_AUTH) as resp:
                statuses.append(resp.status)
                headers = dict(resp.headers)
    assert statuses == [200, 429]
    assert headers["X-RateLimit-Global"] == "true" and headers["X-RateLimit-Scope"] == "global"
    assert fake.rate_limits.global_count == 1
