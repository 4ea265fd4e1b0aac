"""The server's own log lines about executions: one per start, one per end, one per failed task.

These are for the people running the server (what ran, what failed and why), not the history
(which the API serves) nor the log records a machine's ``loggingConfiguration`` asks for. Each
line also carries its facts as fields, so ``SFN_LOG_FORMAT=json`` gives them as JSON members.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from app import arns
from app.durable.statuses import ExecutionStatus
from app.engine.types import HistoryEvent

log = logging.getLogger("sfn.executions")

#: Longest cause a log line quotes; the history has all of it.
MAX_LOGGED_CAUSE = 300
FAILED_TASK_EVENTS = frozenset(
    {
        "TaskFailed",
        "TaskTimedOut",
        "TaskStartFailed",
        "TaskSubmitFailed",
        "LambdaFunctionFailed",
        "LambdaFunctionTimedOut",
        "LambdaFunctionStartFailed",
        "LambdaFunctionScheduleFailed",
        "ActivityFailed",
        "ActivityTimedOut",
        "ActivityScheduleFailed",
    }
)
END_LEVELS = {ExecutionStatus.SUCCEEDED: logging.INFO, ExecutionStatus.ABORTED: logging.INFO}


def log_transition(
    execution_arn: str,
    events: Sequence[HistoryEvent],
    status: ExecutionStatus,
    started_at: float,
    error: str | None = None,
    cause: str | None = None,
) -> None:
    """Log what a committed transition tells a person: a start, failed tasks, an end.

    Called for every transition; most tell nothing, so the ARN is only parsed for a line written.
    """
    resource = None
    for event in events:
        if event.type == "ExecutionStarted":
            log.info("started %s", _execution_label(execution_arn), extra={"execution_arn": execution_arn})
        elif event.type in ("TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled"):
            resource = _resource(_details(event))
        elif event.type in FAILED_TASK_EVENTS:
            _log_failed_task(execution_arn, event, resource)
        elif event.type == "ExecutionRedriven":
            log.info("redriven %s", _execution_label(execution_arn), extra={"execution_arn": execution_arn})
    if status != ExecutionStatus.RUNNING:
        _log_end(execution_arn, status, started_at, events, error, cause)


def _log_failed_task(execution_arn: str, event: HistoryEvent, resource: str | None) -> None:
    details = _details(event)
    resource = _resource(details) or resource or _kind(event.type)
    error = details.get("error") or event.type
    log.warning(
        "task %s failed in %s: %s%s",
        resource,
        _execution_label(execution_arn),
        error,
        _quoted(details.get("cause")),
        extra={"execution_arn": execution_arn, "resource": resource, "error": error},
    )


def _log_end(
    execution_arn: str,
    status: ExecutionStatus,
    started_at: float,
    events: Sequence[HistoryEvent],
    error: str | None,
    cause: str | None,
) -> None:
    ended_at = max((event.timestamp for event in events), default=started_at)
    seconds = round(max(ended_at - started_at, 0.0), 3)
    failure = f": {error}{_quoted(cause)}" if error else ""
    log.log(
        END_LEVELS.get(status, logging.WARNING),
        "%s %s after %.3f s%s",
        _execution_label(execution_arn),
        status.value,
        seconds,
        failure,
        extra={"execution_arn": execution_arn, "status": status.value, "duration_seconds": seconds, "error": error},
    )


def _resource(details: dict[str, Any]) -> str | None:
    """``lambda:invoke``, ``dynamodb:putItem``, a function's ARN: what a task called, as AWS names it."""
    resource = details.get("resource")
    if resource and details.get("resourceType"):
        return f"{details['resourceType']}:{resource}"
    return resource


def _kind(event_type: str) -> str:
    """What a failed event's task was, when no event of this transition named its resource."""
    return "lambda" if event_type.startswith("Lambda") else "activity" if event_type.startswith("Activity") else "?"


def _details(event: HistoryEvent) -> dict[str, Any]:
    """The event's one ``…EventDetails`` member."""
    return next(iter((event.details or {}).values()), {})


def _execution_label(execution_arn: str) -> str:
    """``machine/name``: the part of the ARN a person recognises."""
    parsed = arns.parse(execution_arn)
    if parsed is None or len(parsed.parts) < 2:
        return execution_arn
    return "/".join(parsed.parts[:2])


def _quoted(cause: str | None) -> str:
    if not cause:
        return ""
    text = cause if len(cause) <= MAX_LOGGED_CAUSE else cause[:MAX_LOGGED_CAUSE] + "…"
    return f" ({text})"
