"""/hearth setup, config and status through the fake Discord, on a real database file."""

from __future__ import annotations

from pathlib import Path

from tests.e2e import stored
from tests.e2e.harness import Community, HearthRunner, answered
from tests.fakediscord import FakeDiscord

EPHEMERAL = 64


def _stored_config(database: Path | str, guild_id: int) -> dict | None:
    with stored.connect(database) as conn:
        row = conn.execute("SELECT * FROM guild_config WHERE guild_id = ?", (guild_id,)).fetchone()
    return dict(row) if row else None


async def test_admin_setup_is_saved_and_shown_after_restart(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    bot = await runner.start()
    ix = await fake.slash(
        community.guild_id,
        community.admin,
        "hearth setup",
        options={
            "checkin_channel": community.checkins,
            "mod_queue_channel": community.mod_queue,
            "moderator_role": community.moderator_role,
            "timezone": "america/new york",
            "helpline_country": "gb",
        },
    )
    await answered(ix)
    assert ix.ephemeral
    reply = ix.text
    assert "Saved" in reply
    assert f"<#{community.checkins}>" in reply
    assert "America/New_York" in reply
    assert "United Kingdom (GB)" in reply

    stored = _stored_config(database, community.guild_id)
    assert stored is not None
    assert stored["checkin_channel_id"] == community.checkins
    assert stored["mod_queue_channel_id"] == community.mod_queue
    assert stored["moderator_role_id"] == community.moderator_role
    assert stored["timezone"] == "America/New_York"
    assert stored["helpline_country"] == "GB"

    await runner.restart(bot)
    ix = await fake.slash(community.guild_id, community.admin, "hearth config")
    await answered(ix)
    assert ix.ephemeral
    shown = ix.text
    assert f"<#{community.checkins}>" in shown
    assert f"<@&{community.moderator_role}>" in shown
    assert "America/New_York" in shown
    # What is still missing is named, with why it matters.
    assert "Celebrations channel" in shown and "not set" in shown


async def test_running_setup_again_changes_only_what_is_given(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    await runner.start()
    first = await fake.slash(
        community.guild_id,
        community.admin,
        "hearth setup",
        options={"checkin_channel": community.checkins, "timezone": "Europe/London"},
    )
    await answered(first)
    second = await fake.slash(
        community.guild_id,
        community.admin,
        "hearth setup",
        options={"celebrations_channel": community.celebrations},
    )
    await answered(second)
    stored = _stored_config(database, community.guild_id)
    assert stored is not None
    assert stored["checkin_channel_id"] == community.checkins
    assert stored["celebrations_channel_id"] == community.celebrations
    assert stored["timezone"] == "Europe/London"
    assert "Celebrations channel" in second.text
    assert "Time zone" not in second.text.split("Saved:")[1].split("\n\n")[0]


async def test_non_admin_is_refused_kindly_and_nothing_changes(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    await runner.start()
    # Discord hides /hearth from non-admins; a server can override that, so Hearth checks too.
    ix = await fake.slash(
        community.guild_id,
        community.member,
        "hearth setup",
        options={"timezone": "Europe/London"},
        ignore_command_permissions=True,
    )
    await answered(ix)
    assert ix.ephemeral
    assert "Manage Server" in ix.text
    assert "Nothing was changed" in ix.text
    assert _stored_config(database, community.guild_id) is None


async def test_invalid_time_zone_or_country_saves_nothing(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    await runner.start()
    ix = await fake.slash(
        community.guild_id,
        community.admin,
        "hearth setup",
        options={"timezone": "Mars/Olympus_Mons", "checkin_channel": community.checkins},
    )
    await answered(ix)
    assert ix.ephemeral
    assert "isn't a time zone I know" in ix.text
    assert "Nothing was changed" in ix.text

    ix = await fake.slash(
        community.guild_id,
        community.admin,
        "hearth setup",
        options={"helpline_country": "Atlantis"},
    )
    await answered(ix)
    assert ix.ephemeral
    assert "isn't a country code I know" in ix.text
    assert _stored_config(database, community.guild_id) is None


async def test_setup_without_options_shows_current_config(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    await runner.start()
    ix = await fake.slash(community.guild_id, community.admin, "hearth setup")
    await answered(ix)
    assert ix.ephemeral
    assert "Nothing to change" in ix.text
    assert "UTC" in ix.text
    assert _stored_config(database, community.guild_id) is None


async def test_autocomplete_for_time_zone_and_country(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    await runner.start()
    ix = await fake.autocomplete(
        community.guild_id, community.admin, "hearth setup", focused="timezone", value="london"
    )
    response = await answered(ix)
    choices = response["data"]["choices"]
    assert choices[0] == {"name": "Europe/London", "value": "Europe/London"}
    assert len(choices) <= 25

    ix = await fake.autocomplete(
        community.guild_id,
        community.admin,
        "hearth setup",
        focused="helpline_country",
        value="irel",
    )
    response = await answered(ix)
    assert response["data"]["choices"][0] == {"name": "Ireland (IE)", "value": "IE"}


async def test_status_names_missing_permissions_plainly(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    guild = fake.guild(community.guild_id)
    attach_files, create_threads = 1 << 15, 1 << 35
    locked = guild.add_text_channel(
        "locked-celebrations",
        overwrites=[
            {
                "id": str(guild.id),
                "type": 0,
                "allow": "0",
                "deny": str(attach_files | create_threads),
            }
        ],
    )
    await runner.start()
    setup = await fake.slash(
        community.guild_id,
        community.admin,
        "hearth setup",
        options={"checkin_channel": community.checkins, "celebrations_channel": locked},
    )
    await answered(setup)
    assert "/hearth status" in setup.text

    ix = await fake.slash(community.guild_id, community.admin, "hearth status")
    await answered(ix)
    assert ix.ephemeral
    text = ix.text
    assert f"<#{community.checkins}>: all good" in text
    assert "Attach Files" in text and "Create Public Threads" in text
    assert "Moderator queue" in text  # not configured: reports would have nowhere to go


async def test_status_reports_a_deleted_channel(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    await runner.start()
    gone = 987654321987654321
    with stored.connect(database) as conn:
        conn.execute(
            "INSERT INTO guild_config (guild_id, checkin_channel_id, created_at, updated_at) "
            "VALUES (?, ?, '2026-11-22T00:00:00.000Z', '2026-11-22T00:00:00.000Z')",
            (community.guild_id, gone),
        )
    ix = await fake.slash(community.guild_id, community.admin, "hearth status")
    await answered(ix)
    assert "no longer exists" in ix.text
