"""Nested executions: a ``.sync`` child reports its end to the parent task; a stopped parent stops its children."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.codec import dumps, loads
from app.durable import news
from app.durable.statuses import ExecutionStatus
from app.durable.work import WorkKind
from app.engine.types import Transition
from app.store import executions, work_items
from app.store.records import ExecutionRecord

#: The ``parent_task`` pattern of a distributed Map's child execution.
MAP_PATTERN = "map"


@dataclass(frozen=True)
class Ended:
    """A finished child execution, as the ``.sync`` task of its parent describes it."""

    arn: str
    name: str
    state_machine_arn: str
    input_text: str
    start_date: float
    stop_date: float
    status: str
    output: str | None = None
    error: str | None = None
    cause: str | None = None


def describe_output(ended: Ended, *, as_json: bool) -> dict[str, Any]:
    """The DescribeExecution-shaped result a ``.sync`` task returns (``.sync:2``: Input/Output as JSON)."""
    result: dict[str, Any] = {
        "ExecutionArn": ended.arn,
        "Input": loads(ended.input_text) if as_json else ended.input_text,
        "InputDetails": {"Included": True},
        "Name": ended.name,
        "StartDate": int(ended.start_date * 1000),
        "StateMachineArn": ended.state_machine_arn,
        "Status": ended.status,
        "StopDate": int(ended.stop_date * 1000),
    }
    if ended.output is not None:
        result["Output"] = loads(ended.output) if as_json else ended.output
        result["OutputDetails"] = {"Included": True}
    if ended.error is not None:
        result["Error"] = ended.error
    if ended.cause is not None:
        result["Cause"] = ended.cause
    return result


def may_queue_news(row: ExecutionRecord, waits_for_children: bool) -> bool:
    """Whether the end of this execution may queue work: news for a parent, stops for children."""
    return row.parent_task is not None or waits_for_children


def report_to_parent(conn: sa.Connection, row: ExecutionRecord, transition: Transition, now: float) -> None:
    """Deliver a finished child's result to the parent task that waits for it with ``.sync``."""
    if row.parent_task is None:
        return
    ended = Ended(
        row.arn,
        row.name,
        row.state_machine_arn,
        row.input,
        row.start_date,
        now,
        transition.status,
        transition.output,
        transition.error,
        transition.cause,
    )
    report_end(conn, loads(row.parent_task), ended, now)


def report_end(conn: sa.Connection, parent_task: dict[str, Any], ended: Ended, now: float) -> None:
    """Queue a finished child's result as news for the task ``parent_task`` names: a ``.sync`` task
    (a DescribeExecution-shaped result), or a distributed Map (pattern ``map``: the child's own
    output, or its error and cause)."""
    task_id = int(parent_task["task_id"])
    if parent_task["pattern"] == MAP_PATTERN:
        answer = ended_news(task_id, ended.status, ended.output, ended.error, ended.cause)
        work_items.enqueue(conn, parent_task["execution_arn"], WorkKind.TASK, answer.to_json(), now)
        return
    described = describe_output(ended, as_json=parent_task["pattern"] == "sync2")
    if ended.status == ExecutionStatus.SUCCEEDED:
        answer = news.succeeded(task_id, described)
    else:
        answer = news.failed(task_id, "States.TaskFailed", dumps(described))
    work_items.enqueue(conn, parent_task["execution_arn"], WorkKind.TASK, answer.to_json(), now)


def ended_news(task_id: int, status: str, output: str | None, error: str | None, cause: str | None) -> news.TaskNews:
    """A distributed Map child's end as its parent Map takes it."""
    if status == ExecutionStatus.SUCCEEDED:
        return news.succeeded(task_id, None if output is None else loads(output))
    if status == ExecutionStatus.ABORTED and error is None:
        error = "States.Aborted"  # not from AWS: an aborted child has no error of its own to report
    return news.failed(task_id, error or status, cause)


def stop_children(conn: sa.Connection, parent_arn: str, now: float) -> None:
    """Stop the running executions a ``.sync`` task of this (now ended) execution waits for."""
    for child in executions.running_sync_children(conn, parent_arn):
        work_items.enqueue(conn, child, WorkKind.STOP, {"error": None, "cause": "parent execution ended"}, now)
