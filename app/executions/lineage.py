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
from app.store import executions, map_runs, work_items
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
        _report_map_child_end(conn, parent_task, ended, now)
        return
    described = describe_output(ended, as_json=parent_task["pattern"] == "sync2")
    if ended.status == ExecutionStatus.SUCCEEDED:
        answer = news.succeeded(task_id, described)
    else:
        answer = news.failed(task_id, "States.TaskFailed", dumps(described))
    work_items.enqueue(conn, parent_task["execution_arn"], WorkKind.TASK, answer.to_json(), now)


def _report_map_child_end(conn: sa.Connection, parent_task: dict[str, Any], ended: Ended, now: float) -> None:
    """A distributed Map child's end: marked in its Map Run's row with its result (its output, or its error
    and cause), and, the first time only, told to the run as news with the count of items it ran."""
    position = parent_task.get("position")
    if position is None:  # a child of a run kept in the parent's snapshot (format 5): that run was left
        return
    error = ended.error
    if ended.status == ExecutionStatus.ABORTED and error is None:
        error = "States.Aborted"  # not from AWS: an aborted child has no error of its own to report
    if ended.status == ExecutionStatus.SUCCEEDED:
        result = "null" if ended.output is None else ended.output
    else:
        result = dumps({"Error": error or ended.status, "Cause": ended.cause})
    items = map_runs.mark_end(conn, str(parent_task["map_run_arn"]), int(position), ended.status, result)
    if items is None:
        return  # told before: a child started again after a crash ended too
    task_id = int(parent_task["task_id"])
    if ended.status == ExecutionStatus.SUCCEEDED:
        answer = news.TaskNews(task_id, news.Phase.SUCCEEDED, items=items)
    else:
        answer = news.TaskNews(task_id, news.Phase.FAILED, error=error or ended.status, cause=ended.cause, items=items)
    work_items.enqueue(conn, parent_task["execution_arn"], WorkKind.TASK, answer.to_json(), now)


def stop_children(conn: sa.Connection, parent_arn: str, now: float) -> None:
    """Stop the running executions a ``.sync`` task of this (now ended) execution waits for."""
    for child in executions.running_sync_children(conn, parent_arn):
        work_items.enqueue(conn, child, WorkKind.STOP, {"error": None, "cause": "parent execution ended"}, now)
