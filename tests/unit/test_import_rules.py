"""The house rules for imports (DESIGN.md), checked over the AST of every module in bot/ and
cogs/:

- a cog never imports another cog (shared services are typed attributes of `Hearth`, shared
  pieces of UI live in bot/ui);
- cogs reach storage only through `bot.storage`'s repositories on the bot, never by importing a
  storage module;
- bot/domain is pure: no discord, no database, no network, no files, nothing of bot/ outside it;
- bot/storage never imports discord, cogs, or bot/ modules other than storage and domain;
- bot/ modules import each other without cycles (imports under `if TYPE_CHECKING:` are for the
  type checker only and don't count for cycles; they do count for the other rules);
- no `assert` in product code (it vanishes under `python -O`).

Each rule is a function over module sources, so the tests at the end feed it deliberately bad
modules to show it catches them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "cogs")

# Modules that talk to the outside world (network, database, files, processes, the clock of an
# event loop) or to Discord: none of them belongs in bot/domain.
IO_MODULES = (
    "aiohttp",
    "aiosqlite",
    "apscheduler",
    "asyncio",
    "discord",
    "http",
    "httpx",
    "importlib.resources",
    "io",
    "os",
    "pathlib",
    "requests",
    "shutil",
    "socket",
    "sqlite3",
    "ssl",
    "subprocess",
    "tempfile",
    "urllib.request",
    "yarl",
)


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    for_type_checker: bool  # under `if TYPE_CHECKING:`

    def __str__(self) -> str:
        return f"{self.importer}:{self.line} imports {self.imported}"


def module_sources() -> dict[str, str]:
    found: dict[str, str] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path.read_text("utf-8")
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _package_of(module: str, source_is_package: bool) -> str:
    return module if source_is_package else module.rpartition(".")[0]


def imports_in(module: str, source: str, known: Mapping[str, str]) -> Iterator[Import]:
    """Every import in `source`, with relative imports resolved and `from pkg import sub`
    naming the submodule when `sub` is one."""
    tree = ast.parse(source)
    is_package = any(name.startswith(f"{module}.") for name in known)

    def visit(node: ast.AST, guarded: bool) -> Iterator[Import]:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from visit(child, True)
            for child in node.orelse:
                yield from visit(child, guarded)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno, guarded)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package_of(module, is_package)
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            yield Import(module, base, node.lineno, guarded)
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    yield Import(module, f"{base}.{alias.name}", node.lineno, guarded)
        for child in ast.iter_child_nodes(node):
            yield from visit(child, guarded)

    yield from visit(tree, False)


def all_imports(sources: Mapping[str, str]) -> list[Import]:
    return [found for name, text in sources.items() for found in imports_in(name, text, sources)]


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(f"{prefix}.")


def _cog_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "cogs" and len(parts) > 1 else None


def cog_to_cog(imports: list[Import]) -> list[str]:
    return [
        str(i)
        for i in imports
        if _cog_of(i.importer) is not None
        and _within(i.imported, "cogs")
        and _cog_of(i.imported) != _cog_of(i.importer)
    ]


def cogs_to_storage(imports: list[Import]) -> list[str]:
    return [
        str(i)
        for i in imports
        if _within(i.importer, "cogs") and _within(i.imported, "bot.storage")
    ]


def impure_domain(imports: list[Import]) -> list[str]:
    def impure(name: str) -> bool:
        outside = _within(name, "bot") and not _within(name, "bot.domain")
        return outside or _within(name, "cogs") or any(_within(name, io) for io in IO_MODULES)

    return [str(i) for i in imports if _within(i.importer, "bot.domain") and impure(i.imported)]


def storage_reaching_up(imports: list[Import]) -> list[str]:
    allowed = ("bot.storage", "bot.domain")
    return [
        str(i)
        for i in imports
        if _within(i.importer, "bot.storage")
        and (
            _within(i.imported, "discord")
            or _within(i.imported, "cogs")
            or (_within(i.imported, "bot") and not any(_within(i.imported, a) for a in allowed))
        )
    ]


def import_cycles(imports: list[Import], modules: Mapping[str, str]) -> list[list[str]]:
    """Groups of bot/ modules that import each other in a circle (at run time)."""
    graph: dict[str, set[str]] = {name: set() for name in modules if _within(name, "bot")}
    for i in imports:
        if i.for_type_checker or i.importer not in graph:
            continue
        if i.imported in graph and i.imported != i.importer:
            graph[i.importer].add(i.imported)
    # Tarjan's strongly connected components, iteratively (no recursion limit to worry about).
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def asserts_in(sources: Mapping[str, str]) -> list[str]:
    return [
        f"{name}:{node.lineno}"
        for name, text in sources.items()
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Assert)
    ]


# ---- the code base follows the rules ---------------------------------------------------------


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    found = module_sources()
    assert "bot.app" in found and "cogs.modqueue.commands" in found
    return found


@pytest.fixture(scope="module")
def imports(sources: dict[str, str]) -> list[Import]:
    return all_imports(sources)


def test_no_cog_imports_another_cog(imports: list[Import]) -> None:
    assert cog_to_cog(imports) == []


def test_cogs_reach_storage_only_through_the_bot(imports: list[Import]) -> None:
    assert cogs_to_storage(imports) == []


def test_the_domain_is_pure(imports: list[Import]) -> None:
    assert impure_domain(imports) == []


def test_storage_never_imports_discord_cogs_or_the_rest_of_bot(imports: list[Import]) -> None:
    assert storage_reaching_up(imports) == []


def test_bot_modules_import_each_other_without_cycles(
    imports: list[Import], sources: dict[str, str]
) -> None:
    assert import_cycles(imports, sources) == []


def test_no_assert_in_product_code(sources: dict[str, str]) -> None:
    assert asserts_in(sources) == []


# ---- the rules catch what they are for ---------------------------------------------------------

GOOD = {
    "bot": "",
    "bot.app": "import cogs\nfrom bot.services.flags import FlagService\n",
    "bot.domain": "",
    "bot.domain.flags": "from dataclasses import dataclass\nfrom bot.domain import streaks\n",
    "bot.domain.streaks": "from datetime import date\n",
    "bot.services": "",
    "bot.services.flags": (
        "import discord\nfrom bot.domain.flags import Flag\n"
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.app import Hearth\n"
    ),
    "bot.storage": "",
    "bot.storage.flags": "import aiosqlite\nfrom bot.domain.flags import Flag\n",
    "cogs": "",
    "cogs.modqueue": "from cogs.modqueue.commands import ModQueue\n",
    "cogs.modqueue.commands": "from . import render\nfrom bot.services.flags import FlagService\n",
    "cogs.modqueue.render": "import discord\n",
    "cogs.crisis": "",
    "cogs.crisis.responder": "from bot.domain.flags import Flag\n",
}


def violations(sources: dict[str, str]) -> list[str]:
    imports = all_imports(sources)
    found = (
        cog_to_cog(imports)
        + cogs_to_storage(imports)
        + impure_domain(imports)
        + storage_reaching_up(imports)
        + [" <-> ".join(cycle) for cycle in import_cycles(imports, sources)]
        + asserts_in(sources)
    )
    return found


def test_a_well_formed_house_has_no_violations() -> None:
    assert violations(GOOD) == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        (
            "cogs.crisis.responder",
            "from cogs.modqueue.commands import ModQueue\n",
            "cogs.crisis.responder:1 imports cogs.modqueue.commands",
        ),
        (
            "cogs.crisis.responder",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import cogs.modqueue\n",
            "cogs.crisis.responder:3 imports cogs.modqueue",
        ),
        (
            "cogs.crisis.responder",
            "from bot.storage.flags import NewFlag\n",
            "cogs.crisis.responder:1 imports bot.storage.flags",
        ),
        ("bot.domain.streaks", "import discord\n", "bot.domain.streaks:1 imports discord"),
        (
            "bot.domain.streaks",
            "def load():\n    import sqlite3\n",
            "bot.domain.streaks:2 imports sqlite3",
        ),
        (
            "bot.domain.streaks",
            "from bot.storage import flags\n",
            "bot.domain.streaks:1 imports bot.storage",
        ),
        ("bot.domain.streaks", "from aiohttp import web\n", "bot.domain.streaks:1 imports aiohttp"),
        ("bot.domain.streaks", "import cogs.crisis\n", "bot.domain.streaks:1 imports cogs.crisis"),
        ("bot.storage.flags", "import discord.ui\n", "bot.storage.flags:1 imports discord.ui"),
        (
            "bot.storage.flags",
            "from cogs.modqueue import render\n",
            "bot.storage.flags:1 imports cogs.modqueue",
        ),
        (
            "bot.storage.flags",
            "from bot.services.flags import FlagService\n",
            "bot.storage.flags:1 imports bot.services.flags",
        ),
        (
            "bot.domain.streaks",
            "from bot.domain.flags import Flag\n",
            "bot.domain.flags <-> bot.domain.streaks",
        ),
        ("cogs.modqueue.render", "def f(x):\n    assert x\n", "cogs.modqueue.render:2"),
    ],
)
def test_each_rule_catches_a_deliberately_bad_module(
    module: str, source: str, expected: str
) -> None:
    bad = {**GOOD, module: source}
    assert expected in violations(bad)


def test_an_import_only_for_the_type_checker_makes_no_cycle() -> None:
    house = {
        **GOOD,
        "bot.domain.streaks": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from bot.domain.flags import Flag\n"
        ),
    }
    assert violations(house) == []
