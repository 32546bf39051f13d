"""Moderators teach the detector: "Not a concern" is counted per rule (never the text) in
/crisis stats, and an admin can switch a rule off for the server from there, and back on."""

from __future__ import annotations

from pathlib import Path

from bot.domain.crisis import default_detector
from tests.e2e.crisis_helpers import (
    BARRIER_TEXT,
    buttons,
    cards_about,
    configure_queue,
    flag_rows,
    settled,
)
from tests.e2e.harness import Community, HearthRunner, answered
from tests.fakediscord import FakeDiscord

HIGH = "i am going to kill myself tonight"


def select_options(message: dict) -> dict[str, list[str]]:
    return {
        component["custom_id"]: [option["value"] for option in component["options"]]
        for row in message.get("components", [])
        for component in row["components"]
        if component["type"] == 3
    }


async def test_not_a_concern_is_counted_per_rule_and_admins_can_switch_the_rule_off(
    fake: FakeDiscord,
    community: Community,
    runner: HearthRunner,
    database: Path | str,
) -> None:
    detector = default_detector()
    found, barrier = detector.scan(HIGH), detector.scan(BARRIER_TEXT)
    assert found is not None and barrier is not None and found.rule != barrier.rule
    rule = found.rule
    await runner.start()
    await configure_queue(fake, community)
    general = fake.guild(community.guild_id).add_text_channel("general")
    await fake.send_message(general, community.member, HIGH)
    await settled(fake, community)
    [card] = cards_about(fake, community, community.member)
    dismiss = await fake.click(
        community.guild_id, community.moderator, card, buttons(card)["Not a concern"]
    )
    await answered(dismiss)

    stats = await fake.slash(community.guild_id, community.moderator, "crisis stats")
    await answered(stats)
    assert stats.ephemeral
    assert f"`{rule}`: 1 noticed · 1 marked not a concern" in stats.text
    assert HIGH not in stats.text, "counts only"
    assert select_options(stats.final) == {}, "switching rules is for admins"
    refused = await fake.slash(community.guild_id, community.member, "crisis stats")
    await answered(refused)
    assert refused.ephemeral and "for moderators" in refused.text

    [flag] = flag_rows(database, community.member)
    history = await fake.slash(
        community.guild_id, community.moderator, "modqueue show", options={"flag": flag["id"]}
    )
    await answered(history)
    assert f"rules: {rule}" in history.text

    admin = await fake.slash(community.guild_id, community.admin, "crisis stats")
    await answered(admin)
    offered = select_options(admin.final)
    assert offered == {"hearth:crisis-rule:off": [rule]}, "only rules moderators dismissed"
    off = await fake.click(
        community.guild_id, community.admin, admin.final, "hearth:crisis-rule:off", [rule]
    )
    assert (await answered(off))["type"] == 7
    assert f"Switched off `{rule}`" in off.text and "switched off here" in off.text

    await fake.send_message(general, community.member, HIGH)
    await settled(fake, community)
    assert len(flag_rows(database, community.member)) == 1, "the rule no longer flags here"

    back = await fake.click(
        community.guild_id, community.admin, off.final, "hearth:crisis-rule:on", [rule]
    )
    await answered(back)
    assert "flags messages in this server again" in back.text
    await fake.send_message(general, community.member, HIGH)
    await settled(fake, community)
    assert len(flag_rows(database, community.member)) == 2
