"""Buttons and forms share the slash commands' error path (bot/ui/errors.py `reports_errors`):
a failure behind a button or a submitted form gets the same kind private reply with an error id,
and the detail goes to the log once."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from tests.e2e import stored
from tests.e2e.checkin_helpers import checkin, setup_guild
from tests.e2e.harness import Community, HearthRunner, answered
from tests.fakediscord import FakeDiscord, Interaction


async def break_flags_table(database: Path | str) -> None:
    """The database breaks under the running bot. Off the event loop: the bot (on this loop)
    may be mid-transaction, and must be able to finish it while this waits for the lock."""

    def drop() -> None:
        with stored.connect(database) as conn:
            for table in ("flag_rules", "flag_alerts", "flag_reporters", "flag_events", "flags"):
                conn.execute(f"DROP TABLE {table}")

    await asyncio.to_thread(drop)


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
    database: Path | str,
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
    await break_flags_table(database)
    with caplog.at_level(logging.ERROR, logger="hearth.errors"):
        click = await fake.click(community.guild_id, community.member, ix.final, ask)
        await answered(click)
        await click.wait_final()
    assert_kind_error_reply(click, caplog)


async def test_a_failing_form_gets_a_kind_reply_with_an_error_id(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
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
    await break_flags_table(database)
    with caplog.at_level(logging.ERROR, logger="hearth.errors"):
        form = await fake.submit_modal(
            community.guild_id, community.member, None, {"reason": "worried"}
        )
        await answered(form)
        await form.wait_final()
    assert_kind_error_reply(form, caplog)
