"""The child executions of a distributed Map: started by name, so starting one again finds it.

Each child runs the Map's item processor as a machine of its own, ``stateMachine:Machine/Label``,
whose revision (the processor's definition) is stored once, keyed by its content. The child reports
its end to the parent's Map through lineage (pattern ``map``): its output, or its error and cause.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from app import arns
from app.codec import dumps
from app.durable.news import Phase, TaskNews, call_failed
from app.durable.statuses import ExecutionStatus
from app.engine import map_run
from app.engine.types import ExecutionInfo
from app.executions import lineage, starts
from app.executions import redrives as execution_redrives
from app.executions.express import ExpressStart
from app.executions.runtime import Revision, Runtime
from app.executions.starts import NameTakenError, NewExecution
from app.service import express, redrives
from app.store import executions, state_machines
from app.store.records import ExecutionRecord


def start(runtime: Runtime, parent_arn: str, task_id: int, request: dict[str, Any]) -> TaskNews:
    """Start the child an invocation names, unless it was started before: then its news as it stands now."""
    map_run_arn, arn = str(request["MapRunArn"]), str(request["ExecutionArn"])
    machine_arn = arns.map_run_machine(map_run_arn)
    now = runtime.clock.now()
    with runtime.db.read() as conn:
        parent = executions.status_and_revision(conn, parent_arn)
        if parent is None or parent[0] != ExecutionStatus.RUNNING:
            return call_failed(task_id, "States.Runtime", f"The parent execution {parent_arn} no longer runs.")
        role_arn = runtime.revision(conn, parent[1]).role_arn
    revision_id = _store_revision(runtime, machine_arn, str(request["Definition"]), role_arn, now)
    with runtime.db.read() as conn:
        revision = runtime.revision(conn, revision_id)
    parent_task = {
        "execution_arn": parent_arn,
        "task_id": task_id,
        "pattern": lineage.MAP_PATTERN,
        "map_run_arn": map_run_arn,
    }
    if request["ExecutionType"] == map_run.EXPRESS:
        return _start_express(runtime, arn, revision, request["Input"], parent_task, now)
    new = NewExecution(
        arn=arn,
        name=arn.rsplit(":", 1)[1],
        state_machine_arn=machine_arn,
        state_machine_name=arns.state_machine_name(machine_arn),
        revision_id=revision_id,
        input_text=dumps(request["Input"]),
        input=request["Input"],
        started_by=parent_arn,
        parent_task=parent_task,
    )
    try:
        starts.begin(runtime, new, revision, now)
    except NameTakenError as taken:  # started before this call was made again: its end was reported, or will be
        child = taken.existing
        if request.get("Redrive") and child.status in redrives.REDRIVABLE:
            return _redrive(runtime, child, parent_task, now)
        if child.status != ExecutionStatus.RUNNING:
            return lineage.ended_news(task_id, child.status, child.output, child.error, child.cause)
    return TaskNews(task_id, Phase.SUBMITTED, output={"ExecutionArn": arn})


def _redrive(runtime: Runtime, child: ExecutionRecord, parent_task: dict[str, Any], now: float) -> TaskNews:
    """Redrive an unsuccessful child of a redriven Map Run; it reports its new end to the parent's new task."""
    task_id = int(parent_task["task_id"])
    with runtime.db.write() as conn:
        executions.set_parent_task(conn, child.arn, dumps(parent_task))
    for _ in range(execution_redrives.MAX_RACE_RETRIES):
        with runtime.db.read() as conn:
            row = executions.get(conn, child.arn)
        if row is None:
            break
        if row.status not in redrives.REDRIVABLE:  # redriven by the call made before this one
            return TaskNews(task_id, Phase.SUBMITTED, output={"ExecutionArn": child.arn})
        if execution_redrives.redrive(runtime, row, now, row.redrive_tokens):
            return TaskNews(task_id, Phase.SUBMITTED, output={"ExecutionArn": child.arn})
    return call_failed(task_id, "States.Runtime", f"The child execution {child.arn} could not be redriven.")


def _start_express(
    runtime: Runtime, arn: str, revision: Revision, child_input: Any, parent_task: dict[str, Any], now: float
) -> TaskNews:
    """An Express child, run by this process's runner and reported to the parent when it ends. It is lost
    with its process, so its news is only that it started: a recovery of the parent starts it again."""
    machine_arn = arns.state_machine_of_execution(arn)
    name = arn.rsplit(":", 1)[1]
    express_arn = arns.express_execution(machine_arn, name, str(uuid.uuid4()))
    info = ExecutionInfo(
        express_arn,
        name,
        machine_arn,
        arns.state_machine_name(machine_arn),
        revision.role_arn,
        now,
        dumps(child_input),
    ).knowing_input(child_input)
    express.start_async(runtime, ExpressStart(info, revision.model), parent_task)
    return TaskNews(int(parent_task["task_id"]), Phase.STARTED)


def _store_revision(runtime: Runtime, machine_arn: str, definition: str, role_arn: str, now: float) -> str:
    """The revision of the children's machine, stored once for each machine and definition."""
    revision_id = hashlib.sha256(f"{machine_arn}\n{definition}".encode()).hexdigest()

    def insert(conn: sa.Connection) -> None:
        if state_machines.get_revision(conn, revision_id) is None:
            state_machines.insert_revision(
                conn,
                {
                    "revision_id": revision_id,
                    "state_machine_arn": machine_arn,
                    "definition": definition,
                    "role_arn": role_arn,
                    "created_at": now,
                },
            )

    with runtime.db.read() as conn:
        if state_machines.get_revision(conn, revision_id) is not None:
            return revision_id
    with contextlib.suppress(sa.exc.IntegrityError):  # another thread stored it first
        runtime.db.write_small(insert)
    return revision_id


#: Children read in one query when a Map Run's results are written.
RESULTS_PAGE = 500


def results(runtime: Runtime, map_run_arn: str, children: int) -> list[dict[str, Any]]:
    """The results of a Map Run's stored children, in their items' order, as its ResultWriter writes them:
    each child as DescribeExecution tells it, in PascalCase, dates in ISO 8601."""
    arns_in_order = [map_run.child_arn(map_run_arn, index) for index in range(children)]
    found: list[dict[str, Any]] = []
    for first in range(0, children, RESULTS_PAGE):
        page = arns_in_order[first : first + RESULTS_PAGE]
        with runtime.db.read() as conn:
            rows = executions.get_many(conn, page)
        found.extend(_result(rows[arn]) for arn in page if arn in rows)
    return found


def _result(row: ExecutionRecord) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ExecutionArn": row.arn,
        "Input": row.input,
        "InputDetails": {"Included": True},
        "Name": row.name,
    }
    if row.output is not None:
        result["Output"] = row.output
        result["OutputDetails"] = {"Included": True}
    result["RedriveCount"] = row.redrive_count
    result["StartDate"] = _iso(row.start_date)
    result["StateMachineArn"] = row.state_machine_arn
    result["Status"] = row.status
    if row.stop_date is not None:
        result["StopDate"] = _iso(row.stop_date)
    result.update({key: value for key, value in (("Error", row.error), ("Cause", row.cause)) if value is not None})
    return result


def _iso(seconds: float) -> str:
    """A date as AWS writes it in result files: UTC, to the millisecond."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
