"""Every loader of work across servers asks whether this process serves each server.

With several shard processes, a loop over rows of every server (due reminders, claims left in
doubt, escalating flags...) that forgets `bot.owns_guild` would send, settle or erase another
process's servers' work. This finds each loop over a storage read that names no guild and fails
unless its function routes through `owns_guild`. A new loader either does, or is listed below
with the reason it is bound to one server's rows already.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# (file, function, storage call): reads of one server's rows whose arguments don't say so.
BOUND_TO_ONE_SERVER = {
    ("cogs/meetings/service.py", "_nudge", "going"),  # one meeting's RSVPs
    # Keeps only the flags of the server that came back (an event this process received).
    ("bot/services/flags.py", "resume_guild", "escalating"),
}


def _storage_names(function: ast.AST) -> set[str]:
    """Local names bound to a repository (`repo = self.bot.storage.meetings`)."""
    names: set[str] = set()
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Assign)
            and not isinstance(node.value, ast.Await)
            and "storage" in ast.unparse(node.value)
        ):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _cross_server_loops() -> list[tuple[str, str, str, bool]]:
    """(file, function, storage call, routes through owns_guild) for each loop over a storage
    read whose arguments name no guild."""
    found = []
    for root in ("bot", "cogs"):
        for path in sorted((REPO / root).rglob("*.py")):
            if "storage" in path.relative_to(REPO).parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                repositories = _storage_names(function)
                for node in ast.walk(function):
                    if not isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
                        continue
                    read = node.iter
                    if not isinstance(read, ast.Await) or not isinstance(read.value, ast.Call):
                        continue
                    call = read.value
                    if not isinstance(call.func, ast.Attribute):
                        continue
                    owner = ast.unparse(call.func.value)
                    if "storage" not in owner and owner not in repositories:
                        continue
                    if any("guild" in ast.unparse(arg) for arg in call.args):
                        continue
                    found.append(
                        (
                            path.relative_to(REPO).as_posix(),
                            function.name,
                            call.func.attr,
                            "owns_guild" in ast.unparse(function),
                        )
                    )
    return found


def test_every_loader_across_servers_asks_which_servers_this_process_serves() -> None:
    loops = _cross_server_loops()
    forgetful = [
        f"{file}: {function}() loops over {call}() without bot.owns_guild"
        for file, function, call, routed in loops
        if not routed and (file, function, call) not in BOUND_TO_ONE_SERVER
    ]
    assert forgetful == [], "\n".join(forgetful)


def test_the_scan_sees_the_known_loaders() -> None:
    # If the scan stopped finding loops (a refactor of how they read storage), the rule above
    # would pass vacuously: these loaders must always be among what it checks.
    seen = {(file, function) for file, function, _, _ in _cross_server_loops()}
    assert {
        ("cogs/checkins/reminders.py", "recover"),
        ("cogs/meetings/announcing.py", "load_all"),
        ("bot/services/flags.py", "load_all"),
        ("cogs/privacy/upkeep.py", "reconcile_and_run"),
    } <= seen
    assert {(f, fn, call) for f, fn, call, _ in _cross_server_loops()} >= BOUND_TO_ONE_SERVER


def _due_reads() -> list[tuple[str, str, bool]]:
    """(file, due-time read, passes the shard plan) for each read of the next-due index."""
    found = []
    for root in ("bot", "cogs"):
        for path in sorted((REPO / root).rglob("*.py")):
            if "storage" in path.relative_to(REPO).parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr
                    in {"due_counters", "due_reminders", "due_prompts", "everything"}
                ):
                    passes_plan = any("shard_plan" in ast.unparse(a) for a in node.args)
                    found.append((str(path.relative_to(REPO)), node.func.attr, passes_plan))
    return found


def test_every_read_of_due_work_names_this_process_shards() -> None:
    # Celebrations, reminders and prompts are found through the next-due index in batches, and
    # meetings are read once at start: the filter must be in the query, or another process's due
    # rows would come back first in every batch (and every process would read every meeting).
    reads = _due_reads()
    assert {(file, read) for file, read, _ in reads} >= {
        ("cogs/sobriety/celebrations.py", "due_counters"),
        ("cogs/checkins/reminders.py", "due_reminders"),
        ("cogs/checkins/prompt.py", "due_prompts"),
        # Meetings at start: read for this process's shards only (100,000 rows otherwise).
        ("cogs/meetings/service.py", "everything"),
    }
    assert [f"{file}: {read}" for file, read, plan in reads if not plan] == []
