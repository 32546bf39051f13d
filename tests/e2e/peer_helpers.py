"""Shared steps for the peer-support, partner and anonymous-share end-to-end tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord

from tests.e2e import stored
from tests.e2e.checkin_helpers import setup_guild
from tests.e2e.harness import Community, answered, private_to
from tests.fakediscord import FakeDiscord, Interaction
from tests.fakediscord.models import PRIVATE_THREAD
from tests.fakediscord.permissions import CREATE_PRIVATE_THREADS, MANAGE_THREADS


@dataclass
class PeerTeam:
    role: int
    channel: int
    general: int
    pat: int  # a peer supporter
    quinn: int  # another peer supporter


def build_peer_team(fake: FakeDiscord, community: Community) -> PeerTeam:
    """Peer supporters, their private channel, and an everyday channel; Hearth may open private
    threads and moderators may see them (Manage Threads), as a server set up for this would."""
    guild = fake.guild(community.guild_id)
    guild.roles[guild.bot_role_id].permissions |= CREATE_PRIVATE_THREADS
    guild.roles[community.moderator_role].permissions |= MANAGE_THREADS
    role = guild.add_role("Peer supporters")
    pat, quinn = fake.add_user("pat"), fake.add_user("quinn")
    guild.add_member(pat, roles=[role])
    guild.add_member(quinn, roles=[role])
    return PeerTeam(
        role=role,
        channel=guild.add_text_channel(
            "peer-support", overwrites=private_to(guild, role, community.moderator_role)
        ),
        general=guild.add_text_channel("general"),
        pat=pat,
        quinn=quinn,
    )


async def setup_peers(fake: FakeDiscord, community: Community, team: PeerTeam) -> None:
    await setup_guild(
        fake,
        community,
        mod_queue_channel=community.mod_queue,
        moderator_role=community.moderator_role,
        peer_role=team.role,
        peer_channel=team.channel,
        helpline_country="US",
    )


async def slash(
    fake: FakeDiscord, community: Community, user: int, command: str, **options: Any
) -> Interaction:
    channel = options.pop("channel_id", None)
    ix = await fake.slash(community.guild_id, user, command, options=options, channel_id=channel)
    await answered(ix)
    await ix.wait_final()
    return ix


async def click(
    fake: FakeDiscord, community: Community, user: int, message: dict[str, Any], label: str
) -> Interaction:
    ix = await fake.click(community.guild_id, user, message, button(message, label))
    await answered(ix)
    await ix.wait_final()
    return ix


def button(message: dict[str, Any], label: str) -> str:
    return next(
        b["custom_id"]
        for row in message.get("components", [])
        for b in row["components"]
        if b.get("label") == label
    )


def labels(message: dict[str, Any]) -> list[str]:
    return [b.get("label") for row in message.get("components", []) for b in row["components"]]


def take_cards(fake: FakeDiscord, team: PeerTeam) -> list[dict[str, Any]]:
    return [m for m in fake.channel_messages(team.channel) if "Take it" in labels(m)]


def private_threads(fake: FakeDiscord, community: Community) -> list[Any]:
    return [t for t in fake.guild(community.guild_id).threads if t.type == PRIVATE_THREAD]


def intro(fake: FakeDiscord, thread_id: int) -> dict[str, Any]:
    """The latest message in a conversation with its controls."""
    return [m for m in fake.channel_messages(thread_id) if "Close" in labels(m)][-1]


def everything_said(message: dict[str, Any]) -> str:
    return str({k: message.get(k) for k in ("content", "embeds")})


def requests(database: Path | str) -> list[dict[str, Any]]:
    with stored.connect(database) as conn:
        return [dict(r) for r in conn.execute("SELECT * FROM peer_requests ORDER BY id")]


def queue_cards(fake: FakeDiscord, community: Community) -> list[dict[str, Any]]:
    return [
        m
        for m in fake.channel_messages(community.mod_queue)
        if m.get("embeds") and m["embeds"][0].get("title", "").startswith("Flag #")
    ]


def view_bit() -> int:
    return discord.Permissions(view_channel=True).value
