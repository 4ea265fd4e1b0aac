"""Transitions inside one ``States`` block: dangling targets, the terminal state, reachability.

Targets never cross blocks: a branch or item processor is its own graph, so a ``Next`` that
names a state of the enclosing machine is a missing target, as on AWS.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.asl.validation.diagnostics import (
    MISSING_END_STATE,
    MISSING_TRANSITION_TARGET,
    Report,
    child,
    item,
)


def _targets(state: dict[str, Any], location: str) -> Iterator[tuple[str, str]]:
    """Every (target name, location of the reference) a state can transition to."""
    candidates: list[tuple[Any, str]] = [
        (state.get("Next"), child(location, "Next")),
        (state.get("Default"), child(location, "Default")),
    ]
    for field in ("Choices", "Catch"):
        entries = state.get(field)
        if isinstance(entries, list):
            candidates.extend(
                (entry.get("Next"), child(item(child(location, field), index), "Next"))
                for index, entry in enumerate(entries)
                if isinstance(entry, dict)
            )
    for target, where in candidates:
        if isinstance(target, str):
            yield target, where


def _is_terminal(state: Any) -> bool:
    return isinstance(state, dict) and (state.get("End") is True or state.get("Type") in ("Succeed", "Fail"))


def check_transitions(report: Report, machine: dict[str, Any], location: str, *, top: bool) -> None:
    """Report dangling targets, then (top level) a missing terminal state or unreachable states.

    AWS reports MISSING_END_STATE only for the top-level block, and then skips the
    reachability walk there; nested blocks only get the walk.
    """
    states = machine.get("States")
    start = machine.get("StartAt")
    if not isinstance(states, dict) or not isinstance(start, str):
        return
    states_location = child(location, "States")
    if start not in states:
        report.error(MISSING_TRANSITION_TARGET, f"Missing 'Next' target: {start}", child(location, "StartAt"))
    edges: dict[str, list[str]] = {}
    for name, state in states.items():
        edges[name] = []
        if not isinstance(state, dict):
            continue
        for target, where in _targets(state, child(states_location, name)):
            edges[name].append(target)
            if target not in states:
                report.error(MISSING_TRANSITION_TARGET, f"Missing 'Next' target: {target}", where)
    if top and not any(_is_terminal(state) for state in states.values()):
        report.error(MISSING_END_STATE, "Workflow has no terminal state", "")
        return
    reached = _reachable(start, edges)
    for name in states:
        if name not in reached:
            report.error(MISSING_TRANSITION_TARGET, f'State "{name}" is not reachable.', child(states_location, name))


def _reachable(start: str, edges: dict[str, list[str]]) -> set[str]:
    """Names reachable from ``start`` following the edges (none if ``start`` is unknown)."""
    reached: set[str] = set()
    pending = [start] if start in edges else []
    while pending:
        name = pending.pop()
        if name not in reached:
            reached.add(name)
            pending.extend(target for target in edges[name] if target in edges)
    return reached
