"""The fake tells bot processes apart by the address they were given: requests to a labelled
API base are recorded with its label, the same server answers them, and requests to the main
base are recorded as before (no label)."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.e2e.smoke_bot import TOKEN, World

BOT_AUTH = {"Authorization": f"Bot {TOKEN}"}


async def _post(
    session: aiohttp.ClientSession, api_base: str, channel_id: int, body: dict[str, Any]
) -> tuple[int, Any]:
    url = f"{api_base}/channels/{channel_id}/messages"
    async with session.post(url, json=body, headers=BOT_AUTH) as resp:
        return resp.status, await resp.json()


async def test_requests_carry_the_label_of_the_address_they_came_in_on(world: World) -> None:
    fake = world.fake
    first = await fake.labelled_api_base("shard-0")
    second = await fake.labelled_api_base("shard-1")
    assert len({fake.api_base, first, second}) == 3
    async with aiohttp.ClientSession() as session:
        plain = await _post(session, fake.api_base, world.checkins, {"content": "main"})
        zero = await _post(session, first, world.checkins, {"content": "from zero"})
        one = await _post(session, second, world.checkins, {"content": "from one"})
        async with session.get(f"{second}/users/@me", headers=BOT_AUTH) as resp:
            assert resp.status == 200

    assert [status for status, _ in (plain, zero, one)] == [200, 200, 200]
    assert [m["content"] for m in fake.channel_messages(world.checkins)] == [
        "main",
        "from zero",
        "from one",
    ]
    assert [(r.method, r.path, r.via) for r in fake.requests] == [
        ("POST", f"/channels/{world.checkins}/messages", None),
        ("POST", f"/channels/{world.checkins}/messages", "shard-0"),
        ("POST", f"/channels/{world.checkins}/messages", "shard-1"),
        ("GET", "/users/@me", "shard-1"),
    ]
    assert [fake.sent_via(int(body["id"])) for _, body in (plain, zero, one)] == [
        None,
        "shard-0",
        "shard-1",
    ]
    with pytest.raises(KeyError):
        fake.sent_via(world.checkins)  # not a message Hearth posted
    with pytest.raises(ValueError, match="already"):
        await fake.labelled_api_base("shard-0")


async def test_the_creator_is_the_first_sender_and_limits_are_shared(world: World) -> None:
    # One token, one server: a repeat with the same nonce from another process answers the
    # first message, and the processes share the channel's rate-limit bucket, as on Discord.
    fake = world.fake
    fake.rate_limits.enable()
    first = await fake.labelled_api_base("first")
    second = await fake.labelled_api_base("second")
    once = {"content": "once", "nonce": "key-1", "enforce_nonce": True}
    async with aiohttp.ClientSession() as session:
        status, created = await _post(session, first, world.checkins, once)
        repeat_status, repeated = await _post(session, second, world.checkins, once)
        answers = [
            await _post(session, second, world.checkins, {"content": f"m{i}"}) for i in range(3)
        ]
        limited, _ = await _post(session, first, world.checkins, {"content": "one too many"})

    assert (status, repeat_status) == (200, 200) and repeated["id"] == created["id"]
    assert fake.sent_via(int(created["id"])) == "first"
    assert [s for s, _ in answers] == [200] * 3  # five in all, with the repeat
    assert limited == 429
    assert [m["content"] for m in fake.channel_messages(world.checkins)] == [
        "once",
        *(f"m{i}" for i in range(3)),
    ]


async def test_a_message_whose_answer_was_lost_is_still_credited_to_its_sender(
    world: World,
) -> None:
    fake = world.fake
    base = await fake.labelled_api_base("doomed")
    rule = fake.faults.timeout(
        "POST", rf"/channels/{world.checkins}/messages", hold=0.2, applied=True
    )
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await _post(session, base, world.checkins, {"content": "carried out"})
    assert rule.served == 1
    [message] = fake.channel_messages(world.checkins)
    assert message["content"] == "carried out"
    assert fake.sent_via(int(message["id"])) == "doomed"
    [record] = fake.requests
    assert (record.via, record.status) == ("doomed", None)
