"""Typed records: what the store's reads return, one named tuple per row shape.

A record's fields are its statement's columns, in their order; a compiled statement checks that
on its first run, and a test checks the full-row records against the tables. Statuses and kinds
come back as the plain strings the database holds; compare them with the enums of
``app.durable`` (which are strings too).
"""

from __future__ import annotations

from typing import NamedTuple


class ExecutionRecord(NamedTuple):
    """A whole ``executions`` row."""

    arn: str
    state_machine_arn: str
    revision_id: str
    name: str
    status: str
    input: str
    output: str | None
    error: str | None
    cause: str | None
    trace_header: str | None
    start_date: float
    stop_date: float | None
    snapshot: str
    next_event_id: int
    version: int
    started_by: str | None
    parent_task: str | None
    version_arn: str | None
    alias_arn: str | None
    redrive_count: int
    redrive_date: float | None
    redrive_tokens: str | None


class ExecutionSummary(NamedTuple):
    """An execution as listings show it: no snapshot, input or output."""

    arn: str
    state_machine_arn: str
    revision_id: str
    name: str
    status: str
    error: str | None
    cause: str | None
    trace_header: str | None
    start_date: float
    stop_date: float | None
    next_event_id: int
    version: int
    started_by: str | None
    parent_task: str | None
    version_arn: str | None
    alias_arn: str | None
    redrive_count: int
    redrive_date: float | None
    redrive_tokens: str | None


class HistoryEventRecord(NamedTuple):
    """One stored history event; ``details`` is the JSON text of its ``…EventDetails`` members."""

    execution_arn: str
    event_id: int
    type: str
    previous_event_id: int
    timestamp: float
    details: str | None


class StateMachineRecord(NamedTuple):
    """A whole ``state_machines`` row; the definition lives in its current revision."""

    arn: str
    name: str
    type: str
    status: str
    revision_id: str
    role_arn: str
    logging_configuration: str | None
    tracing_configuration: str | None
    created_at: float
    updated_at: float | None
    last_version: int
    encryption_configuration: str | None


class VersionRecord(NamedTuple):
    """A published version: its number and the revision it froze."""

    arn: str
    state_machine_arn: str
    version: int
    revision_id: str
    description: str | None
    created_at: float


class AliasRecord(NamedTuple):
    """An alias; ``routing`` is the JSON text of its routing configuration."""

    arn: str
    state_machine_arn: str
    name: str
    description: str | None
    routing: str
    created_at: float
    updated_at: float


class RevisionRecord(NamedTuple):
    """One definition a state machine has had."""

    revision_id: str
    state_machine_arn: str
    definition: str
    role_arn: str
    created_at: float


class ActivityRecord(NamedTuple):
    arn: str
    name: str
    created_at: float
    encryption_configuration: str | None


class TaskTokenRecord(NamedTuple):
    """A whole ``task_tokens`` row."""

    token: str
    execution_arn: str
    task_id: int
    activity_arn: str | None
    status: str
    input: str | None
    worker_name: str | None
    heartbeat_seconds: float | None
    heartbeat_timer_id: int | None
    created_at: float


class ClosedToken(NamedTuple):
    """A token just completed: whose task it was, and the worker that had taken it."""

    execution_arn: str
    task_id: int
    worker_name: str | None


class ClaimedTask(NamedTuple):
    """An activity task just handed to a worker."""

    token: str
    input: str | None
    execution_arn: str
    task_id: int


class ClaimedItem(NamedTuple):
    """A work item just claimed, its payload still JSON text."""

    id: int
    execution_arn: str
    kind: str
    payload: str
    attempts: int


class ArnRecord(NamedTuple):
    """A statement that selects ARNs only."""

    arn: str


class TagRecord(NamedTuple):
    key: str
    value: str


class ScheduleRecord(NamedTuple):
    """A whole ``schedules`` row."""

    name: str
    arn: str
    expression: str
    timezone: str
    target_arn: str
    input: str | None
    state: str
    description: str | None
    start_date: float | None
    end_date: float | None
    stack_name: str | None
    created_at: float
    updated_at: float
    anchor: float
    next_fire_at: float | None
    lease_owner: str | None
    lease_until: float | None
    last_fired_at: float | None
    last_execution_arn: str | None
    last_error: str | None


class StackRecord(NamedTuple):
    """A whole ``stacks`` row; resources, outputs and parameters are JSON text."""

    name: str
    resources: str
    outputs: str
    parameters: str
    created_at: float
    updated_at: float


class FunctionRecord(NamedTuple):
    """A whole ``functions`` row: the code is a zip archive."""

    name: str
    handler: str
    runtime: str
    code: bytes
    code_sha256: str
    environment: str
    timeout: float
    stack_name: str | None
    updated_at: float


class FunctionMeta(NamedTuple):
    """A deployed function without its code: what a call needs to find the code it runs now."""

    name: str
    handler: str
    runtime: str
    code_sha256: str
    environment: str
    timeout: float
    stack_name: str | None
    updated_at: float
