"""The fake's idempotent sends, as Discord's: a nonce with enforce_nonce returns the first
message for a few minutes; the nonce is echoed to the sender, never shown in history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from discord.http import MultipartParameters, handle_message_parameters

from tests.e2e.smoke_bot import SmokeBot, World
from tests.fakediscord import nonces


@pytest.mark.asyncio
async def test_the_same_nonce_returns_the_first_message_instead_of_a_second(
    world: World, bot: SmokeBot
) -> None:
    channel = bot.get_partial_messageable(world.checkins)
    first = await channel.send("Meeting in 15 minutes", nonce="hearth-key-1")
    again = await channel.send("Meeting in 15 minutes", nonce="hearth-key-1")
    other = await channel.send("Meeting in 15 minutes", nonce="hearth-key-2")
    assert again.id == first.id
    assert other.id != first.id
    assert [m["id"] for m in world.fake.channel_messages(world.checkins)] == [
        str(first.id),
        str(other.id),
    ]
    assert nonces.registry(world.fake.state).deduplicated == 1


@pytest.mark.asyncio
async def test_the_nonce_is_echoed_to_the_sender_but_not_kept_in_history(
    world: World, bot: SmokeBot
) -> None:
    sent = await bot.http.send_message(
        world.checkins,
        params=_params("hello", nonce="hearth-key-3"),
    )
    assert sent["nonce"] == "hearth-key-3"
    history = await bot.http.logs_from(world.checkins, 10)
    fetched = await bot.http.get_message(world.checkins, int(sent["id"]))
    assert [m.get("nonce") for m in history] == [None]
    assert fetched.get("nonce") is None


@pytest.mark.asyncio
async def test_after_the_window_the_same_nonce_posts_again(world: World, bot: SmokeBot) -> None:
    nonces.registry(world.fake.state).window = timedelta(0)
    channel = bot.get_partial_messageable(world.checkins)
    first = await channel.send("Daily check-in", nonce="hearth-key-4")
    again = await channel.send("Daily check-in", nonce="hearth-key-4")
    assert again.id != first.id
    assert len(world.fake.channel_messages(world.checkins)) == 2


def _params(content: str, *, nonce: str) -> MultipartParameters:
    return handle_message_parameters(content=content, nonce=nonce)
