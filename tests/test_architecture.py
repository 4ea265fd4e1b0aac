"""The layers of ``app/``, checked on the imports themselves (docs/ARCHITECTURE.md draws them).

Every package or top-level module of ``app`` has a rank; it may import only what ranks strictly
lower, so the API never reaches under the service, the scheduler and the service never import
each other, the engine and the store never meet, and integrations are handed in from the top.
Imports inside functions and under ``TYPE_CHECKING`` count as much as any other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"

RANKS: dict[str, int] = {
    # leaves: plain helpers with no dependency inside the application
    "codec": 0,
    "errors": 0,
    "clock": 0,
    "settings": 0,
    "crashpoints": 0,
    "gc_tuning": 0,
    "server_process": 0,
    "metrics": 0,
    "failure_log": 0,
    "version": 0,
    "terminal_views": 0,
    "recurrence": 0,
    "remote": 1,
    "deploy": 2,
    "arns": 1,
    # the console's pure parts (graph layout, a history read per state) and its pages
    "console": 1,
    # the durable vocabulary, the language, then the pure interpreter beside the SQL and the integrations
    "durable": 1,
    "asl": 2,
    "engine": 3,
    "store": 3,
    "integrations": 3,
    # the execution core, its two callers, the HTTP surfaces, and the wiring on top
    "executions": 4,
    "scheduler": 5,
    "service": 5,
    "api": 6,
    "composition": 7,
    "preflight": 7,
    "main": 8,
    "config_report": 8,
    "docs_tables": 8,
    "local_run": 8,
    "cli": 9,
}


def _unit(path: Path) -> str:
    """The package or top-level module of ``app`` a file belongs to."""
    return path.relative_to(APP).parts[0].removesuffix(".py")


def _imported_units(path: Path) -> Iterator[tuple[str, int]]:
    """Units of ``app`` that a file imports, with the line of each import."""
    package = path.relative_to(APP.parent).with_suffix("").parts[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            modules = [module] if node.module else [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            if parts[0] == "app" and len(parts) > 1:
                yield parts[1], node.lineno


def _edges() -> dict[tuple[str, str], str]:
    """Every import between two different units, with one place where it happens."""
    edges: dict[tuple[str, str], str] = {}
    for path in sorted(APP.rglob("*.py")):
        if path.parent == APP and path.name == "__init__.py":
            continue
        source = _unit(path)
        for target, line in _imported_units(path):
            if target != source:
                edges.setdefault((source, target), f"{path.relative_to(APP.parent)}:{line}")
    return edges


def test_every_unit_has_a_rank() -> None:
    units = {_unit(path) for path in APP.rglob("*.py") if path != APP / "__init__.py"}
    assert units - set(RANKS) == set(), "give the new package or module a rank here and in docs/ARCHITECTURE.md"
    assert set(RANKS) - units == set(), "a ranked unit no longer exists"


def test_imports_only_point_down() -> None:
    upward = [
        f"{where}: {source} (rank {RANKS[source]}) imports {target} (rank {RANKS[target]})"
        for (source, target), where in _edges().items()
        if RANKS[target] >= RANKS[source]
    ]
    assert not upward, "\n".join(upward)


def test_no_cycle_between_packages() -> None:
    graph: dict[str, set[str]] = {}
    for source, target in _edges():
        graph.setdefault(source, set()).add(target)
    visiting: list[str] = []
    done: set[str] = set()

    def visit(unit: str) -> None:
        if unit in done:
            return
        assert unit not in visiting, "import cycle: " + " -> ".join([*visiting[visiting.index(unit) :], unit])
        visiting.append(unit)
        for target in sorted(graph.get(unit, ())):
            visit(target)
        visiting.pop()
        done.add(unit)

    for unit in sorted(graph):
        visit(unit)


def test_the_walk_sees_relative_and_local_imports() -> None:
    """The checker itself: a relative import and an import inside a function are both found."""
    module = APP / "integrations" / "functions" / "invoker.py"
    found = {unit for unit, _ in _imported_units(module)}
    assert {"integrations", "arns", "codec"} <= found
    cli = {unit for unit, _ in _imported_units(APP / "cli.py")}
    assert "main" in cli, "cli imports app.main inside a function"
