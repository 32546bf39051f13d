"""Which roles Hearth may give: no powers over others, and below the people involved."""

from __future__ import annotations

import discord
import pytest

from bot.domain.role_safety import (
    ADMINISTRATOR,
    DANGEROUS_PERMISSIONS,
    MANAGE_MESSAGES,
    MANAGE_ROLES,
    check_role,
    dangerous_permissions,
)

HARMLESS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    read_message_history=True,
    add_reactions=True,
    embed_links=True,
    attach_files=True,
    connect=True,
    speak=True,
    change_nickname=True,
    create_public_threads=True,
    use_external_emojis=True,
).value


def test_bits_match_discords_names() -> None:
    expected = {
        "Administrator": discord.Permissions(administrator=True),
        "Manage Server": discord.Permissions(manage_guild=True),
        "Manage Roles": discord.Permissions(manage_roles=True),
        "Manage Channels": discord.Permissions(manage_channels=True),
        "Manage Webhooks": discord.Permissions(manage_webhooks=True),
        "Manage Messages": discord.Permissions(manage_messages=True),
        "Ban Members": discord.Permissions(ban_members=True),
        "Kick Members": discord.Permissions(kick_members=True),
        "Moderate Members": discord.Permissions(moderate_members=True),
        "Mention Everyone": discord.Permissions(mention_everyone=True),
    }
    assert {name: bit for bit, name in DANGEROUS_PERMISSIONS} == {
        name: permissions.value for name, permissions in expected.items()
    }


@pytest.mark.parametrize(("bit", "name"), DANGEROUS_PERMISSIONS)
def test_each_dangerous_power_alone_makes_a_role_unsafe(bit: int, name: str) -> None:
    check = check_role(permissions=HARMLESS | bit, position=2, hearth_top_position=5)
    assert check.dangerous == (name,)
    assert not check.safe


def test_an_everyday_role_below_everyone_involved_is_safe() -> None:
    check = check_role(
        permissions=HARMLESS, position=2, hearth_top_position=5, configurer_top_position=3
    )
    assert check.safe
    assert dangerous_permissions(HARMLESS) == ()


def test_several_powers_are_all_named_most_powerful_first() -> None:
    names = dangerous_permissions(MANAGE_MESSAGES | MANAGE_ROLES | ADMINISTRATOR)
    assert names == ("Administrator", "Manage Roles", "Manage Messages")


@pytest.mark.parametrize(
    ("position", "hearth_top", "configurer_top", "not_below_configurer", "not_below_hearth"),
    [
        (4, 5, 3, True, False),  # above the configuring member
        (3, 5, 3, True, False),  # their own top role: not strictly below
        (5, 5, 9, False, True),  # Hearth's own top role
        (7, 5, 9, False, True),  # above Hearth
        (7, 5, None, False, True),  # owner or at grant: only Hearth's position counts
        (4, 5, None, False, False),
    ],
)
def test_hierarchy(
    position: int,
    hearth_top: int,
    configurer_top: int | None,
    not_below_configurer: bool,
    not_below_hearth: bool,
) -> None:
    check = check_role(
        permissions=0,
        position=position,
        hearth_top_position=hearth_top,
        configurer_top_position=configurer_top,
    )
    assert (check.not_below_configurer, check.not_below_hearth) == (
        not_below_configurer,
        not_below_hearth,
    )
    assert check.safe is not (not_below_configurer or not_below_hearth)
