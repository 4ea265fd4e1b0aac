"""Express executions through the API: what StartExecution and StartSyncExecution hand the runner.

Nothing of an Express execution is stored: StartSyncExecution answers from the runner's outcome,
StartExecution of an EXPRESS machine hands the execution over and returns at once. Their log
records, when the machine's ``loggingConfiguration`` asks for them, are all that remains.
"""

from __future__ import annotations

import asyncio
import functools
import math
import uuid
from dataclasses import replace
from typing import Any

from app import arns
from app.engine.types import ExecutionInfo, HistoryEvent
from app.executions import lineage, logs
from app.executions.express import ExpressOutcome, ExpressStart
from app.executions.runtime import Revision, Runtime
from app.store.records import StateMachineRecord

NOT_SUPPORTED = "This operation is not supported by this type of state machine"
BILLING_STEP_MS = 100
BILLED_MEMORY_MB = 64


def new_start(
    runtime: Runtime,
    machine: StateMachineRecord,
    revision: Revision,
    name: str,
    input_text: str,
    input: Any,
    test_case: str | None = None,
) -> ExpressStart:
    """An Express execution of ``machine``'s ``revision`` (running mock ``test_case``, if any), with a
    listener for its log records."""
    arn = arns.express_execution(machine.arn, name, str(uuid.uuid4()))
    now = runtime.clock.now()
    info = ExecutionInfo(
        arn, name, machine.arn, machine.name, revision.role_arn, now, input_text, test_case=test_case
    ).knowing_input(input)
    level = logs.LogLevel.of(machine.logging_configuration)
    if not level.enabled:
        return ExpressStart(info, revision.model)

    def listener(events: list[HistoryEvent]) -> None:
        runtime.logs.write(logs.records(level, arn, events))

    return ExpressStart(info, revision.model, listener)


def start_async(runtime: Runtime, start: ExpressStart, parent_task: dict[str, Any] | None = None) -> dict[str, Any]:
    """StartExecution of an EXPRESS machine: the execution runs on; only a ``.sync`` parent task
    (``parent_task``) hears of its end."""
    if parent_task is not None:
        start = replace(start, on_end=functools.partial(_report_end, runtime, start.info, parent_task))
    runtime.require_express().run(start)
    return {"executionArn": start.info.arn, "startDate": start.info.start_time}


def _report_end(runtime: Runtime, info: ExecutionInfo, parent_task: dict[str, Any], outcome: ExpressOutcome) -> None:
    ended = lineage.Ended(
        info.arn,
        info.name,
        info.state_machine_arn,
        info.input_text,
        info.start_time,
        outcome.stop_date,
        outcome.status,
        outcome.output,
        outcome.error,
        outcome.cause,
    )
    runtime.db.write_small(lambda conn: lineage.report_end(conn, parent_task, ended, outcome.stop_date))
    runtime.signal_work()


async def run_sync(
    runtime: Runtime, start: ExpressStart, trace_header: str | None, *, metadata_only: bool = False
) -> dict[str, Any]:
    """StartSyncExecution's answer, once the execution has ended; ``metadata_only`` (includedData
    METADATA_ONLY) leaves out input and output."""
    outcome: ExpressOutcome = await asyncio.wrap_future(runtime.require_express().run(start))
    info = start.info
    billed = max(1, math.ceil((outcome.stop_date - info.start_time) * 1000 / BILLING_STEP_MS)) * BILLING_STEP_MS
    result: dict[str, Any] = {
        "executionArn": info.arn,
        "stateMachineArn": info.state_machine_arn,
        "name": info.name,
        "startDate": info.start_time,
        "stopDate": outcome.stop_date,
        "status": outcome.status,
        "inputDetails": {"included": not metadata_only},
        "billingDetails": {"billedDurationInMilliseconds": billed, "billedMemoryUsedInMB": BILLED_MEMORY_MB},
    }
    if not metadata_only:
        result["input"] = info.input_text
    if outcome.output is not None:
        result["outputDetails"] = {"included": not metadata_only}
        if not metadata_only:
            result["output"] = outcome.output
    if outcome.error is not None:
        result["error"] = outcome.error
    if outcome.cause is not None:
        result["cause"] = outcome.cause
    if trace_header is not None:
        result["traceHeader"] = trace_header
    return result
