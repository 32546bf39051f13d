"""Buttons and forms share the slash commands' error path (bot/ui/errors.py `reports_errors`):
a failure behind a button or a submitted form gets the same kind private reply with an error id,
and the detail goes to the log once."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from tests.e2e.checkin_helpers import checkin, setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.fakediscord import FakeDiscord, Interaction


def support_button(ix: Interaction) -> str:
    return next(
        b["custom_id"]
        for row in ix.final["components"]
        for b in row["components"]
        if b.get("label") == "Ask for support"
    )


def assert_kind_error_reply(ix: Interaction, caplog: pytest.LogCaptureFixture) -> None:
    assert ix.ephemeral
    assert "something went wrong on Hearth's side" in ix.text
    records = [r for r in caplog.records if r.getMessage() == "interaction failed"]
    assert len(records) == 1
    assert f"`{records[0].error_id}`" in ix.text


async def test_a_failing_button_gets_a_kind_reply_with_an_error_id(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await runner.start()
    await setup_guild(
        fake,
        community,
        mod_queue_channel=community.mod_queue,
        moderator_role=community.moderator_role,
    )
    ix = await checkin(fake, community, community.member, mood=1)
    ask = support_button(ix)
    with sqlite3.connect(database) as conn:  # the database breaks under the running bot
        conn.execute("DROP TABLE flag_alerts")
        conn.execute("DROP TABLE flag_reporters")
        conn.execute("DROP TABLE flag_events")
        conn.execute("DROP TABLE flags")
    with caplog.at_level(logging.ERROR, logger="hearth.errors"):
        click = await fake.click(community.guild_id, community.member, ix.final, ask)
        await answered(click)
        await click.wait_final()
    assert_kind_error_reply(click, caplog)


async def test_a_failing_form_gets_a_kind_reply_with_an_error_id(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await runner.start()
    await setup_guild(
        fake,
        community,
        mod_queue_channel=community.mod_queue,
        moderator_role=community.moderator_role,
    )
    general = fake.guild(community.guild_id).add_text_channel("general")
    target = await fake.send_message(general, community.admin, "something worrying")
    menu = await fake.context_menu(
        community.guild_id, community.member, "Report to moderators", target_message=target
    )
    assert (await answered(menu))["type"] == 9  # the form is shown
    with sqlite3.connect(database) as conn:
        conn.execute("DROP TABLE flag_alerts")
        conn.execute("DROP TABLE flag_reporters")
        conn.execute("DROP TABLE flag_events")
        conn.execute("DROP TABLE flags")
    with caplog.at_level(logging.ERROR, logger="hearth.errors"):
        form = await fake.submit_modal(
            community.guild_id, community.member, None, {"reason": "worried"}
        )
        await answered(form)
        await form.wait_final()
    assert_kind_error_reply(form, caplog)
