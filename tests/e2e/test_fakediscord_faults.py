"""Injected REST faults: 5xx answers (Discord JSON or Cloudflare HTML) and requests that hang,
as the real discord.py client meets them."""

from __future__ import annotations

import asyncio

import aiohttp
import discord
import pytest

from tests.e2e.smoke_bot import TOKEN, SmokeBot, World, eventually
from tests.fakediscord.fault_log import HTTP_ERROR, TIMEOUT
from tests.fakediscord.faults import MAX_HOLD

MESSAGES = r"/channels/\d+/messages"
BOT_AUTH = {"Authorization": f"Bot {TOKEN}"}


def _contents(world: World) -> list[str]:
    return [m["content"] for m in world.fake.channel_messages(world.checkins)]


@pytest.mark.asyncio
async def test_an_injected_503_reaches_the_bot_once_and_is_recorded(
    world: World, bot: SmokeBot
) -> None:
    fake = world.fake
    rule = fake.faults.fail("POST", MESSAGES, status=503)
    channel = bot.get_partial_messageable(world.checkins)
    with pytest.raises(discord.DiscordServerError) as raised:
        await channel.send("first try")
    assert raised.value.status == 503
    assert raised.value.text == "503: Service Unavailable"
    await channel.send("second try")  # times=1: the next request is served normally

    assert _contents(world) == ["second try"]
    assert (rule.matched, rule.served, rule.exhausted) == (1, 1, True)
    [served] = fake.faults.served
    assert (served.kind, served.method, served.status) == (HTTP_ERROR, "POST", 503)
    assert [(e.kind, e.detail["status"]) for e in fake.fault_log] == [(HTTP_ERROR, 503)]
    failed = [r for r in fake.requests if r.fault == HTTP_ERROR]
    assert [(r.status, r.response) for r in failed] == [
        (503, {"message": "503: Service Unavailable", "code": 0})
    ]


@pytest.mark.asyncio
async def test_a_cloudflare_502_is_html_and_discordpy_retries_it(
    world: World, bot: SmokeBot
) -> None:
    fake = world.fake
    fake.faults.fail("POST", MESSAGES, status=502)
    await bot.get_partial_messageable(world.checkins).send("after the bad gateway")

    assert _contents(world) == ["after the bad gateway"]  # posted once, after one retry
    posts = [r for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert [r.status for r in posts] == [502, 200]
    assert posts[0].response is None  # not JSON: Cloudflare's HTML page

    fake.faults.fail("GET", "/users/@me", status=502)
    async with (
        aiohttp.ClientSession() as session,
        session.get(fake.api_base + "/users/@me", headers=BOT_AUTH) as resp,
    ):
        assert resp.status == 502
        assert resp.headers["Content-Type"].startswith("text/html")
        page = await resp.text()
    assert "502 Bad Gateway" in page and "cloudflare" in page


@pytest.mark.asyncio
async def test_the_nth_matching_request_fails_and_times_none_fails_until_cancelled(
    world: World,
) -> None:
    fake = world.fake
    third = fake.faults.fail("POST", MESSAGES, status=500, nth=3)
    url = f"{fake.api_base}/channels/{world.checkins}/messages"
    async with aiohttp.ClientSession() as session:
        statuses = []
        for i in range(4):
            async with session.post(url, json={"content": f"m{i}"}, headers=BOT_AUTH) as resp:
                statuses.append(resp.status)
                if resp.status == 500:
                    assert await resp.json() == {"message": "500: Internal Server Error", "code": 0}
        assert statuses == [200, 200, 500, 200]
        assert third.matched == 3 and third.served == 1 and third.exhausted

        always = fake.faults.fail("*", r"/users/@me", status=503, times=None)
        for _ in range(3):
            async with session.get(fake.api_base + "/users/@me", headers=BOT_AUTH) as resp:
                assert resp.status == 503
        always.cancel()
        async with session.get(fake.api_base + "/users/@me", headers=BOT_AUTH) as resp:
            assert resp.status == 200
    assert _contents(world) == ["m0", "m1", "m3"]
    assert len(fake.faults.served) == 4
    with pytest.raises(ValueError, match="error status"):
        fake.faults.fail("GET", "/users/@me", status=200)


@pytest.mark.asyncio
async def test_a_held_request_ends_when_released_without_an_answer(
    world: World, bot: SmokeBot
) -> None:
    fake = world.fake
    fake.faults.timeout("POST", MESSAGES, hold=MAX_HOLD)
    sending = asyncio.create_task(bot.get_partial_messageable(world.checkins).send("stuck"))
    await eventually(lambda: fake.faults.holding == 1)
    assert not sending.done()

    assert fake.faults.release() == 1
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await sending
    assert _contents(world) == []  # not applied: Discord never saw the message
    [record] = [r for r in fake.requests if r.fault == TIMEOUT]
    assert record.status is None  # never answered
    [served] = fake.faults.served
    assert served.status is None and not served.applied and served.held_for < MAX_HOLD
    with pytest.raises(ValueError, match="hold must be"):
        fake.faults.timeout("GET", "/users/@me", hold=MAX_HOLD + 1)


@pytest.mark.asyncio
async def test_an_applied_timeout_loses_the_answer_but_the_message_exists(
    world: World, bot: SmokeBot
) -> None:
    fake = world.fake
    fake.faults.timeout("POST", MESSAGES, hold=0.2, applied=True)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await bot.get_partial_messageable(world.checkins).send("did it arrive?")
    # The bot cannot know, but the message is there: a blind retry would post it twice.
    assert _contents(world) == ["did it arrive?"]
    [served] = fake.faults.served
    assert served.applied and served.held_for >= 0.2  # the hold ended by itself


@pytest.mark.asyncio
async def test_a_timeout_can_end_in_a_gateway_timeout_page(world: World) -> None:
    fake = world.fake
    fake.faults.timeout("GET", "/users/@me", hold=0.1, status=524)
    async with (
        aiohttp.ClientSession() as session,
        session.get(fake.api_base + "/users/@me", headers=BOT_AUTH) as resp,
    ):
        assert resp.status == 524
        assert "A timeout occurred" in await resp.text()
    assert [e.kind for e in fake.fault_log] == [TIMEOUT]
