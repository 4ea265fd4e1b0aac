"""Every state of a raw definition, nested ones included, with the location AWS reports for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.asl.validation.diagnostics import child, item


def every_state(machine: Any, location: str = "") -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(location, name, state)`` for each state: the machine's, then those of its Parallel
    branches and Map processors (``/States/P/Branches[0]/States/T``)."""
    states = machine.get("States") if isinstance(machine, dict) else None
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        here = child(child(location, "States"), name)
        yield here, name, state
        for index, branch in enumerate(state.get("Branches") or []):
            yield from every_state(branch, item(child(here, "Branches"), index))
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                yield from every_state(state[key], child(here, key))
