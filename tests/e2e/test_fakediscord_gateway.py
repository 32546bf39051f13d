"""Gateway failure modes against the real discord.py client: closes, op 7, op 9 and a zombie
connection, each followed by the recovery discord.py performs."""

from __future__ import annotations

import pytest

from tests.e2e.smoke_bot import SmokeBot, World, eventually
from tests.fakediscord.fault_log import (
    GATEWAY_CLOSE,
    INVALID_SESSION,
    RECONNECT,
    ZOMBIE,
    ZOMBIE_DETECTED,
)
from tests.fakediscord.harness import running_bot


class QuickReidentifyBot(SmokeBot):
    """discord.py waits 5 s in ``before_identify_hook`` before every re-IDENTIFY (Discord's
    identify limits); this documented hook is meant to be overridden, and tests need no wait."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


async def _ping_works(world: World) -> None:
    ix = await world.fake.slash(world.guild.id, world.alice, "ping")
    assert (await ix.wait_final())["content"] == "pong"


@pytest.mark.asyncio
async def test_an_expired_session_makes_the_resume_fail_and_the_bot_identify(
    world: World,
) -> None:
    fake = world.fake
    async with running_bot(QuickReidentifyBot(world.guild.id), fake):
        await fake.wait_until_ready()
        [old_id] = await fake.disconnect_bot(expire_session=True)
        session = await fake.wait_until_ready()
        await _ping_works(world)
    assert session.session_id != old_id and session.resume_count == 0
    assert fake.sessions == 2 and fake.gateway_sessions[0].invalidated
    assert fake.connection_count == 3  # the refused RESUME, then the new IDENTIFY
    [event] = fake.fault_log
    assert (event.kind, event.target, event.detail["code"]) == (GATEWAY_CLOSE, old_id, 4000)


@pytest.mark.asyncio
async def test_op7_reconnect_is_followed_by_a_resume(world: World, bot: SmokeBot) -> None:
    fake = world.fake
    [session_id] = fake.request_reconnect()
    session = await fake.wait_until_ready()
    assert session.session_id == session_id and session.resume_count == 1
    assert fake.sessions == 1 and fake.connection_count == 2
    await _ping_works(world)
    assert [(e.kind, e.target) for e in fake.fault_log] == [(RECONNECT, session_id)]


@pytest.mark.asyncio
async def test_invalid_session_not_resumable_makes_the_bot_identify_again(
    world: World,
) -> None:
    fake = world.fake
    async with running_bot(QuickReidentifyBot(world.guild.id), fake):
        await fake.wait_until_ready()
        [old_id] = fake.invalidate_session(resumable=False)
        session = await fake.wait_until_ready()
        await _ping_works(world)
    assert session.session_id != old_id and session.resume_count == 0
    assert fake.sessions == 2 and fake.gateway_sessions[0].invalidated
    [event] = fake.fault_log
    assert (event.kind, event.detail) == (INVALID_SESSION, {"resumable": False})


@pytest.mark.asyncio
async def test_invalid_session_resumable_makes_the_bot_resume(world: World, bot: SmokeBot) -> None:
    fake = world.fake
    [session_id] = fake.invalidate_session(resumable=True)
    session = await fake.wait_until_ready()
    assert session.session_id == session_id and session.resume_count == 1
    assert fake.sessions == 1 and not session.invalidated
    await _ping_works(world)
    [event] = fake.fault_log
    assert (event.kind, event.detail) == (INVALID_SESSION, {"resumable": True})


@pytest.mark.asyncio
async def test_a_zombie_connection_is_detected_by_the_heartbeat_timeout(world: World) -> None:
    fake = world.fake
    fake.heartbeat_interval_ms = 100
    client = SmokeBot(world.guild.id, heartbeat_timeout=1.0)
    async with running_bot(client, fake):
        first = await fake.wait_until_ready()
        await eventually(lambda: client.latency != float("inf"))  # heartbeats were ACKed
        [session_id] = fake.make_zombie()
        # Held back by the silent connection; the RESUME must deliver it.
        await fake.send_message(world.checkins, world.bob, "sent to a zombie")
        zombie = first.connection
        assert zombie is not None and zombie.sent_seq < first.seq  # never went out

        session = await fake.wait_until_ready(timeout=10.0)
        assert session is first and session.resume_count == 1
        await eventually(lambda: "sent to a zombie" in client.seen_messages)
        await _ping_works(world)
    kinds = [(e.kind, e.target) for e in fake.fault_log]
    assert kinds == [(ZOMBIE, session_id), (ZOMBIE_DETECTED, session_id)]
    detected = fake.fault_log[1]
    assert detected.detail["close_code"] == 4000  # the client closed it, not the fake
    # Detected once nothing arrived for heartbeat_timeout (the last ACK came <= 1 interval before).
    assert detected.at - fake.fault_log[0].at >= 1.0 - 0.1
