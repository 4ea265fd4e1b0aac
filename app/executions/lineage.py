"""Nested executions: a ``.sync`` child reports its end to the parent task; a stopped parent stops its children."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.codec import dumps, loads
from app.durable import news
from app.durable.statuses import ExecutionStatus
from app.durable.work import WorkKind
from app.engine.types import Transition
from app.store import executions, work_items
from app.store.records import ExecutionRecord


def describe_output(row: ExecutionRecord, transition: Transition, now: float, *, as_json: bool) -> dict[str, Any]:
    """The DescribeExecution-shaped result a ``.sync`` task returns (``.sync:2``: Input/Output as JSON)."""
    output_text = transition.output
    result: dict[str, Any] = {
        "ExecutionArn": row.arn,
        "Input": loads(row.input) if as_json else row.input,
        "InputDetails": {"Included": True},
        "Name": row.name,
        "StartDate": int(row.start_date * 1000),
        "StateMachineArn": row.state_machine_arn,
        "Status": transition.status,
        "StopDate": int(now * 1000),
    }
    if output_text is not None:
        result["Output"] = loads(output_text) if as_json else output_text
        result["OutputDetails"] = {"Included": True}
    if transition.error is not None:
        result["Error"] = transition.error
    if transition.cause is not None:
        result["Cause"] = transition.cause
    return result


def may_queue_news(row: ExecutionRecord, waits_for_children: bool) -> bool:
    """Whether the end of this execution may queue work: news for a parent, stops for children."""
    return row.parent_task is not None or waits_for_children


def report_to_parent(conn: sa.Connection, row: ExecutionRecord, transition: Transition, now: float) -> None:
    """Deliver a finished child's result to the parent task that waits for it with ``.sync``."""
    if row.parent_task is None:
        return
    parent = loads(row.parent_task)
    described = describe_output(row, transition, now, as_json=parent["pattern"] == "sync2")
    task_id = int(parent["task_id"])
    if transition.status == ExecutionStatus.SUCCEEDED:
        answer = news.succeeded(task_id, described)
    else:
        answer = news.failed(task_id, "States.TaskFailed", dumps(described))
    work_items.enqueue(conn, parent["execution_arn"], WorkKind.TASK, answer.to_json(), now)


def stop_children(conn: sa.Connection, parent_arn: str, now: float) -> None:
    """Stop the running executions a ``.sync`` task of this (now ended) execution waits for."""
    for child in executions.running_sync_children(conn, parent_arn):
        work_items.enqueue(conn, child, WorkKind.STOP, {"error": None, "cause": "parent execution ended"}, now)
