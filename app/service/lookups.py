"""The resources a request names, found or answered with the AWS error for their absence."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app import errors
from app.codec import loads
from app.service import encryption
from app.store import executions, state_machines
from app.store.records import ExecutionRecord, StateMachineRecord


def require_machine(conn: sa.Connection, arn: str) -> StateMachineRecord:
    machine = state_machines.get(conn, arn)
    if machine is None:
        raise errors.StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
    return machine


def require_execution(conn: sa.Connection, arn: str) -> ExecutionRecord:
    row = executions.get(conn, arn)
    if row is None:
        raise errors.ExecutionDoesNotExist(f"Execution Does Not Exist: '{arn}'")
    return row


def configurations(machine: StateMachineRecord) -> dict[str, Any]:
    """The logging and tracing settings a machine was given, or AWS's defaults."""
    logging = loads(machine.logging_configuration) if machine.logging_configuration else None
    tracing = loads(machine.tracing_configuration) if machine.tracing_configuration else None
    return {
        "loggingConfiguration": logging or {"level": "OFF", "includeExecutionData": False},
        "tracingConfiguration": tracing or {"enabled": False},
        **encryption.echoed(machine.encryption_configuration),
    }
