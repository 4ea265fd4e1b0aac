"""A new execution: ``ExecutionStarted`` and its first states, inserted in one write.

The first steps run before the insert under the same step budget as every delivery, so an
execution of Pass and Choice states costs one transaction in all; a longer one goes on in the
scheduler from the snapshot committed here.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app import arns, errors, metrics
from app.codec import dumps
from app.durable.statuses import ExecutionStatus, StateMachineStatus
from app.durable.work import WorkKind
from app.engine.advance import start as start_transition
from app.engine.types import ExecutionInfo, Transition
from app.executions import lineage
from app.executions.deliveries import announce, compute, record
from app.executions.rows import transition_rows
from app.executions.runtime import Revision, Runtime
from app.executions.triggers import new_trigger
from app.store import executions, state_machines
from app.store.executions import TransitionRows
from app.store.records import ExecutionRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewExecution:
    """An execution to start, its request already checked.

    ``input`` is the parsed ``input_text``; ``started_by`` is the execution (lineage) or the
    schedule that started this one; ``parent_task`` the ``.sync`` task that waits for its end; ``test_case`` the mock
    test case it runs.
    """

    arn: str
    name: str
    state_machine_arn: str
    state_machine_name: str
    revision_id: str
    input_text: str
    input: Any
    trace_header: str | None = None
    started_by: str | None = None
    parent_task: dict[str, Any] | None = None
    version_arn: str | None = None
    alias_arn: str | None = None
    test_case: str | None = None


class NameTakenError(Exception):
    """An execution of that name exists already (AWS's answer depends on what it is doing)."""

    def __init__(self, existing: ExecutionRecord) -> None:
        super().__init__(existing.arn)
        self.existing = existing


@dataclass(frozen=True)
class _Prepared:
    """A new execution with its first transition, as the rows its insert writes."""

    new: NewExecution
    transition: Transition
    values: dict[str, Any]
    rows: TransitionRows

    @property
    def reports(self) -> bool:
        """Whether it ended in its first steps and a parent task waits for that end."""
        return self.transition.status != ExecutionStatus.RUNNING and self.new.parent_task is not None

    def insert(self, conn: sa.Connection, now: float) -> None:
        executions.insert_started(conn, self.values, self.rows)
        if self.reports:
            inserted = executions.get(conn, self.new.arn)
            assert inserted is not None
            lineage.report_to_parent(conn, inserted, self.transition, now)


def begin(runtime: Runtime, new: NewExecution, revision: Revision, now: float) -> None:
    """Insert the execution with its first transition, then wake whoever has work from it."""
    prepared = _prepare(runtime, new, revision, now)

    def insert(conn: sa.Connection) -> None:
        _require_active(conn, new.state_machine_arn)
        prepared.insert(conn, now)

    try:
        runtime.db.write_small(insert)
    except sa.exc.IntegrityError:
        with runtime.db.read() as conn:
            existing = executions.find_by_name(conn, new.state_machine_arn, new.name)
        if existing is None:
            raise
        raise NameTakenError(existing) from None
    _started(runtime, [prepared], now)


def begin_many(runtime: Runtime, many: list[NewExecution], revision: Revision, now: float) -> None:
    """Start executions of one machine and revision in one write (a range of a Map Run's children); those that
    exist already are left as they are. When another server inserts one of them meanwhile, they are started
    one at a time instead."""
    if not many:
        return
    prepared = [_prepare(runtime, new, revision, now) for new in many]

    def insert(conn: sa.Connection) -> list[_Prepared]:
        _require_active(conn, many[0].state_machine_arn)
        existing = executions.get_many(conn, [each.new.arn for each in prepared])
        fresh = [each for each in prepared if each.new.arn not in existing]
        for each in fresh:
            each.insert(conn, now)
        return fresh

    try:
        with runtime.db.write() as conn:
            inserted = insert(conn)
    except sa.exc.IntegrityError:
        for new in many:
            with contextlib.suppress(NameTakenError):
                begin(runtime, new, revision, now)
        return
    _started(runtime, inserted, now)


def _prepare(runtime: Runtime, new: NewExecution, revision: Revision, now: float) -> _Prepared:
    info = ExecutionInfo(
        new.arn,
        new.name,
        new.state_machine_arn,
        new.state_machine_name,
        revision.role_arn,
        now,
        new.input_text,
        test_case=new.test_case,
    ).knowing_input(new.input)
    transition = _first_steps(runtime, revision, info, now)
    values = {
        "arn": new.arn,
        "state_machine_arn": new.state_machine_arn,
        "revision_id": new.revision_id,
        "name": new.name,
        "input": new.input_text,
        "trace_header": new.trace_header,
        "start_date": now,
        "started_by": new.started_by,
        "parent_task": None if new.parent_task is None else dumps(new.parent_task),
        "version_arn": new.version_arn,
        "alias_arn": new.alias_arn,
        "redrive_count": 0,
    }
    return _Prepared(new, transition, values, transition_rows(new.arn, transition, now))


def _started(runtime: Runtime, started: list[_Prepared], now: float) -> None:
    """After the commit: count, log and wake whoever has work from the new executions."""
    for each in started:
        metrics.EXECUTIONS_STARTED.labels(each.new.state_machine_name, "STANDARD").inc()
        record(runtime, each.new.state_machine_arn, each.new.arn, each.transition, now)
    announce(runtime, [each.transition for each in started], queued=any(each.reports for each in started))


def _require_active(conn: sa.Connection, state_machine_arn: str) -> None:
    """The machine still exists and is not being deleted, and stays so until the start commits (for a distributed
    Map's child, the machine its labelled machine belongs to)."""
    status = state_machines.status_locked(conn, arns.unlabelled(state_machine_arn))
    if status is None:
        raise errors.StateMachineDoesNotExist(f"State Machine Does Not Exist: '{state_machine_arn}'")
    if status != StateMachineStatus.ACTIVE:
        raise errors.StateMachineDeleting(f"State Machine is being deleted: '{state_machine_arn}'")


def _first_steps(runtime: Runtime, revision: Revision, info: ExecutionInfo, now: float) -> Transition:
    """``ExecutionStarted`` and the states up to the first wait point or the end of the step budget."""
    started = start_transition(revision.model, info, now, runtime.engine_options)
    try:
        return started.then(compute(runtime, revision.model, started.snapshot, [new_trigger(WorkKind.RUN)], now, info))
    except Exception:  # the scheduler runs it instead, with its retries and logging
        log.exception("execution %s could not take its first steps at start", info.arn)
        return started
