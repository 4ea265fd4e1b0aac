"""Map Runs: DescribeMapRun, ListMapRuns and UpdateMapRun.

A Map Run is what a distributed Map state starts. Its record (settings, status, items' counts) is
kept in the snapshot of the execution that started it, whose ARN its own ARN names; its children
are the executions of its labelled machine whose names begin with the run's prefix, counted by
status in the store. UpdateMapRun reaches the running Map as a trigger of that execution.
"""

from __future__ import annotations

import contextlib
from typing import Any

from app import arns, errors
from app.durable.snapshot import MapRunRecord, upgrade
from app.durable.statuses import ExecutionStatus
from app.durable.work import WorkKind
from app.executions.deliveries import ExecutionNotRunningError, deliver, read_snapshot
from app.executions.runtime import Runtime
from app.executions.triggers import new_trigger
from app.service import pagination
from app.service.lookups import require_execution
from app.store import executions, map_runs


def describe(runtime: Runtime, map_run_arn: str) -> dict[str, Any]:
    record = _record(runtime, map_run_arn)
    with runtime.db.read() as conn:
        statuses = executions.status_counts(
            conn, arns.map_run_machine(map_run_arn), arns.map_run_child_prefix(map_run_arn)
        )
        started_items = map_runs.items_started(conn, map_run_arn, record.started)
    result: dict[str, Any] = {
        "mapRunArn": record.arn,
        "executionArn": arns.map_run_parent(record.arn),
        "status": record.status,
        "startDate": record.start,
        "maxConcurrency": record.max_concurrency,
        "toleratedFailurePercentage": float(record.tolerated_percent or 0),
        "toleratedFailureCount": int(record.tolerated_count or 0),
        "itemCounts": _item_counts(record, started_items),
        "executionCounts": _execution_counts(record, statuses),
        "redriveCount": record.redrive_count,
    }
    if record.stop is not None:
        result["stopDate"] = record.stop
    if record.redrive_date is not None:
        result["redriveDate"] = record.redrive_date
    return result


def update(
    runtime: Runtime,
    map_run_arn: str,
    *,
    max_concurrency: int | None = None,
    tolerated_count: int | None = None,
    tolerated_percent: float | None = None,
) -> dict[str, Any]:
    """UpdateMapRun: the running Map takes the new settings in one transition, before this answers."""
    record = _record(runtime, map_run_arn)
    if max_concurrency is None and tolerated_count is None and tolerated_percent is None:
        raise errors.ValidationException(
            "At least one of maxConcurrency, toleratedFailureCount or toleratedFailurePercentage is required"
        )
    if record.status != ExecutionStatus.RUNNING:
        raise errors.ValidationException(f"The Map Run is not running: '{map_run_arn}'")
    change = {
        "map_run_arn": record.arn,
        "max_concurrency": max_concurrency,
        "tolerated_count": tolerated_count,
        "tolerated_percent": tolerated_percent,
    }
    with contextlib.suppress(ExecutionNotRunningError):  # ended meanwhile: its run ended with it
        deliver(runtime, arns.map_run_parent(record.arn), new_trigger(WorkKind.UPDATE_MAP_RUN, update=change))
    return {}


def list_page(
    runtime: Runtime, execution_arn: str, *, max_results: int | None = None, next_token: str | None = None
) -> dict[str, Any]:
    """ListMapRuns: the Map Runs an execution started, newest first."""
    arns.require_execution(execution_arn)
    position = pagination.decode("mapRuns", next_token, (float, str))
    limit = pagination.page_size(max_results)
    with runtime.db.read() as conn:
        row = require_execution(conn, execution_arn)
    records = sorted(_records(row.snapshot), key=lambda record: (record.start, record.arn), reverse=True)
    if position is not None:
        after = (float(position[0]), str(position[1]))
        records = [record for record in records if (record.start, record.arn) < after]
    return pagination.page(
        "mapRuns", records[: limit + 1], limit, _list_item, "mapRuns", lambda record: [record.start, record.arn]
    )


def _list_item(record: MapRunRecord) -> dict[str, Any]:
    item: dict[str, Any] = {
        "executionArn": arns.map_run_parent(record.arn),
        "mapRunArn": record.arn,
        "stateMachineArn": arns.map_run_machine(record.arn),
        "startDate": record.start,
    }
    if record.stop is not None:
        item["stopDate"] = record.stop
    return item


def _record(runtime: Runtime, map_run_arn: str) -> MapRunRecord:
    arns.require_map_run(map_run_arn)
    with runtime.db.read() as conn:
        row = executions.get(conn, arns.map_run_parent(map_run_arn))
    found = None if row is None else next((r for r in _records(row.snapshot) if r.arn == map_run_arn), None)
    if found is None:
        raise errors.ResourceNotFound(f"Resource not found: '{map_run_arn}'")
    return found


def _records(snapshot_text: str) -> list[MapRunRecord]:
    """The Map Runs a stored snapshot records, read without decoding its frames."""
    return [MapRunRecord(**record) for record in upgrade(read_snapshot(snapshot_text)).get("map_runs", [])]


def _item_counts(record: MapRunRecord, started_items: int) -> dict[str, int]:
    """Counts of items by how far they got: those of children not yet started (nor kept by a redrive) are
    pending."""
    unfinished = max(started_items - record.succeeded_items - record.failed_items, 0)
    running = record.status == ExecutionStatus.RUNNING
    counts = {
        "pending": record.items - started_items,
        "running": unfinished if running else 0,
        "succeeded": record.succeeded_items,
        "failed": record.failed_items,
        "timedOut": 0,
        "aborted": 0 if running else unfinished,
    }
    return _with_totals(counts, record.items, record.results_written)


def _execution_counts(record: MapRunRecord, statuses: dict[str, int]) -> dict[str, int]:
    started = sum(statuses.values())
    counts = {
        "pending": max(record.children - started, 0),
        "running": statuses.get(ExecutionStatus.RUNNING, 0),
        "succeeded": statuses.get(ExecutionStatus.SUCCEEDED, 0),
        "failed": statuses.get(ExecutionStatus.FAILED, 0),
        "timedOut": statuses.get(ExecutionStatus.TIMED_OUT, 0),
        "aborted": statuses.get(ExecutionStatus.ABORTED, 0),
    }
    return _with_totals(counts, max(record.children, started), record.children if record.results_written else 0)


def _with_totals(counts: dict[str, int], total: int, written: int) -> dict[str, int]:
    return {**counts, "total": total, "resultsWritten": written, "failuresNotRedrivable": 0, "pendingRedrive": 0}
