"""Task news: what a task's execution learns about it (a worker took it, it succeeded, failed, timed out).

News comes from many places (an integration call returning, a worker's GetActivityTask or
SendTaskSuccess, a ``.sync`` child ending, a task timer firing) and may wait in a work item
before the execution takes it, so it has one shape and one JSON form.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

#: Step Functions' cause field holds at most this many characters.
MAX_CAUSE = 32_768
#: The payload quota: an input, output or task result holds at most this many bytes of UTF-8 JSON.
MAX_PAYLOAD_BYTES = 262_144


class Phase(StrEnum):
    """How far a task has got."""

    STARTED = "started"  # a worker took an activity task
    SUBMITTED = "submitted"  # the call went out and the task goes on waiting (.sync, .waitForTaskToken)
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CALL_FAILED = "call_failed"  # the call itself failed: nothing was submitted, whatever the task waits for
    TIMED_OUT = "timed_out"  # one of the task's timers fired
    RUNNING = "running"  # a look at a .sync job found it running: the look is made again later, nothing is told


class TimeoutKind(StrEnum):
    """Which of a task's timers fired."""

    TASK = "task_timeout"
    HEARTBEAT = "heartbeat"


@dataclass(frozen=True)
class TaskNews:
    """News of task ``task_id``: its ``phase`` and what comes with it.

    ``output`` with SUCCEEDED and SUBMITTED; ``error`` and ``cause`` with FAILED and CALL_FAILED; ``reason`` with
    TIMED_OUT; ``worker_name`` names the activity worker that took the task, when there is one; ``items``, with
    the end of a distributed Map's child, how many of the Map's items it ran.
    """

    task_id: int
    phase: Phase
    output: Any = None
    error: str | None = None
    cause: str | None = None
    worker_name: str | None = None
    reason: TimeoutKind | None = None
    items: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form: the members that are set (``output`` always for the phases that carry one)."""
        data: dict[str, Any] = {"task_id": self.task_id, "phase": self.phase.value}
        if self.phase in (Phase.SUCCEEDED, Phase.SUBMITTED):
            data["output"] = self.output
        for key, value in (("error", self.error), ("cause", self.cause), ("worker_name", self.worker_name)):
            if value is not None:
                data[key] = value
        if self.reason is not None:
            data["reason"] = self.reason.value
        if self.items is not None:
            data["items"] = self.items
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TaskNews:
        reason = data.get("reason")
        return cls(
            task_id=int(data["task_id"]),
            phase=Phase(data["phase"]),
            output=data.get("output"),
            error=data.get("error"),
            cause=data.get("cause"),
            worker_name=data.get("worker_name"),
            reason=None if reason is None else TimeoutKind(reason),
            items=data.get("items"),
        )


def succeeded(task_id: int, output: Any) -> TaskNews:
    return TaskNews(task_id, Phase.SUCCEEDED, output=output)


def failed(task_id: int, error: str | None, cause: str | None) -> TaskNews:
    return TaskNews(task_id, Phase.FAILED, error=error, cause=cause)


def call_failed(task_id: int, error: str | None, cause: str | None) -> TaskNews:
    """The task's integration call failed: a callback or ``.sync`` task has nothing to wait for and ends now."""
    return TaskNews(task_id, Phase.CALL_FAILED, error=error, cause=cause)
