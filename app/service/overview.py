"""Views for people (the web console, scripts): what no single AWS operation answers.

Executions across every machine, machines with their running and failed counts, one execution
as a coloured graph with each state's visits, its open task tokens and its lineage, a draft
definition's diagnostics placed at their line with its drawing, and activities with their queues.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app import arns
from app.asl.validation.machine import validate_definition
from app.asl.validation.source import SourceMap
from app.codec import loads
from app.console import graph, progress
from app.durable import snapshot as snapshots
from app.executions.runtime import Runtime
from app.service import executions as execution_cases
from app.service import pagination
from app.service.lookups import require_execution
from app.store import activities, executions, overview, state_machines
from app.store.overview import ExecutionFilter
from app.store.records import ActivityRecord, ExecutionRecord, ExecutionSummary, StateMachineRecord

#: How far a lineage is followed each way (a continue-as-new chain can be long; the page shows the nearest).
LINEAGE_REACH = 25
#: The workers shown for an activity.
RECENT_WORKERS = 5
#: Events read per query when an execution's whole history is gathered.
HISTORY_CHUNK = 1000
#: Diagnostics a draft's check shows at most, as ValidateStateMachineDefinition answers by default.
DRAFT_DIAGNOSTICS = 100


def machines_page(
    runtime: Runtime, *, name_contains: str | None = None, max_results: int | None = None, next_token: str | None = None
) -> dict[str, Any]:
    """State machines in ARN order, with how many of each one's executions are running and failed."""
    after = pagination.decode("overview-machines", next_token)
    limit = pagination.page_size(max_results)
    with runtime.db.read() as conn:
        rows = overview.machines_page(conn, name_contains, after, limit + 1)
        counts = overview.counts_by_status(conn, [row.arn for row in rows[:limit]])

    def item(row: StateMachineRecord) -> dict[str, Any]:
        found = counts.get(row.arn, {})
        return {
            "stateMachineArn": row.arn,
            "name": row.name,
            "type": row.type,
            "status": row.status,
            "creationDate": row.created_at,
            "runningCount": found.get("RUNNING", 0),
            "failedCount": found.get("FAILED", 0),
        }

    return pagination.page("stateMachines", rows, limit, item, "overview-machines", lambda row: row.arn)


def executions_page(
    runtime: Runtime, where: ExecutionFilter, *, max_results: int | None = None, next_token: str | None = None
) -> dict[str, Any]:
    """Executions of every machine (or one), newest first, by status, name and start time."""
    position = pagination.decode("overview-executions", next_token, (float, str))
    after = None if position is None else (float(position[0]), str(position[1]))
    limit = pagination.page_size(max_results)
    with runtime.db.read() as conn:
        rows = overview.executions_page(conn, where, after, limit + 1)
    return pagination.page(
        "executions",
        rows,
        limit,
        _listed,
        "overview-executions",
        lambda row: [row.start_date, row.arn],
    )


def execution_view(runtime: Runtime, arn: str) -> dict[str, Any]:
    """One execution for the console: its description, its graph with each state's visits, the tokens
    it waits on (with the state that waits), and the executions before and after it in its lineage."""
    described = execution_cases.describe(runtime, arn)
    with runtime.db.read() as conn:
        row = require_execution(conn, arn)
        revision = state_machines.get_revision(conn, row.revision_id)
        events = _all_events(conn, arn)
        tokens = overview.open_tokens(conn, arn)
        lineage = _lineage(conn, row)
    definition: Any = loads(revision.definition) if revision is not None else {}
    waiting_states = _waiting_states(row)
    return {
        "execution": described,
        "definition": revision.definition if revision is not None else None,
        "graph": graph.layout(definition if isinstance(definition, dict) else {}).as_json(),
        "progress": progress.read(events, row.status).as_json(),
        "tokens": [
            {
                "taskToken": token.token,
                "stateName": waiting_states.get(token.task_id),
                "activityArn": token.activity_arn,
                "status": token.status,
                "createdAt": token.created_at,
            }
            for token in tokens
        ],
        "lineage": lineage,
    }


def draft(definition: str, machine_type: str = "STANDARD") -> dict[str, Any]:
    """A definition being written: the validator's diagnostics with the line and column each points
    at, and the drawing of whatever of it is already a JSON object."""
    diagnostics = validate_definition(definition, machine_type)
    places = SourceMap(definition)
    found = []
    for diagnostic in diagnostics[:DRAFT_DIAGNOSTICS]:
        position = places.position(diagnostic.location)
        found.append(
            {
                "severity": diagnostic.severity,
                "code": diagnostic.code,
                "message": diagnostic.message,
                "location": diagnostic.location,
                "line": position[0] if position else None,
                "column": position[1] if position else None,
            }
        )
    try:
        parsed: Any = loads(definition)
    except ValueError:
        parsed = None
    drawing = graph.layout(parsed) if isinstance(parsed, dict) else None
    return {
        "result": "FAIL" if any(d.severity == "ERROR" for d in diagnostics) else "OK",
        "diagnostics": found,
        "truncated": len(diagnostics) > DRAFT_DIAGNOSTICS,
        "graph": None if drawing is None else drawing.as_json(),
    }


def activities_page(
    runtime: Runtime, *, max_results: int | None = None, next_token: str | None = None
) -> dict[str, Any]:
    """Activities in ARN order, with their waiting and taken tasks and the workers that polled lately."""
    after = pagination.decode("overview-activities", next_token)
    limit = pagination.page_size(max_results)
    with runtime.db.read() as conn:
        rows = activities.page(conn, after, limit + 1)
        shown = [row.arn for row in rows[:limit]]
        queues = overview.activity_queues(conn, shown)
        workers = {activity: overview.recent_workers(conn, activity, RECENT_WORKERS) for activity in shown}

    def item(row: ActivityRecord) -> dict[str, Any]:
        queue = queues.get(row.arn)
        return {
            "activityArn": row.arn,
            "name": row.name,
            "creationDate": row.created_at,
            "scheduledCount": queue.scheduled if queue else 0,
            "startedCount": queue.started if queue else 0,
            "recentWorkers": [{"workerName": name, "lastTaskDate": at} for name, at in workers[row.arn]],
        }

    return pagination.page("activities", rows, limit, item, "overview-activities", lambda row: row.arn)


def _listed(row: ExecutionSummary) -> dict[str, Any]:
    return {
        **execution_cases.list_item(row),
        "stateMachineName": arns.state_machine_name(row.state_machine_arn),
        "historyEventCount": row.next_event_id - 1,
    }


def _all_events(conn: sa.Connection, arn: str) -> list[dict[str, Any]]:
    """Every event of the history (bounded by the history limit), in AWS's shape."""
    events: list[dict[str, Any]] = []
    after: int | None = None
    while True:
        rows = executions.history_page(conn, arn, after, HISTORY_CHUNK, False)
        events.extend(execution_cases.history_event(record) for record in rows)
        if len(rows) < HISTORY_CHUNK:
            return events
        after = rows[-1].event_id


def _waiting_states(row: ExecutionRecord) -> dict[int, str]:
    """Task id → the name of the state whose task it is, for every task the execution waits on."""
    try:
        root = snapshots.decode(loads(row.snapshot)).root
    except (ValueError, KeyError, TypeError):
        return {}  # a snapshot this code cannot read names no state; the tokens are still listed
    return {frame.task.id: frame.state for frame in root.walk() if frame.task is not None and frame.state is not None}


def _lineage(conn: sa.Connection, row: ExecutionRecord) -> dict[str, Any]:
    """The executions that led to this one (parents, nearest first) and those it led to.

    ``chain`` follows single starts both ways, the shape of continue-as-new: each run started by
    the one before. ``children`` are all the executions this one started.
    """
    ancestors: list[str] = []
    parent = row.started_by
    while parent is not None and len(ancestors) < LINEAGE_REACH:
        ancestors.append(parent)
        found = executions.get(conn, parent)
        parent = found.started_by if found is not None else None
    children = executions.started_by(conn, row.arn)
    descendants: list[str] = []
    following = children
    while len(following) == 1 and len(descendants) < LINEAGE_REACH:
        descendants.append(following[0])
        following = executions.started_by(conn, following[0])
    chain = [*reversed(ancestors), row.arn, *descendants]
    known = {summary.arn: summary for summary in overview.summaries(conn, [*chain, *children])}
    return {
        "startedBy": _link(known.get(row.started_by)) if row.started_by else None,
        "children": [_link(known[arn]) for arn in children if arn in known],
        "chain": [_link(known[arn]) if arn in known else {"executionArn": arn} for arn in chain],
    }


def _link(row: ExecutionSummary | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "executionArn": row.arn,
        "name": row.name,
        "status": row.status,
        "stateMachineName": arns.state_machine_name(row.state_machine_arn),
        "historyEventCount": row.next_event_id - 1,
    }
