"""A transition of the engine turned into the rows the store writes, before any transaction opens.

Serialising here, outside the write, keeps the transaction short: it only runs statements.
"""

from __future__ import annotations

from typing import Any

from app.codec import dumps, dumps_stored, storable_text
from app.durable import snapshot
from app.durable.statuses import ExecutionStatus, TokenStatus
from app.durable.work import AWAIT_JOB, Invocation, WorkKind
from app.engine.types import TaskInvocation, Transition
from app.store import work_items
from app.store.executions import TransitionRows


def transition_rows(arn: str, transition: Transition, now: float) -> TransitionRows:
    """The snapshot, events, timers, calls and tokens of ``transition`` as rows (no database access)."""
    rows = TransitionRows(
        arn=arn,
        status=transition.status,
        snapshot=dumps_stored(snapshot.encode(transition.snapshot)),
        next_event_id=transition.snapshot.last_event_id + 1,
        output=transition.output,
        error=storable_text(transition.error),
        cause=storable_text(transition.cause),
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
        reopened_map_runs=transition.reopened_map_runs,
    )
    for begun in transition.map_children:
        rows.map_children.extend(
            {
                "map_run_arn": begun.map_run_arn,
                "position": position,
                "execution_arn": arn,
                "input": dumps(value),
                "items": items,
            }
            for position, (value, items) in enumerate(zip(begun.inputs, begun.items, strict=True))
        )
    if transition.status != ExecutionStatus.RUNNING:
        return rows
    for timer in transition.timers:
        if timer.warn_at is not None:
            payload = {"timer_id": timer.timer_id, "timeout_at": timer.due}
            rows.items.append(work_items.row(arn, WorkKind.WARN, payload, timer.warn_at, timer.timer_id))
        else:
            payload = {"timer_id": timer.timer_id, "due": timer.due}
            rows.items.append(work_items.row(arn, timer.kind, payload, timer.due, timer.timer_id))
    for task in transition.tasks:
        if task.token is not None:
            rows.tokens.append(_token_row(arn, task, now))
        if task.call:
            invocation = Invocation(
                task.task_id, task.resource, task.input, task.token, task.timeout_seconds, task.role_arn
            )
            kind = WorkKind.WATCH if task.resource == AWAIT_JOB else WorkKind.INVOKE
            rows.items.append(work_items.row(arn, kind, invocation.to_json(), now))
    if transition.run_again:
        rows.items.append(work_items.row(arn, WorkKind.RUN, {}, now))
    return rows


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
