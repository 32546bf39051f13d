"""World changes the fake has no helper for yet, done as the Discord client would do them."""

from __future__ import annotations

from tests.fakediscord import FakeDiscord, payloads


def set_role_permissions(fake: FakeDiscord, guild_id: int, role_id: int, permissions: int) -> None:
    """An admin edits a role's permissions in the client: Discord sends GUILD_ROLE_UPDATE."""
    role = fake.guild(guild_id).role(role_id)
    role.permissions = permissions
    fake.state.sink.dispatch(
        "GUILD_ROLE_UPDATE", {"guild_id": str(guild_id), "role": payloads.role(role)}
    )


def remove_member(fake: FakeDiscord, guild_id: int, user_id: int) -> None:
    """The member leaves the server. Discord sends GUILD_MEMBER_REMOVE only to bots with the
    privileged members intent (the fake filters it by intent too); Hearth finds out by asking."""
    fake.guild(guild_id).members.pop(user_id)
    fake.state.sink.dispatch(
        "GUILD_MEMBER_REMOVE",
        {"guild_id": str(guild_id), "user": payloads.user(fake.state.user(user_id))},
    )
