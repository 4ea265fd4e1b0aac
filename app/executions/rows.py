"""A transition of the engine turned into the rows the store writes, before any transaction opens.

Serialising here, outside the write, keeps the transaction short: it only runs statements.
"""

from __future__ import annotations

from typing import Any

from app.codec import dumps
from app.durable.statuses import ExecutionStatus, TokenStatus
from app.engine.types import TaskInvocation, Transition
from app.store import work_items
from app.store.executions import TransitionRows


def transition_rows(arn: str, transition: Transition, now: float) -> TransitionRows:
    """The snapshot, events, timers, calls and tokens of ``transition`` as rows (no database access)."""
    rows = TransitionRows(
        arn=arn,
        status=transition.status,
        snapshot=dumps(transition.snapshot),
        next_event_id=int(transition.snapshot["last_event_id"]) + 1,
        output=transition.output,
        error=transition.error,
        cause=transition.cause,
        events=[
            {
                "execution_arn": arn,
                "event_id": event.id,
                "type": event.type,
                "previous_event_id": event.previous_event_id,
                "timestamp": event.timestamp,
                "details": None if event.details is None else dumps(event.details),
            }
            for event in transition.events
        ],
        timed_out_tokens=transition.closed_tokens,
    )
    if transition.status != ExecutionStatus.RUNNING:
        return rows
    for timer in transition.timers:
        if timer.warn_at is not None:
            payload = {"timer_id": timer.timer_id, "timeout_at": timer.due}
            rows.items.append(work_items.row(arn, "warn", payload, timer.warn_at, timer.timer_id))
        else:
            rows.items.append(work_items.row(arn, timer.kind, {"timer_id": timer.timer_id}, timer.due, timer.timer_id))
    for task in transition.tasks:
        if task.token is not None:
            rows.tokens.append(_token_row(arn, task, now))
        if task.call:
            rows.items.append(work_items.row(arn, "invoke", invocation_payload(task), now))
    if transition.run_again:
        rows.items.append(work_items.row(arn, "run", {}, now))
    return rows


def invocation_payload(task: TaskInvocation) -> dict[str, Any]:
    """What the task runner needs to call an integration."""
    return {
        "task_id": task.task_id,
        "resource": task.resource,
        "input": task.input,
        "token": task.token,
        "timeout_seconds": task.timeout_seconds,
    }


def _token_row(execution_arn: str, task: TaskInvocation, now: float) -> dict[str, Any]:
    return {
        "token": task.token,
        "execution_arn": execution_arn,
        "task_id": task.task_id,
        "activity_arn": task.activity_arn,
        "status": TokenStatus.SCHEDULED if task.activity_arn else TokenStatus.PENDING,
        "input": dumps(task.input),
        "worker_name": None,
        "heartbeat_seconds": task.heartbeat_seconds,
        "heartbeat_timer_id": task.heartbeat_timer_id,
        "created_at": now,
    }
