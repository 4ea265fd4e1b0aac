"""Deliver one trigger to one execution: load, advance, commit under the version fence."""

from __future__ import annotations

import json
import logging
from typing import Any

import sqlalchemy as sa

from app.engine.advance import advance
from app.engine.types import RUNNING, ExecutionInfo, Transition, Trigger
from app.runtime import Runtime
from app.scheduler import lineage
from app.store import executions, state_machines, work_items

log = logging.getLogger(__name__)

MAX_RACE_RETRIES = 20


class ExecutionNotRunningError(LookupError):
    """The execution does not exist or is no longer RUNNING: nothing to deliver to."""


def execution_info(row: sa.Row[Any], role_arn: str) -> ExecutionInfo:
    """The engine's view of an execution row."""
    return ExecutionInfo(
        arn=row.arn,
        name=row.name,
        state_machine_arn=row.state_machine_arn,
        state_machine_name=row.state_machine_arn.rsplit(":", 1)[-1],
        role_arn=role_arn,
        start_time=row.start_date,
        input=json.loads(row.input),
    )


def deliver(runtime: Runtime, arn: str, trigger: Trigger, item_id: int | None = None) -> str:
    """Apply ``trigger`` and return the execution's status afterwards.

    Raises :class:`ExecutionNotRunningError` when there is nothing to apply it to (the work item, if any,
    is dropped). Losing the version race to another writer just means reading again.
    """
    for _ in range(MAX_RACE_RETRIES):
        with runtime.db.read() as conn:
            row = executions.get(conn, arn)
            revision = runtime.revision(conn, row.revision_id) if row is not None else None
        if row is None or revision is None or row.status != RUNNING:
            _drop(runtime, item_id)
            raise ExecutionNotRunningError(arn)
        now = runtime.clock.now()
        info = execution_info(row, revision.role_arn)
        transition = advance(revision.model, json.loads(row.snapshot), trigger, now, info, runtime.engine_options)
        with runtime.db.write() as conn:
            # A lost race writes nothing: the fenced UPDATE matched no row.
            won = not transition.changed or executions.apply_transition(conn, arn, row.version, transition, now)
            if won:
                _after_commit_writes(conn, row, transition, item_id, now)
        if not won:
            continue
        if transition.run_again or transition.timers or transition.tasks or transition.status != RUNNING:
            runtime.wakeup.notify()
        for task in transition.tasks:
            if task.activity_arn is not None:
                runtime.activity_waiters.notify(task.activity_arn)
        return transition.status
    raise RuntimeError(f"execution {arn} kept changing under {MAX_RACE_RETRIES} attempts")


def _after_commit_writes(
    conn: sa.Connection, row: sa.Row[Any], transition: Transition, item_id: int | None, now: float
) -> None:
    """The rest of the same transaction: consume the item; on the end, tell parent and children."""
    if item_id is not None:
        work_items.delete(conn, item_id)
    if transition.status != RUNNING:
        lineage.report_to_parent(conn, row, transition, now)
        lineage.stop_children(conn, row.arn, now)
        _finish_deleting_machine(conn, row.state_machine_arn)


def _drop(runtime: Runtime, item_id: int | None) -> None:
    if item_id is None:
        return
    with runtime.db.write() as conn:
        work_items.delete(conn, item_id)


def _finish_deleting_machine(conn: sa.Connection, state_machine_arn: str) -> None:
    """A machine marked DELETING goes away once its last running execution has ended."""
    machine = state_machines.get(conn, state_machine_arn)
    if machine is not None and machine.status == "DELETING" and not executions.running_arns(conn, state_machine_arn):
        state_machines.delete(conn, state_machine_arn)
