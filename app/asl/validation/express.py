"""What an Express state machine may not ask for: activities, ``.sync`` and ``.waitForTaskToken``.

AWS refuses these at CreateStateMachine (and ValidateStateMachineDefinition with ``type``
EXPRESS) with a schema error at the Task's ``Resource``, in the wording below (measured).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.asl.resources import parse_resource
from app.asl.validation.diagnostics import Report, child, item

_REFUSED = {
    "activity": "Express state machine does not support Activity ARN",
    "sync": "Express state machine does not support '.sync' service integration",
    "sync2": "Express state machine does not support '.sync' service integration",
    "wait_for_task_token": "Express state machine does not support '.waitForTaskToken' service integration ",
}


def check_express(report: Report, definition: Any) -> None:
    """Report every Task of the machine (nested ones too) whose resource Express cannot run."""
    for resource, location in _task_resources(definition, ""):
        parsed = parse_resource(resource)
        if parsed is None:
            continue
        refusal = _REFUSED.get("activity" if parsed.kind == "activity" else parsed.pattern)
        if refusal is not None:
            report.schema(refusal, location)


def _task_resources(machine: Any, location: str) -> Iterator[tuple[str, str]]:
    states = machine.get("States") if isinstance(machine, dict) else None
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        here = child(child(location, "States"), name)
        if state.get("Type") == "Task" and isinstance(state.get("Resource"), str):
            yield state["Resource"], child(here, "Resource")
        for index, branch in enumerate(state.get("Branches") or []):
            yield from _task_resources(branch, item(child(here, "Branches"), index))
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                yield from _task_resources(state[key], child(here, key))
