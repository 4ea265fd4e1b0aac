"""The child executions of a distributed Map: started by name, so starting one again finds it.

Each child runs the Map's item processor as a machine of its own, ``stateMachine:Machine/Label``,
whose revision (the processor's definition) is stored once, keyed by its content. Its input is its row of
the Map Run (``store.map_runs``); it reports its end to the parent's Map through lineage (pattern ``map``),
which marks the row with its result. The run's results are read from those rows (or, for a ResultWriter's
export of stored children, from the executions) a page at a time.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from app import arns
from app.asl.errors import DATA_LIMIT_EXCEEDED, ITEM_READER_FAILED, StatesError, oversized_result
from app.codec import dumps, loads
from app.durable.news import MAX_PAYLOAD_BYTES, Phase, TaskNews, call_failed
from app.durable.statuses import ExecutionStatus
from app.durable.work import WorkKind
from app.engine import map_run
from app.engine.item_selection import ItemSelection
from app.engine.types import ExecutionInfo
from app.executions import lineage, starts
from app.executions import redrives as execution_redrives
from app.executions.express import ExpressStart
from app.executions.runtime import Revision, Runtime
from app.executions.starts import NewExecution
from app.integrations.results import TaskFailure, TaskResult, TaskSuccess
from app.service import express, redrives
from app.store import executions, map_runs, state_machines, work_items
from app.store.records import ExecutionRecord

#: The cause a Map Run's children that still run are stopped with when it fails.
MAP_RUN_FAILED = "the Map Run that started this execution failed"


@dataclass(frozen=True)
class MapRunChildren:
    """The children of this server's Map Runs, as the integrations reach them (``integrations.dispatch.MapRuns``)."""

    runtime: Runtime

    def call(self, parent_arn: str, task_id: int, request: dict[str, Any]) -> TaskNews | None:
        return call(self.runtime, parent_arn, task_id, request)

    def results(self, request: dict[str, Any]) -> Iterator[dict[str, Any]]:
        return results(self.runtime, request)

    def gathered(self, request: dict[str, Any]) -> TaskResult:
        return gathered(self.runtime, request)

    def store_items(self, run: dict[str, Any], items: Iterator[Any]) -> TaskResult:
        return store_items(self.runtime, run, items)


#: The children written in one transaction as an ItemReader's items stream in.
STORE_PAGE = 1000


def store_items(runtime: Runtime, run: dict[str, Any], items: Iterator[Any]) -> TaskResult:
    """Turn the items a distributed Map's ItemReader reads into its Map Run's children (ItemSelector, then
    ItemBatcher), written a page at a time as they stream in, so that no more than a page is ever held. A
    read made again (after a crash) starts the rows over. The answer counts the children and their items."""
    map_run_arn = str(run["MapRunArn"])
    parent_arn = arns.map_run_parent(map_run_arn)
    selection = ItemSelection.from_json(run["Selection"])
    runtime.db.write_small(lambda conn: map_runs.delete_run(conn, map_run_arn))
    page: list[dict[str, Any]] = []
    children = total = 0
    try:
        for value, count in selection.inputs(items):
            text = dumps(value)
            if len(text.encode()) > MAX_PAYLOAD_BYTES:
                limit = f"{MAX_PAYLOAD_BYTES} bytes an execution's input may hold"
                return TaskFailure(ITEM_READER_FAILED, f"The input of child {children} exceeds the {limit}.")
            page.append(
                {
                    "map_run_arn": map_run_arn,
                    "position": children,
                    "execution_arn": parent_arn,
                    "input": text,
                    "items": count,
                }
            )
            children, total = children + 1, total + count
            if len(page) == STORE_PAGE:
                _insert(runtime, page)
                page = []
    except StatesError as failure:
        return TaskFailure(failure.error, failure.cause)
    _insert(runtime, page)
    return TaskSuccess({"Children": children, "Items": total})


def _insert(runtime: Runtime, rows: list[dict[str, Any]]) -> None:
    if rows:
        with runtime.db.write() as conn:
            map_runs.insert(conn, rows)


def call(runtime: Runtime, parent_arn: str, task_id: int, request: dict[str, Any]) -> TaskNews | None:
    """Do what a Map Run's call asks (``engine.map_run``: start, redrive, recover or stop children of a range),
    made again after a crash as often as it takes. Its answer is news of the run's task: a redrive's count of
    the range's children that the redrive kept and of their items (the same however often it is made: the store
    marked them in the redrive's transition), or why the children could not be started; the others tell nothing
    (None)."""
    map_run_arn, action = str(request["MapRunArn"]), request["Action"]
    first, end = int(request["From"]), int(request["To"])
    if action == map_run.STOP:
        _stop(runtime, map_run_arn)
        return None
    now = runtime.clock.now()
    with runtime.db.read() as conn:
        parent = executions.status_and_revision(conn, parent_arn)
        if parent is None or parent[0] != ExecutionStatus.RUNNING:
            return call_failed(task_id, "States.Runtime", f"The parent execution {parent_arn} no longer runs.")
        role_arn = runtime.revision(conn, parent[1]).role_arn
    machine_arn = arns.map_run_machine(map_run_arn)
    revision_id = _store_revision(runtime, machine_arn, str(request["Definition"]), role_arn, now)
    with runtime.db.read() as conn:
        revision = runtime.revision(conn, revision_id)
    children = _Children(runtime, parent_arn, task_id, map_run_arn, request["ExecutionType"], revision_id, revision)
    if action != map_run.REDRIVE:  # start the range's children (or, to recover, those lost with a process)
        with runtime.db.read() as conn:
            rows = map_runs.page(conn, map_run_arn, first, end)
        children.start([child for child in rows if child.status is None], now)  # ended ones told their end
        return None
    kept = kept_items = 0
    for page_first in range(first, end, RESULTS_PAGE):  # a page of rows at a time, never the whole run
        page_end = min(end, page_first + RESULTS_PAGE)
        with runtime.db.write() as conn:
            if not request.get("Reopened"):  # asked before redrives reopened the children in their transition
                map_runs.reopen(conn, map_run_arn, page_first, page_end)
            rows = map_runs.page(conn, map_run_arn, page_first, page_end)
            if request["ExecutionType"] != map_run.EXPRESS:  # an Express child reports to whoever started it
                rows = take_late_ends(conn, map_run_arn, task_id, rows)
        children.redrive([child for child in rows if child.status is None], now)  # kept or ended: told
        kept += sum(child.kept for child in rows)
        kept_items += sum(child.items for child in rows if child.kept)
    return TaskNews(task_id, Phase.SUBMITTED, output={"Succeeded": kept, "Items": kept_items})


def take_late_ends(
    conn: sa.Connection, map_run_arn: str, task_id: int, rows: list[map_runs.MapChild]
) -> list[map_runs.MapChild]:
    """The rows of a redriven run's range, after those of children that ended since the redrive but told an
    earlier task of the run (they still ran when it began) are kept, if they succeeded, or reopened to run
    again: ends that no task counted."""
    ended = {map_run.child_arn(map_run_arn, row.position): row for row in rows if row.status and not row.kept}
    late = [
        ended[arn].position
        for arn, stored in executions.get_many(conn, list(ended)).items()
        if stored.parent_task is None or loads(stored.parent_task).get("task_id") != task_id
    ]
    for position in late:
        map_runs.reopen(conn, map_run_arn, position, position + 1)
    return map_runs.page(conn, map_run_arn, rows[0].position, rows[-1].position + 1) if late else rows


@dataclass(frozen=True)
class _Children:
    """The children of one Map Run, as one call starts or redrives them."""

    runtime: Runtime
    parent_arn: str
    task_id: int
    map_run_arn: str
    execution_type: str
    revision_id: str
    revision: Revision

    def parent_task(self, position: int) -> dict[str, Any]:
        """Whom the child at ``position`` reports its end to."""
        return {
            "execution_arn": self.parent_arn,
            "task_id": self.task_id,
            "pattern": lineage.MAP_PATTERN,
            "map_run_arn": self.map_run_arn,
            "position": position,
        }

    def start(self, children: list[map_runs.MapChild], now: float) -> None:
        """Start the children, in one write, but those started before (they report their ends when they end)."""
        if self.execution_type == map_run.EXPRESS:
            for child in children:
                arn = map_run.child_arn(self.map_run_arn, child.position)
                _start_express(
                    self.runtime, arn, self.revision, loads(child.input), self.parent_task(child.position), now
                )
            return
        machine_arn = arns.map_run_machine(self.map_run_arn)
        many = []
        for child in children:
            arn = map_run.child_arn(self.map_run_arn, child.position)
            many.append(
                NewExecution(
                    arn=arn,
                    name=arn.rsplit(":", 1)[1],
                    state_machine_arn=machine_arn,
                    state_machine_name=arns.state_machine_name(machine_arn),
                    revision_id=self.revision_id,
                    input_text=child.input,
                    input=loads(child.input),
                    started_by=self.parent_arn,
                    parent_task=self.parent_task(child.position),
                )
            )
        starts.begin_many(self.runtime, many, self.revision, now)

    def redrive(self, children: list[map_runs.MapChild], now: float) -> None:
        """Run unsuccessful children again: each redriven in place, or started (in one write) if it is not stored
        (Express, or never started); one still running reports its end to the run's new task."""
        arns_of = {child.position: map_run.child_arn(self.map_run_arn, child.position) for child in children}
        stored: dict[str, ExecutionRecord] = {}
        if self.execution_type != map_run.EXPRESS:
            with self.runtime.db.read() as conn:
                stored = executions.get_many(conn, list(arns_of.values()))
        self.start([child for child in children if arns_of[child.position] not in stored], now)
        again = [(child, stored[arns_of[child.position]]) for child in children if arns_of[child.position] in stored]
        if not again:
            return
        with self.runtime.db.write() as conn:  # whichever way they end from now on, they tell the run's new task
            for child, row in again:
                executions.set_parent_task(conn, row.arn, dumps(self.parent_task(child.position)))
        for _, row in again:
            if row.status in redrives.REDRIVABLE:
                _redrive(self.runtime, row, now)


def _stop(runtime: Runtime, map_run_arn: str) -> None:
    """Stop the children of a Map Run that still run (it failed)."""
    now = runtime.clock.now()
    with runtime.db.read() as conn:
        running = executions.running_with_prefix(
            conn, arns.map_run_machine(map_run_arn), arns.map_run_child_prefix(map_run_arn)
        )
    if running:
        cause = {"error": None, "cause": MAP_RUN_FAILED}

        def stop(conn: sa.Connection) -> None:
            for arn in running:
                work_items.enqueue(conn, arn, WorkKind.STOP, cause, now)

        runtime.db.write_small(stop)
        runtime.signal_work()


def _redrive(runtime: Runtime, child: ExecutionRecord, now: float) -> None:
    """Redrive an unsuccessful child of a redriven Map Run, unless another call did it first."""
    for _ in range(execution_redrives.MAX_RACE_RETRIES):
        with runtime.db.read() as conn:
            row = executions.get(conn, child.arn)
        if row is None or row.status not in redrives.REDRIVABLE:
            return
        if execution_redrives.redrive(runtime, row, now, row.redrive_tokens):
            return
    raise RuntimeError(f"The child execution {child.arn} could not be redriven.")


def _start_express(
    runtime: Runtime, arn: str, revision: Revision, child_input: Any, parent_task: dict[str, Any], now: float
) -> None:
    """An Express child, run by this process's runner and reported to the parent when it ends. It is lost
    with its process: a recovery of the parent starts it again."""
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


#: Children read in one query when a Map Run's results are written or gathered, or its children redriven.
RESULTS_PAGE = 500


def gathered(runtime: Runtime, request: dict[str, Any]) -> TaskResult:
    """The Map's output once its run succeeded without a ResultWriter: the children's results in their
    items' order (an output, or an error and cause), read a page at a time and within the payload quota."""
    map_run_arn, children = str(request["MapRunArn"]), int(request["Children"])
    parts: list[str] = []
    size = 1
    for first in range(0, children, RESULTS_PAGE):
        with runtime.db.read() as conn:
            page = map_runs.ends(conn, map_run_arn, first, first + RESULTS_PAGE)
        for child in page:
            text = "null" if child.result is None else child.result
            size += len(text.encode()) + 1
            if size > MAX_PAYLOAD_BYTES:
                return TaskFailure(DATA_LIMIT_EXCEEDED, oversized_result(str(request["StateName"])))
            parts.append(text)
    return TaskSuccess(loads(f"[{','.join(parts)}]"))


def results(runtime: Runtime, request: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The results of a Map Run's children, in their items' order and a page at a time, as its ResultWriter
    writes them: each child as DescribeExecution tells it, in PascalCase, dates in ISO 8601. Express children
    are not stored: theirs carry what their run's rows keep (ARN, name, status, output or error and cause)."""
    map_run_arn, children = str(request["MapRunArn"]), int(request["Children"])
    for first in range(0, children, RESULTS_PAGE):
        if request.get("ExecutionType") == map_run.EXPRESS:
            with runtime.db.read() as conn:
                page = map_runs.ends(conn, map_run_arn, first, first + RESULTS_PAGE)
            yield from (_express_result(map_run_arn, child) for child in page if child.status is not None)
            continue
        in_order = [
            map_run.child_arn(map_run_arn, index) for index in range(first, min(children, first + RESULTS_PAGE))
        ]
        with runtime.db.read() as conn:
            rows = executions.get_many(conn, in_order)
        yield from (_result(rows[arn]) for arn in in_order if arn in rows)


def _express_result(map_run_arn: str, child: map_runs.ChildEnd) -> dict[str, Any]:
    arn = map_run.child_arn(map_run_arn, child.position)
    result: dict[str, Any] = {
        "ExecutionArn": arn,
        "Name": arn.rsplit(":", 1)[1],
        "StateMachineArn": arns.map_run_machine(map_run_arn),
        "Status": child.status,
    }
    if child.status == ExecutionStatus.SUCCEEDED:
        result["Output"] = child.result
        result["OutputDetails"] = {"Included": True}
    else:
        ended = loads(child.result or "{}")
        result.update({key: value for key, value in ended.items() if value is not None})
    return result


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
