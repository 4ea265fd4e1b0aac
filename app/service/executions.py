"""Execution use cases: start, describe, stop, list, history."""

from __future__ import annotations

import contextlib
import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool

from app import arns, errors
from app.asl.variables import variable_references
from app.codec import Fragment, dumps_bytes, loads
from app.durable.statuses import ExecutionStatus, StateMachineStatus
from app.durable.work import WorkKind
from app.executions import starts
from app.executions.deliveries import ExecutionNotRunningError, deliver
from app.executions.express import ExpressStart
from app.executions.runtime import Revision, Runtime
from app.executions.starts import NewExecution
from app.executions.triggers import new_trigger
from app.service import express, pagination, redrives, versions
from app.service.lookups import configurations, require_execution
from app.service.names import require_valid_name
from app.store import executions, state_machines
from app.store.records import ExecutionRecord, ExecutionSummary, HistoryEventRecord

EXPRESS = "EXPRESS"
MAX_PAYLOAD_BYTES = 262_144
DATA_FIELDS = ("input", "output")


def start(
    runtime: Runtime,
    state_machine_arn: str,
    *,
    name: str | None = None,
    input: str | None = None,
    trace_header: str | None = None,
    started_by: str | None = None,
    parent_task: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """StartExecution, idempotent for the same name and input while the first is RUNNING.

    ``state_machine_arn`` may name a version, or an alias that picks one, and end in ``#TestCase``
    to run a test case of the mock file. ``started_by`` records the execution (lineage) or the
    schedule that started this one; ``parent_task`` the ``.sync`` task that waits for its end.
    """
    state_machine_arn, test_case = _split_test_case(state_machine_arn)
    request = _StartRequest.of(state_machine_arn, name, input)
    now = runtime.clock.now()
    with runtime.db.read() as conn:
        target, revision = _resolve(runtime, conn, state_machine_arn)
        machine = target.machine
        _require_test_case(runtime, machine.name, test_case)
        if machine.type == EXPRESS:
            start = express.new_start(
                runtime, machine, revision, request.name, request.input_text, request.input, test_case
            )
            return express.start_async(runtime, start, parent_task)
        _require_room(runtime, conn)
    name, input_text, parsed_input = request.name, request.input_text, request.input
    new = NewExecution(
        arn=arns.execution(machine.arn, name),
        name=name,
        state_machine_arn=machine.arn,
        state_machine_name=machine.name,
        revision_id=target.revision_id,
        version_arn=target.version_arn,
        alias_arn=target.alias_arn,
        input_text=input_text,
        input=parsed_input,
        trace_header=trace_header,
        started_by=started_by,
        parent_task=parent_task,
        test_case=test_case,
    )
    try:
        starts.begin(runtime, new, revision, now)
    except starts.NameTakenError as taken:
        # AWS answers a repeat of a RUNNING execution's start with that execution.
        return _idempotent_start(taken.existing, input_text)
    return {"executionArn": new.arn, "startDate": now}


async def start_sync(
    runtime: Runtime,
    state_machine_arn: str,
    *,
    name: str | None = None,
    input: str | None = None,
    trace_header: str | None = None,
    metadata_only: bool = False,
) -> dict[str, Any]:
    """StartSyncExecution: run an Express execution (or a test case of it) to its end within the request."""
    state_machine_arn, test_case = _split_test_case(state_machine_arn)
    request = _StartRequest.of(state_machine_arn, name, input)

    def prepare() -> ExpressStart:
        with runtime.db.read() as conn:
            target, revision = _resolve(runtime, conn, state_machine_arn)
        machine = target.machine
        if machine.type != EXPRESS:
            raise errors.StateMachineTypeNotSupported(express.NOT_SUPPORTED)
        _require_test_case(runtime, machine.name, test_case)
        return express.new_start(runtime, machine, revision, request.name, request.input_text, request.input, test_case)

    start = prepare() if runtime.db.dialect.reads_without_waiting else await run_in_threadpool(prepare)
    return await express.run_sync(runtime, start, trace_header, metadata_only=metadata_only)


def describe(runtime: Runtime, arn: str, *, metadata_only: bool = False) -> dict[str, Any]:
    """DescribeExecution; ``metadata_only`` (includedData METADATA_ONLY) leaves out input and output."""
    arns.require_execution(arn)
    with runtime.db.read() as conn:
        row = require_execution(conn, arn)
        children = executions.started_by(conn, arn)
        machine = state_machines.get(conn, row.state_machine_arn) if row.status in redrives.REDRIVABLE else None
    result: dict[str, Any] = {
        "executionArn": row.arn,
        "stateMachineArn": row.state_machine_arn,
        "name": row.name,
        "status": row.status,
        "startDate": row.start_date,
        "inputDetails": {"included": not metadata_only},
        **redrives.status_fields(runtime, row, machine),
    }
    if not metadata_only:
        result["input"] = row.input
    if row.trace_header is not None:
        result["traceHeader"] = row.trace_header
    if row.stop_date is not None:
        result["stopDate"] = row.stop_date
    if row.output is not None:
        result["outputDetails"] = {"included": not metadata_only}
        if not metadata_only:
            result["output"] = row.output
    if row.error is not None:
        result["error"] = row.error
    if row.cause is not None:
        result["cause"] = row.cause
    result.update(_qualifiers(row))
    map_run_arn = None if row.parent_task is None else loads(row.parent_task).get("map_run_arn")
    if map_run_arn is not None:
        result["mapRunArn"] = map_run_arn
    # Lineage, beyond the AWS shape (SDKs ignore members they do not know).
    if row.started_by is not None:
        started_by_member = "startedByScheduleArn" if arns.is_schedule(row.started_by) else "startedByExecutionArn"
        result[started_by_member] = row.started_by
    if children:
        result["startedExecutionArns"] = children
    result["historyEventCount"] = row.next_event_id - 1
    result["historyEventLimit"] = runtime.settings.max_history_events
    return result


def stop(runtime: Runtime, arn: str, *, error: str | None = None, cause: str | None = None) -> dict[str, Any]:
    """StopExecution: the execution ends ABORTED before this returns."""
    arns.require_execution(arn)
    with runtime.db.read() as conn:
        require_execution(conn, arn)
    with contextlib.suppress(ExecutionNotRunningError):  # already ended: report its stop date
        deliver(runtime, arn, new_trigger(WorkKind.STOP, error=error, cause=cause))
    with runtime.db.read() as conn:
        row = require_execution(conn, arn)
    return {"stopDate": row.stop_date if row.stop_date is not None else runtime.clock.now()}


def list_page(
    runtime: Runtime,
    *,
    state_machine_arn: str | None,
    status_filter: str | None = None,
    redrive_filter: str | None = None,
    max_results: int | None = None,
    next_token: str | None = None,
    map_run_arn: str | None = None,
) -> dict[str, Any]:
    """ListExecutions of a machine, of one of its versions or aliases, or of a Map Run; newest first."""
    if (state_machine_arn is None) == (map_run_arn is None):
        raise errors.ValidationException("Must provide a StateMachine ARN or MapRun ARN, not both")
    position = pagination.decode("executions", next_token, (float, str))
    after = None if position is None else (float(position[0]), str(position[1]))
    limit = pagination.page_size(max_results)
    redriven = None if redrive_filter is None else redrive_filter == "REDRIVEN"
    if map_run_arn is not None:
        arns.require_map_run(map_run_arn)
        with runtime.db.read() as conn:
            if executions.get(conn, arns.map_run_parent(map_run_arn)) is None:
                raise errors.ResourceNotFound(f"Resource not found: '{map_run_arn}'")
            qualified = arns.Qualified(arns.map_run_machine(map_run_arn))
            prefix = arns.map_run_child_prefix(map_run_arn)
            rows = executions.page(conn, qualified, status_filter, after, limit + 1, redriven, name_prefix=prefix)
        return pagination.page(
            "executions",
            rows,
            limit,
            lambda row: {**list_item(row), "mapRunArn": map_run_arn},
            "executions",
            lambda row: [row.start_date, row.arn],
        )
    assert state_machine_arn is not None
    qualified = arns.require_qualified(state_machine_arn)
    with runtime.db.read() as conn:
        machine = state_machines.get(conn, qualified.state_machine_arn)
        if machine is None and not executions.count_for_state_machine(conn, qualified.state_machine_arn):
            raise errors.StateMachineDoesNotExist(f"State Machine Does Not Exist: '{state_machine_arn}'")
        if machine is not None and machine.type == EXPRESS:
            raise errors.StateMachineTypeNotSupported(express.NOT_SUPPORTED)
        rows = executions.page(conn, qualified, status_filter, after, limit + 1, redriven)
    return pagination.page("executions", rows, limit, list_item, "executions", lambda row: [row.start_date, row.arn])


#: Bytes of event details after which a history page ends, and the events read per query meanwhile.
HISTORY_PAGE_BYTES = 8 * 1024 * 1024
HISTORY_CHUNK = 100


def history(
    runtime: Runtime,
    arn: str,
    *,
    max_results: int | None = None,
    next_token: str | None = None,
    reverse_order: bool = False,
    include_execution_data: bool = True,
) -> dict[str, Any]:
    """GetExecutionHistory; with execution data, events come as ready JSON fragments for the response."""
    arns.require_execution(arn)
    kind = f"history:{arn}:{int(reverse_order)}"
    after = pagination.decode(kind, next_token, int)
    limit = pagination.page_size(max_results)
    with runtime.db.read() as conn:
        require_execution(conn, arn)
        rows, shown = _history_rows(conn, arn, after, limit, reverse_order)
    render: Callable[[HistoryEventRecord], Any] = (
        _event_fragment if include_execution_data else functools.partial(history_event, include_data=False)
    )
    return pagination.page("events", rows, shown, render, kind, lambda row: row.event_id)


def _history_rows(
    conn: sa.Connection, arn: str, after: int | None, limit: int, reverse: bool
) -> tuple[list[HistoryEventRecord], int]:
    """The events of one page plus the next one if any (which only says another page follows), and
    how many the page shows: ``limit``, or fewer once their details reach :data:`HISTORY_PAGE_BYTES`.

    AWS's ``maxResults`` is an upper limit only; a thousand events of 256 KiB would make one answer
    of 256 MB, whose reading and sending would hold the server, so big events make shorter pages.
    """
    rows: list[HistoryEventRecord] = []
    size = 0
    while len(rows) <= limit:
        wanted = min(HISTORY_CHUNK, limit + 1 - len(rows))
        chunk = executions.history_page(conn, arn, rows[-1].event_id if rows else after, wanted, reverse)
        for row in chunk:
            rows.append(row)
            size += len(row.details or "")
            if len(rows) > limit or size >= HISTORY_PAGE_BYTES:
                shown = min(len(rows), limit)
                following = rows[shown:] or executions.history_page(conn, arn, rows[-1].event_id, 1, reverse)
                return rows[:shown] + following[:1], shown
        if len(chunk) < wanted:
            break
    return rows, limit


def describe_state_machine(runtime: Runtime, arn: str) -> dict[str, Any]:
    """DescribeStateMachineForExecution: the definition the execution runs, even after an update."""
    arns.require_execution(arn)
    with runtime.db.read() as conn:
        row = require_execution(conn, arn)
        revision = state_machines.get_revision(conn, row.revision_id)
        machine = state_machines.get(conn, row.state_machine_arn)
    assert revision is not None
    result: dict[str, Any] = {
        "stateMachineArn": row.state_machine_arn,
        "name": arns.state_machine_name(row.state_machine_arn),
        "definition": revision.definition,
        "roleArn": revision.role_arn,
        "updateDate": revision.created_at,
        "revisionId": revision.revision_id,
    }
    if machine is not None:
        result.update(configurations(machine))
    result.update(variable_references(revision.definition))
    return result


# --- helpers -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _StartRequest:
    """A start's name and input, checked before anything is read."""

    name: str
    input_text: str
    input: Any

    @classmethod
    def of(cls, state_machine_arn: str, name: str | None, input: str | None) -> _StartRequest:
        arns.require_qualified(state_machine_arn)
        name = name if name is not None else str(uuid.uuid4())
        require_valid_name(name)
        input_text = "{}" if input is None else input
        label = "Invalid State Machine Execution Input"
        return cls(name, input_text, parse_payload(input_text, errors.InvalidExecutionInput, label))


def _split_test_case(state_machine_arn: str) -> tuple[str, str | None]:
    """``…:stateMachine:name#TestCase`` (a mocked run, as Step Functions Local takes it) as the
    machine's ARN and the test case's name."""
    arn, mark, test_case = state_machine_arn.partition("#")
    return arn, test_case if mark else None


def _require_test_case(runtime: Runtime, state_machine_name: str, test_case: str | None) -> None:
    """InvalidName when the mock file (``SFN_MOCK_CONFIG``) has no such test case for the machine."""
    if test_case is None or (runtime.mocks is not None and runtime.mocks.has_test_case(state_machine_name, test_case)):
        return
    where = "no mock file (SFN_MOCK_CONFIG is not set)" if runtime.mocks is None else str(runtime.mocks.path)
    raise errors.InvalidName(
        f"Invalid mock test case name '{test_case}' for state machine '{state_machine_name}': "
        f"{where} defines no such test case"
    )


def _resolve(runtime: Runtime, conn: sa.Connection, state_machine_arn: str) -> tuple[versions.Target, Revision]:
    """The active machine (version, alias) a start names, and the revision it runs."""
    target = versions.target(conn, state_machine_arn)
    if target.machine.status != StateMachineStatus.ACTIVE:
        raise errors.StateMachineDeleting(f"State Machine is being deleted: '{state_machine_arn}'")
    return target, runtime.revision(conn, target.revision_id)


def parse_payload(text: str, error: type[errors.ServiceError], label: str) -> Any:
    """Parse a JSON payload, enforcing AWS's size limit; raises ``error`` when it is too large or not JSON."""
    size = len(text.encode())
    if size > MAX_PAYLOAD_BYTES:
        raise error(f"{label}: the payload is {size} bytes, over the limit of {MAX_PAYLOAD_BYTES}")
    try:
        return loads(text)
    except ValueError as exc:
        raise error(f"{label}: {exc}") from exc


def _require_room(runtime: Runtime, conn: sa.Connection) -> None:
    """ExecutionLimitExceeded once the open executions reach the configured cap (AWS: 1,000,000)."""
    cap = runtime.settings.max_open_executions
    if runtime.open_executions(conn) >= cap:
        raise errors.ExecutionLimitExceeded(f"Execution Limit Exceeded: the limit of {cap} open executions is reached")


def _idempotent_start(existing: ExecutionRecord, raw_input: str) -> dict[str, Any]:
    if existing.status == ExecutionStatus.RUNNING and existing.input == raw_input:
        return {"executionArn": existing.arn, "startDate": existing.start_date}
    raise errors.ExecutionAlreadyExists(f"Execution Already Exists: '{existing.arn}'")


def list_item(row: ExecutionSummary) -> dict[str, Any]:
    item: dict[str, Any] = {
        "executionArn": row.arn,
        "stateMachineArn": row.state_machine_arn,
        "name": row.name,
        "status": row.status,
        "startDate": row.start_date,
        "redriveCount": row.redrive_count,
    }
    if row.stop_date is not None:
        item["stopDate"] = row.stop_date
    if row.redrive_date is not None:
        item["redriveDate"] = row.redrive_date
    item.update(_qualifiers(row))
    return item


def _qualifiers(row: ExecutionRecord | ExecutionSummary) -> dict[str, str]:
    """The version an execution runs and the alias that chose it, when it was started through them."""
    found = {"stateMachineVersionArn": row.version_arn, "stateMachineAliasArn": row.alias_arn}
    return {key: value for key, value in found.items() if value is not None}


def history_event(row: HistoryEventRecord, include_data: bool = True) -> dict[str, Any]:
    """One stored event in AWS's shape; without data, its input and output members are left out."""
    event: dict[str, Any] = {
        "timestamp": row.timestamp,
        "type": row.type,
        "id": row.event_id,
        "previousEventId": row.previous_event_id,
    }
    if row.details is not None:
        details: dict[str, Any] = loads(row.details)
        if not include_data:
            details = {key: _without_data(value) for key, value in details.items()}
        event.update(details)
    return event


def _event_fragment(row: HistoryEventRecord) -> Fragment:
    """The event as JSON text, its stored details spliced in unparsed: a page of history is
    mostly details, and parsing them only to serialize them again was most of its cost."""
    head = dumps_bytes(
        {"timestamp": row.timestamp, "type": row.type, "id": row.event_id, "previousEventId": row.previous_event_id}
    )
    details = row.details
    if details is None or len(details) <= 2:  # none, or "{}"
        return Fragment(head)
    return Fragment(head[:-1] + b"," + details[1:].encode())


def _without_data(details: Any) -> Any:
    if not isinstance(details, dict):
        return details
    return {key: value for key, value in details.items() if key not in DATA_FIELDS}
