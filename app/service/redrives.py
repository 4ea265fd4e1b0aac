"""RedriveExecution, and what DescribeExecution says about whether an execution may be redriven.

AWS's rules: a Standard execution that FAILED, TIMED_OUT or was ABORTED within the last 14 days,
whose machine still exists, redriven fewer than 1,000 times, with room left in its history.
A ``clientToken`` seen in the last 15 minutes answers with the redrive it made (AWS keeps the
last ten).
"""

from __future__ import annotations

from typing import Any

from app import arns, errors
from app.codec import dumps, loads
from app.durable.statuses import ExecutionStatus, StateMachineStatus
from app.executions import redrives
from app.executions.runtime import Runtime
from app.service.lookups import require_execution
from app.store import state_machines
from app.store.records import ExecutionRecord, StateMachineRecord

REDRIVABLE = frozenset({ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT, ExecutionStatus.ABORTED})
REDRIVE_WINDOW_SECONDS = 14 * 24 * 3600
MAX_REDRIVES = 1000
TOKEN_SECONDS = 15 * 60
KEPT_TOKENS = 10


def redrive(runtime: Runtime, arn: str, client_token: str | None = None) -> dict[str, Any]:
    """RedriveExecution: the execution is RUNNING again before this returns."""
    arns.require_execution(arn)
    for _ in range(redrives.MAX_RACE_RETRIES):
        now = runtime.clock.now()
        with runtime.db.read() as conn:
            row = require_execution(conn, arn)
            machine = state_machines.get(conn, row.state_machine_arn)
        repeated = _repeated(row, client_token, now)
        if repeated is not None:
            return {"redriveDate": repeated}
        reason = not_redrivable(runtime, row, machine, now)
        if reason is not None:
            raise errors.ExecutionNotRedrivable(reason)
        if redrives.redrive(runtime, row, now, _remembered(row, client_token, now)):
            return {"redriveDate": now}
    raise RuntimeError(f"execution {arn} kept changing under {redrives.MAX_RACE_RETRIES} attempts")


def status_fields(runtime: Runtime, row: ExecutionRecord, machine: StateMachineRecord | None) -> dict[str, Any]:
    """DescribeExecution's redrive members."""
    fields: dict[str, Any] = {"redriveCount": row.redrive_count}
    if row.redrive_date is not None:
        fields["redriveDate"] = row.redrive_date
    reason = not_redrivable(runtime, row, machine, runtime.clock.now())
    fields["redriveStatus"] = "REDRIVABLE" if reason is None else "NOT_REDRIVABLE"
    if reason is not None:
        fields["redriveStatusReason"] = reason
    return fields


def not_redrivable(
    runtime: Runtime, row: ExecutionRecord, machine: StateMachineRecord | None, now: float
) -> str | None:
    """Why the execution may not be redriven now, in AWS's words; None when it may."""
    if row.status not in REDRIVABLE:
        return f"Execution is {row.status} and cannot be redriven"
    if machine is None or machine.status != StateMachineStatus.ACTIVE:
        return "The state machine of the execution is deleted and the execution cannot be redriven"
    if row.stop_date is not None and now - row.stop_date > REDRIVE_WINDOW_SECONDS:
        return "Execution can be redriven only within 14 days of its end"
    if row.redrive_count >= MAX_REDRIVES:
        return f"Execution has been redriven the maximum number of times ({MAX_REDRIVES})"
    if row.next_event_id + 1 > runtime.settings.max_history_events:
        return "Execution history event limit exceeded"
    return None


def _repeated(row: ExecutionRecord, client_token: str | None, now: float) -> float | None:
    """The date of the redrive this token already made, if it is recent enough to count."""
    if client_token is None:
        return None
    for token, date in _tokens(row):
        if token == client_token and now - date <= TOKEN_SECONDS:
            return float(date)
    return None


def _remembered(row: ExecutionRecord, client_token: str | None, now: float) -> str | None:
    """The tokens to keep after this redrive: the last ten, this one included."""
    if client_token is None:
        return row.redrive_tokens
    kept = [[token, date] for token, date in _tokens(row) if now - date <= TOKEN_SECONDS]
    return dumps([*kept, [client_token, now]][-KEPT_TOKENS:])


def _tokens(row: ExecutionRecord) -> list[list[Any]]:
    return loads(row.redrive_tokens) if row.redrive_tokens else []
