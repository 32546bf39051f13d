"""Every command, hostile input: each gets an answer (issue 14).

Reads the command schema Hearth registered with the fake Discord and sends every slash command
(and every autocomplete) Hypothesis-drawn values from tests/e2e/hostile_values.py, within the
declared limits and, as a client other than Discord's own could, beyond them. For each one:
answered within 3 s, privately when refused, no traceback in the log, no ping in any message,
no message Discord refuses, and the bot still answering afterwards.

One bot start for the whole module. By default (CI) a fixed seed and 50 examples per command,
about half a minute; for a longer run set HEARTH_FUZZ_EXAMPLES (examples per command), e.g.
`HEARTH_FUZZ_EXAMPLES=500 pytest tests/e2e/test_hostile_inputs.py`. The counts (per command:
tried, answered, refused, deferred, beyond the limits, autocompletes) are printed at the end.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, fields
from typing import Any

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.app import Hearth
from tests.clocks import ManualClock
from tests.e2e.harness import DEADLINE_SECONDS, Community, HearthRunner, build_community
from tests.e2e.hostile_values import (
    BEYOND,
    HOSTILE,
    LIMITED,
    MODES,
    PLAUSIBLE,
    SUBCOMMANDS,
    World,
    hostile_text,
    options_for,
)
from tests.fakediscord import FakeDiscord, Interaction
from tests.fakediscord.state import RecordedRequest

EXAMPLES = int(os.environ.get("HEARTH_FUZZ_EXAMPLES", "50"))
MESSAGE_ROUTES = re.compile(
    r"/channels/\d+/messages(/\d+)?|/interactions/\d+/[^/]+/callback"
    r"|/webhooks/\d+/[^/]+(/messages/[^/]+)?"
)
DEFERRED = 5

pytestmark = pytest.mark.asyncio(loop_scope="module")


@dataclass
class Arena:
    fake: FakeDiscord
    bot: Hearth
    community: Community
    world: World
    loop: asyncio.AbstractEventLoop


@dataclass
class Tally:
    tried: int = 0
    answered: int = 0
    refused: int = 0
    deferred: int = 0
    beyond_limits: int = 0
    autocompletes: int = 0


@dataclass
class Watch:
    """What the bot logged and sent since the last check; each is checked exactly once."""

    arena: Arena
    caplog: pytest.LogCaptureFixture
    logs_seen: int = 0
    requests_seen: int = 0

    def new_records(self) -> list[logging.LogRecord]:
        records = self.caplog.records[self.logs_seen :]
        self.logs_seen += len(records)
        return records

    def new_requests(self) -> list[RecordedRequest]:
        requests = self.arena.fake.requests[self.requests_seen :]
        self.requests_seen += len(requests)
        return requests

    def check(self, what: str) -> int:
        """Assert nothing went wrong since the last check; returns the refusals seen."""
        records = self.new_records()
        troubles = [
            f"{r.name}: {r.getMessage()}"
            for r in records
            if r.exc_info
            or r.levelno >= logging.ERROR
            or "could not deliver" in r.getMessage()
            or "not taken by Discord" in r.getMessage()
        ]
        assert troubles == [], f"{what}: {troubles}"
        for request in self.new_requests():
            check_message_request(request, self.arena.community.guild_id, what)
        assert self.arena.fake.internal_errors == []
        return sum(r.getMessage() == "interaction refused" for r in records)


def check_message_request(request: RecordedRequest, guild_id: int, what: str) -> None:
    """A message Hearth sent or edited: accepted by Discord, and pinging nobody unnamed."""
    if request.method not in ("POST", "PATCH") or not MESSAGE_ROUTES.fullmatch(request.path):
        return
    assert request.status is not None and request.status < 400, (what, request.path, request)
    body = request.json or {}
    if request.path.endswith("/callback"):
        body = body.get("data") or {}
    if not body.get("content"):
        return  # only content mentions ping
    mentions = body.get("allowed_mentions")
    assert mentions is not None, (what, request.path, "no allowed_mentions: Discord parses all")
    assert mentions.get("parse") == [], (what, mentions)
    assert not mentions.get("users"), (what, mentions)
    assert str(guild_id) not in [str(role) for role in mentions.get("roles", [])], (what, mentions)


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def arena(
    clock: ManualClock, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Arena]:
    async with FakeDiscord(token="fake-bot-token-for-fuzzing", clock=clock.now) as fake:
        community = build_community(fake)
        guild = fake.guild(community.guild_id)
        voice = guild.add_voice_channel("Meeting room")
        pingable = guild.add_role("Coffee", mentionable=True)
        out_of_reach = guild.add_role("Staff", above_bot=True)
        with pytest.MonkeyPatch.context() as patch:
            database = tmp_path_factory.mktemp("fuzz") / "hearth.db"
            runner = HearthRunner(fake, database, clock, patch)
            try:
                bot = await runner.start()
                world = World(
                    guild_id=community.guild_id,
                    member=community.member,
                    text_channels=(
                        community.checkins,
                        community.celebrations,
                        community.announcements,
                        community.mod_queue,
                    ),
                    voice_channels=(voice,),
                    roles=(
                        community.guild_id,  # @everyone
                        community.moderator_role,
                        community.organizer_role,
                        guild.bot_role_id,
                        out_of_reach,
                        pingable,
                    ),
                    pingable_role=pingable,
                )
                arena = Arena(fake, bot, community, world, asyncio.get_running_loop())
                await give_it_something_to_work_on(arena, voice)
                yield arena
            finally:
                await runner.stop_all()


async def run(arena: Arena, user: int, command: str, **options: Any) -> Interaction:
    ix = await arena.fake.slash(arena.community.guild_id, user, command, options=options)
    await ix.wait_final()
    return ix


async def give_it_something_to_work_on(arena: Arena, voice: int) -> None:
    """A configured server with a meeting, counters, an announcement and a flag, so commands
    that need one get past their first check."""
    c = arena.community
    await run(
        arena,
        c.admin,
        "hearth setup",
        checkin_channel=c.checkins,
        celebrations_channel=c.celebrations,
        announcements_channel=c.announcements,
        mod_queue_channel=c.mod_queue,
        moderator_role=c.moderator_role,
        organizer_role=c.organizer_role,
    )
    await run(
        arena, c.admin, "meetings add", name="Evening", weekdays="Sunday", time="12:10",
        timezone="UTC", voice_channel=voice, reminders="1d,15m",
    )  # fmt: skip
    for user in (c.admin, c.member):
        await run(arena, user, "sobriety set", date="2025-11-22", announce="public")
    await run(arena, c.admin, "announce schedule", message="Coffee", at="2026-12-01 10:00")
    await run(arena, c.member, "report", reason="worried about someone")
    await arena.bot.background.wait_idle()


def leaf_commands(schema: list[dict[str, Any]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    def walk(item: dict[str, Any], path: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        options = item.get("options") or []
        if any(o["type"] in SUBCOMMANDS for o in options):
            for option in options:
                yield from walk(option, f"{path} {option['name']}")
        else:
            yield path, options

    for command in schema:
        if command.get("type", 1) == 1:
            yield from walk(command, command["name"])


async def exercise(
    arena: Arena,
    watch: Watch,
    tally: Tally,
    name: str,
    user: int,
    options: dict[str, Any],
    beyond_limits: bool,
    autocomplete: tuple[str, str] | None,
) -> None:
    fake, guild_id = arena.fake, arena.community.guild_id
    if autocomplete is not None:
        focused, typed = autocomplete
        ix = await fake.autocomplete(
            guild_id, user, name, focused, typed, ignore_command_permissions=True
        )
        await ix.wait_response(timeout=10)
        assert ix.latency is not None and ix.latency < DEADLINE_SECONDS, (name, ix.latency)
        tally.autocompletes += 1
    ix = await fake.slash(
        guild_id,
        user,
        name,
        options=options,
        ignore_option_limits=beyond_limits,
        ignore_command_permissions=True,
    )
    tally.tried += 1
    tally.beyond_limits += beyond_limits
    response = await ix.wait_response(timeout=10)
    assert ix.latency is not None and ix.latency < DEADLINE_SECONDS, (name, ix.latency)
    tally.answered += 1
    tally.deferred += response["type"] == DEFERRED
    await ix.wait_final(timeout=30)
    await arena.bot.background.wait_idle()
    # Still answering afterwards: the next member gets their answer in time.
    probe = await fake.slash(guild_id, arena.community.member, "profile show")
    await probe.wait_response(timeout=10)
    assert probe.latency is not None and probe.latency < DEADLINE_SECONDS
    assert "Time zone" in probe.text
    refusals = watch.check(f"/{name} {options!r}")
    if refusals:
        assert ix.ephemeral, (name, ix.text)
        assert "went wrong" not in ix.text
        tally.refused += 1


def fuzz_command(
    arena: Arena, watch: Watch, tally: Tally, name: str, definitions: list[dict[str, Any]]
) -> None:
    """Hypothesis over one command; runs in a worker thread, the bot on its own loop."""
    c = arena.community
    completable = [o["name"] for o in definitions if o.get("autocomplete")]
    people = [c.admin, c.moderator, c.member]
    modes = MODES if any(o["type"] in LIMITED for o in definitions) else (PLAUSIBLE, HOSTILE)
    example = st.tuples(
        st.sampled_from(modes).flatmap(
            lambda mode: st.tuples(
                # Admins get furthest; members and moderators meet the permission checks.
                st.just(c.admin) if mode == PLAUSIBLE else st.sampled_from(people),
                options_for(arena.world, definitions, mode),
                st.just(mode),
            )
        ),
        st.none()
        | (
            st.tuples(st.sampled_from(completable), hostile_text(arena.world))
            if completable
            else st.none()
        ),
    )

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        # No shrinking: each example drives the live bot, so shrinking a failure can run for a
        # long time; the first failing example is reported as drawn, which is enough to act on.
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
    )
    @given(example)
    def one(drawn: tuple[tuple[int, dict[str, Any], str], tuple[str, str] | None]) -> None:
        (user, options, mode), autocomplete = drawn
        future = asyncio.run_coroutine_threadsafe(
            exercise(arena, watch, tally, name, user, options, mode == BEYOND, autocomplete),
            arena.loop,
        )
        future.result(timeout=120)

    one()


async def test_every_command_answers_hostile_input_in_time_privately_and_pings_nobody(
    arena: Arena, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG, logger="hearth")
    watch = Watch(arena, caplog, logs_seen=len(caplog.records))
    watch.new_requests()  # the setup's own requests were checked by its commands
    commands = list(leaf_commands(arena.fake.commands()))
    assert len(commands) >= 40, "the schema Hearth registered"
    tallies: dict[str, Tally] = {}
    for name, definitions in commands:
        tallies[name] = Tally()
        await asyncio.to_thread(fuzz_command, arena, watch, tallies[name], name, definitions)
    await arena.bot.background.wait_idle()
    watch.check("after the last command")
    with capsys.disabled():
        print(report(tallies))
    assert all(t.answered == t.tried > 0 for t in tallies.values())


def report(tallies: dict[str, Tally]) -> str:
    width = max(len(name) for name in tallies) + 1
    lines = [
        "",
        f"hostile inputs ({EXAMPLES} examples per command; HEARTH_FUZZ_EXAMPLES to change):",
        f"{'/command':<{width}}  tried  answered  refused  deferred  beyond-limits  autocomplete",
    ]
    for name, t in tallies.items():
        lines.append(
            f"/{name:<{width - 1}}  {t.tried:>5}  {t.answered:>8}  {t.refused:>7}  "
            f"{t.deferred:>8}  {t.beyond_limits:>13}  {t.autocompletes:>12}"
        )
    total = Tally(*(sum(getattr(t, f.name) for t in tallies.values()) for f in fields(Tally)))
    lines.append(
        f"{'total':<{width}}  {total.tried:>5}  {total.answered:>8}  {total.refused:>7}  "
        f"{total.deferred:>8}  {total.beyond_limits:>13}  {total.autocompletes:>12}"
    )
    return "\n".join(lines)
