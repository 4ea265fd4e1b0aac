"""What an Express state machine may not ask for: activities, ``.sync`` and ``.waitForTaskToken``.

AWS refuses these at CreateStateMachine (and ValidateStateMachineDefinition with ``type``
EXPRESS) with a schema error at the Task's ``Resource``, in the wording below (measured).
"""

from __future__ import annotations

from typing import Any

from app.asl.resources import parse_resource
from app.asl.validation.diagnostics import Report, child
from app.asl.walk import every_state

_REFUSED = {
    "activity": "Express state machine does not support Activity ARN",
    "sync": "Express state machine does not support '.sync' service integration",
    "sync2": "Express state machine does not support '.sync' service integration",
    "wait_for_task_token": "Express state machine does not support '.waitForTaskToken' service integration ",
}


def check_express(report: Report, definition: Any) -> None:
    """Report every Task of the machine (nested ones too) whose resource Express cannot run."""
    for location, _, state in every_state(definition):
        resource = state.get("Resource")
        parsed = parse_resource(resource) if state.get("Type") == "Task" and isinstance(resource, str) else None
        if parsed is None:
            continue
        refusal = _REFUSED.get("activity" if parsed.kind == "activity" else parsed.pattern)
        if refusal is not None:
            report.schema(refusal, child(location, "Resource"))
