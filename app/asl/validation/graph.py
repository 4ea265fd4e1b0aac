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


#: A state's transitions: (target name, location of the reference).
Edges = dict[str, list[tuple[str, str]]]


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
    # Each dangling reference, by location, with the state it most likely meant (if explaining).
    guesses: dict[str, str | None] = {}
    start_location = child(location, "StartAt")
    if start not in states:
        guesses[start_location] = _missing_target(report, start, start_location, states)
    edges: Edges = {}
    for name, state in states.items():
        edges[name] = list(_targets(state, child(states_location, name))) if isinstance(state, dict) else []
        for target, where in edges[name]:
            if target not in states:
                guesses[where] = _missing_target(report, target, where, states)
    if top and not any(_is_terminal(state) for state in states.values()):
        report.error(MISSING_END_STATE, "Workflow has no terminal state", "")
        return
    reached = _reachable(start, edges)
    causes = _causes(reached, start_location, edges, guesses) if len(reached) < len(states) else {}
    for name in states:
        if name not in reached:
            message = f'State "{name}" is not reachable.'
            report.error(MISSING_TRANSITION_TARGET, message, child(states_location, name), cause=causes.get(name, ""))


def _missing_target(report: Report, target: str, where: str, states: dict[str, Any]) -> str | None:
    """Report a reference to a state that is not in the block; the name it most likely meant."""
    guess = report.guess(target, states)
    hint = f'did you mean "{guess}"?' if guess else ""
    report.error(MISSING_TRANSITION_TARGET, f"Missing 'Next' target: {target}", where, hint=hint)
    return guess


def _reachable(start: str, edges: Edges) -> set[str]:
    """Names reachable from ``start`` following the edges (none if ``start`` is unknown)."""
    reached: set[str] = set()
    pending = [start] if start in edges else []
    while pending:
        name = pending.pop()
        if name not in reached:
            reached.add(name)
            pending.extend(target for target, _ in edges[name] if target in edges)
    return reached


def _causes(reached: set[str], start_location: str, edges: Edges, guesses: dict[str, str | None]) -> dict[str, str]:
    """For each unreachable state that the guessed targets would reach: the dangling reference to blame.

    Such a state is not reachable only because of a misspelt ``Next`` (or ``StartAt``); one the
    guesses do not reach either is unreachable in its own right and gets no cause.
    """
    causes: dict[str, str] = {}
    pending = [(name, "") for name in reached]
    if guess := guesses.get(start_location):
        pending.append((guess, start_location))
    while pending:
        name, cause = pending.pop()
        if cause:  # a state only a guess reaches
            if name in causes:
                continue
            causes[name] = cause
        for target, where in edges[name]:
            guess = guesses.get(where) if target not in edges else target
            if guess is not None and guess not in reached and guess not in causes:
                pending.append((guess, cause or where))
    return causes
