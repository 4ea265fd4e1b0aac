"""Work items: the kinds the queue holds, and the payload of the one kind that is not a trigger.

Every kind but ``invoke`` and ``warn`` wakes its execution with a trigger of the same name:
``run`` (go on from the snapshot), ``timer`` (a Wait, retry or task timer fired: payload
``timer_id``), ``timeout`` (the execution's deadline), ``stop`` (payload ``error``, ``cause``),
``task`` (payload: task news), ``recover`` (re-arm what a crash lost) and ``fail`` (payload
``error``, ``cause``: the service gave up on a step that kept failing). ``invoke`` asks a task
runner to call an integration (payload: :class:`Invocation`); ``watch`` to look at a ``.sync`` job an
execution waits for (payload: the ``AWAIT_JOB`` invocation), and is kept when the execution ends, so
that its next look stops the job; ``warn`` is the execution's deadline
seen early, to log that it approaches (payload ``timeout_at``), after which it becomes ``timeout``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class WorkKind(StrEnum):
    RUN = "run"
    TIMER = "timer"
    TIMEOUT = "timeout"
    STOP = "stop"
    TASK = "task"
    RECOVER = "recover"
    INVOKE = "invoke"
    WARN = "warn"
    FAIL = "fail"
    UPDATE_MAP_RUN = "update_map_run"
    WATCH = "watch"


#: Claims of one work item before the service gives up on it (a crash or a hiccup makes a second
#: claim normal; a step or call that keeps failing must end, not retry for ever).
MAX_ATTEMPTS = 5
#: Seconds before work that failed on a fault of the server (its database out of reach) is tried again.
RETRY_DELAY = 5.0

#: The resource of the call a Map with an ItemReader makes to read its items (its input names the S3 resource).
ITEM_READER = "states:itemReader"

#: The resource of the call a distributed Map with a ResultWriter makes once its children ended: its input names
#: the Map Run, its children's count and where (and how) to write their results.
RESULT_WRITER = "states:resultWriter"

#: The resource of the call a distributed Map makes to start the child execution of one item (or batch): its
#: input names the child (ARN, machine, definition) and its input; starting it again is a no-op.
MAP_CHILD = "states:mapChild"

#: The resource of the look a ``.sync`` job's task takes at its job once the job started (a ``watch`` item): its
#: input names the task's resource, its parameters and the start's answer. ``STOP_JOB`` (same input) stops it.
AWAIT_JOB = "states:awaitJob"
STOP_JOB = "states:stopJob"

#: The id of the execution's deadline timer, which every execution arms at its start.
DEADLINE_TIMER_ID = 0


@dataclass(frozen=True)
class Invocation:
    """A call of an integration for task ``task_id`` (the input after the Task's data flow)."""

    task_id: int
    resource: str
    input: Any
    token: str | None = None
    timeout_seconds: float | None = None
    role_arn: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "resource": self.resource,
            "input": self.input,
            "token": self.token,
            "timeout_seconds": self.timeout_seconds,
            "role_arn": self.role_arn,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Invocation:
        return cls(
            task_id=int(data["task_id"]),
            resource=str(data["resource"]),
            input=data.get("input"),
            token=data.get("token"),
            timeout_seconds=data.get("timeout_seconds"),
            role_arn=data.get("role_arn"),
        )
