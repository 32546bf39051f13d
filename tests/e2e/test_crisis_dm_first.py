"""The member's crisis DM never waits behind the moderators' card: the two go out side by side,
each with its own retries, so a queue channel Discord keeps answering 503 doesn't hold back the
helplines, neither the member's own nor another member's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.crisis_helpers import card_text, cards_about, configure_queue, flag_rows, settled
from tests.e2e.harness import Community, HearthRunner
from tests.fakediscord import FakeDiscord

CRISIS = "i want to kill myself tonight"
CARD_TRIES = 7  # a queue card's first try and its six quick retries


async def test_the_crisis_dm_arrives_while_the_card_is_still_being_retried(
    fake: FakeDiscord, community: Community, runner: HearthRunner
) -> None:
    await runner.start()
    await configure_queue(fake, community)
    general = fake.guild(community.guild_id).add_text_channel("general")
    queue_path = rf"/channels/{community.mod_queue}/messages"
    card_fault = fake.faults.fail("POST", queue_path, status=503, times=None)
    dm_channel = fake.state.open_dm(community.member).id
    since = len(fake.requests)

    await fake.send_message(general, community.member, CRISIS)
    dm = await fake.wait_for_request(
        "POST",
        rf"/channels/{dm_channel}/messages",
        predicate=lambda r: r.status == 200,
        since=since,
    )
    # The helplines are out while the card is still failing: it has had at least one 503 and
    # not yet run through its retries (waiting for the card, the DM would only leave after all
    # of them had failed).
    failed_cards = [r for r in fake.requests[since:] if r.path == queue_path and r.status == 503]
    assert 1 <= len(failed_cards) < CARD_TRIES
    assert card_fault.served == len(failed_cards)
    assert not any(r.path == queue_path and r.status == 200 for r in fake.requests[since:])
    assert "automated message from Hearth" in dm.json["content"]
    assert "moderators of **Recovery Circle** have been told" in dm.json["content"]

    card_fault.cancel()  # Discord recovers: the card's next retry gets through
    posted = await fake.wait_for_request(
        "POST", queue_path, predicate=lambda r: r.status == 200, since=since
    )
    await settled(fake, community)
    assert fake.requests.index(dm) < fake.requests.index(posted), "the member came first"
    [card] = cards_about(fake, community, community.member)
    assert CRISIS in card_text(card), "the retried card keeps everything it says"
    assert len(fake.dm_messages(community.member)) == 1, "one private message, once"
    assert [
        m for m in fake.channel_messages(general) if m["author"]["id"] != str(community.member)
    ] == [], "nothing public"


def card_about(request: Any, user: int) -> bool:
    embeds = (request.json or {}).get("embeds") or [{}]
    return f"<@{user}>" in embeds[0].get("description", "")


async def test_another_members_crisis_dm_never_waits_behind_a_failing_card(
    fake: FakeDiscord, community: Community, runner: HearthRunner, database: Path | str
) -> None:
    await runner.start()
    await configure_queue(fake, community)
    guild = fake.guild(community.guild_id)
    general = guild.add_text_channel("general")
    robin = fake.add_user("robin")
    guild.add_member(robin)
    queue_path = rf"/channels/{community.mod_queue}/messages"
    card_fault = fake.faults.fail("POST", queue_path, status=503, times=None)
    robin_dms = rf"/channels/{fake.state.open_dm(robin).id}/messages"
    since = len(fake.requests)

    await fake.send_message(general, community.member, CRISIS)
    await fake.wait_for_request(
        "POST",
        queue_path,
        predicate=lambda r: r.status == 503 and card_about(r, community.member),
        since=since,
    )
    # The first member's card is being retried; they write again (their turn: it waits for
    # their card), and another member writes.
    await fake.send_message(general, community.member, CRISIS)
    await fake.send_message(general, robin, CRISIS)
    # Generous for a busy machine: what proves robin didn't wait is the count of tries below.
    dm = await fake.wait_for_request(
        "POST", robin_dms, predicate=lambda r: r.status == 200, since=since, timeout=30
    )
    first_card_tries = [
        r for r in fake.requests[since:] if r.path == queue_path and card_about(r, community.member)
    ]
    assert 1 <= len(first_card_tries) < CARD_TRIES, "robin's helplines didn't wait for it"
    assert all(r.status == 503 for r in fake.requests[since:] if r.path == queue_path)
    assert "automated message from Hearth" in dm.json["content"]

    card_fault.cancel()
    for user in (community.member, robin):
        await fake.wait_for_request(
            "POST",
            queue_path,
            predicate=lambda r, user=user: r.status == 200 and card_about(r, user),
            since=since,
        )
    await settled(fake, community)
    [first_card] = cards_about(fake, community, community.member)
    assert len(cards_about(fake, community, robin)) == 1
    [flag] = flag_rows(database, community.member)
    assert flag["reports"] == 2, "the member's second message was weighed on their one flag"
    assert CRISIS in card_text(first_card)
    assert len(fake.dm_messages(community.member)) == 1, "one private message per member"
    assert len(fake.dm_messages(robin)) == 1
