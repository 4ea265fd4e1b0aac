"""Executions and their history: the rows an engine transition becomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.engine.jsontext import dumps
from app.engine.types import RUNNING, TaskInvocation, Transition
from app.store import compiled, task_tokens, work_items
from app.store.compiled import Record
from app.store.tables import executions, history_events

_INSERT = compiled.Insert(executions, [column.name for column in executions.c])
_INSERT_EVENTS = compiled.Insert(
    history_events, ["execution_arn", "event_id", "type", "previous_event_id", "timestamp", "details"]
)
_BY_ARN = sa.select(executions).where(executions.c.arn == sa.bindparam("arn"))
_GET = compiled.Compiled(_BY_ARN)
# PostgreSQL: the row, locked for this transaction, or nothing when another writer holds it
# (SQLite's compiler leaves FOR UPDATE out; it has one writer anyway).
_LOCK_IF_FREE = compiled.Compiled(_BY_ARN.with_for_update(skip_locked=True))
_STARTED_BY = compiled.Compiled(
    sa.select(executions.c.arn).where(executions.c.started_by == sa.bindparam("arn")).order_by(executions.c.start_date)
)
_FENCE = sa.and_(executions.c.arn == sa.bindparam("b_arn"), executions.c.version == sa.bindparam("b_version"))
_PROGRESS_COLUMNS = ("snapshot", "next_event_id", "version", "status")
_END_COLUMNS = ("output", "error", "cause", "stop_date")


def _fenced_update(columns: tuple[str, ...]) -> compiled.Compiled:
    """UPDATE of these columns, each bound to the parameter of its name, if the version still matches."""
    return compiled.Compiled(executions.update().where(_FENCE).values({name: sa.bindparam(name) for name in columns}))


_ADVANCE = _fenced_update(_PROGRESS_COLUMNS)
_FINISH = _fenced_update(_PROGRESS_COLUMNS + _END_COLUMNS)


def _history_query(reverse: bool, bounded: bool) -> compiled.Compiled:
    """A page of history: in id order or reversed, from the start or after event ``after``."""
    event_id = history_events.c.event_id
    query = sa.select(history_events).where(history_events.c.execution_arn == sa.bindparam("arn"))
    if bounded:
        after = sa.bindparam("after", type_=sa.Integer)
        query = query.where(event_id < after if reverse else event_id > after)
    query = query.order_by(event_id.desc() if reverse else event_id).limit(sa.bindparam("limit"))
    return compiled.Compiled(query)


_HISTORY = {
    (reverse, bounded): _history_query(reverse, bounded) for reverse in (False, True) for bounded in (False, True)
}


def get(conn: sa.Connection, arn: str) -> Record | None:
    return _GET.first(conn, {"arn": arn})


def lock_if_free(conn: sa.Connection, arn: str) -> Record | None:
    """The execution, locked until commit; None when it is missing or another transaction holds it.

    Never waiting for the lock is what lets a caller that already holds other rows (a task token)
    take it without risking a deadlock with the scheduler, which locks executions first.
    """
    return _LOCK_IF_FREE.first(conn, {"arn": arn})


def get_many(conn: sa.Connection, arns: list[str]) -> dict[str, sa.Row[Any]]:
    """Execution rows by ARN, in one query."""
    if not arns:
        return {}
    rows = conn.execute(sa.select(executions).where(executions.c.arn.in_(set(arns))))
    return {row.arn: row for row in rows}


def find_by_name(conn: sa.Connection, state_machine_arn: str, name: str) -> sa.Row[Any] | None:
    query = sa.select(executions).where(executions.c.state_machine_arn == state_machine_arn, executions.c.name == name)
    return conn.execute(query).first()


def page(
    conn: sa.Connection,
    state_machine_arn: str,
    status: str | None,
    after: tuple[float, str] | None,
    limit: int,
) -> list[sa.Row[Any]]:
    """Executions newest first; ``after`` is the (start_date, arn) of the last row already seen."""
    columns = [c for c in executions.c if c.name not in ("snapshot", "input", "output")]
    query = sa.select(*columns).where(executions.c.state_machine_arn == state_machine_arn)
    if status is not None:
        query = query.where(executions.c.status == status)
    if after is not None:
        start, arn = after
        query = query.where(
            sa.or_(
                executions.c.start_date < start,
                sa.and_(executions.c.start_date == start, executions.c.arn < arn),
            )
        )
    query = query.order_by(executions.c.start_date.desc(), executions.c.arn.desc()).limit(limit)
    return list(conn.execute(query).all())


def started_by(conn: sa.Connection, parent_arn: str) -> list[str]:
    """ARNs of the executions that ``parent_arn`` started, oldest first."""
    return [row.arn for row in _STARTED_BY.all(conn, {"arn": parent_arn})]


def running_arns(conn: sa.Connection, state_machine_arn: str) -> list[str]:
    query = sa.select(executions.c.arn).where(
        executions.c.state_machine_arn == state_machine_arn, executions.c.status == RUNNING
    )
    return list(conn.execute(query).scalars())


def count_running(conn: sa.Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).where(executions.c.status == RUNNING)).scalar_one())


def count_for_state_machine(conn: sa.Connection, state_machine_arn: str) -> int:
    query = sa.select(sa.func.count()).where(executions.c.state_machine_arn == state_machine_arn)
    return int(conn.execute(query).scalar_one())


@dataclass
class PreparedTransition:
    """A transition turned into rows before the write transaction, so the transaction stays short."""

    arn: str
    transition: Transition
    snapshot: str
    next_event_id: int
    events: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[dict[str, Any]] = field(default_factory=list)


def prepare(arn: str, transition: Transition, now: float) -> PreparedTransition:
    """Serialize a transition's snapshot, events, work items and tokens (no database access)."""
    prepared = PreparedTransition(
        arn=arn,
        transition=transition,
        snapshot=dumps(transition.snapshot),
        next_event_id=int(transition.snapshot["last_event_id"]) + 1,
        events=[
            {
                "execution_arn": arn,
                "event_id": event.id,
                "type": event.type,
                "previous_event_id": event.previous_event_id,
                "timestamp": event.timestamp,
                "details": None if event.details is None else dumps(event.details),
            }
            for event in transition.events
        ],
    )
    if transition.status != RUNNING:
        return prepared
    for timer in transition.timers:
        if timer.warn_at is not None:
            payload = {"timer_id": timer.timer_id, "timeout_at": timer.due}
            prepared.items.append(work_items.row(arn, "warn", payload, timer.warn_at, timer.timer_id))
        else:
            prepared.items.append(
                work_items.row(arn, timer.kind, {"timer_id": timer.timer_id}, timer.due, timer.timer_id)
            )
    for task in transition.tasks:
        if task.token is not None:
            prepared.tokens.append(task_tokens.row(arn, task, now))
        if task.call:
            prepared.items.append(work_items.row(arn, "invoke", invocation_payload(task), now))
    if transition.run_again:
        prepared.items.append(work_items.row(arn, "run", {}, now))
    return prepared


def insert_started(conn: sa.Connection, values: dict[str, Any], prepared: PreparedTransition) -> None:
    """Insert a new execution together with its first transition (which may already end it)."""
    transition = prepared.transition
    row = {
        **values,
        "status": transition.status,
        "snapshot": prepared.snapshot,
        "next_event_id": prepared.next_event_id,
        "version": 1,
    }
    if transition.status != RUNNING:
        ended = {"output": transition.output, "error": transition.error, "cause": transition.cause}
        row.update(ended, stop_date=values["start_date"])
    _INSERT.execute(conn, {column.name: row.get(column.name) for column in executions.c})
    _write_effects(conn, prepared)


def apply_transition(conn: sa.Connection, prepared: PreparedTransition, version: int, now: float) -> bool:
    """Write a transition if the execution is still at ``version``; False when another writer won."""
    transition = prepared.transition
    values: dict[str, Any] = {
        "b_arn": prepared.arn,
        "b_version": version,
        "snapshot": prepared.snapshot,
        "next_event_id": prepared.next_event_id,
        "version": version + 1,
        "status": transition.status,
    }
    if transition.status == RUNNING:
        updated = _ADVANCE.rowcount(conn, values)
    else:
        values.update(output=transition.output, error=transition.error, cause=transition.cause, stop_date=now)
        updated = _FINISH.rowcount(conn, values)
    if updated != 1:
        return False
    _write_effects(conn, prepared)
    return True


def _write_effects(conn: sa.Connection, prepared: PreparedTransition) -> None:
    """Events, work items and tokens of a transition being committed; on its end, close what remains."""
    _INSERT_EVENTS.execute_many(conn, prepared.events)
    task_tokens.close(conn, prepared.transition.closed_tokens, "TIMED_OUT")
    if prepared.transition.status != RUNNING:
        work_items.delete_for_execution(conn, prepared.arn)
        task_tokens.close_for_execution(conn, prepared.arn, "CLOSED")
        return
    if prepared.tokens:
        task_tokens.insert_rows(conn, prepared.tokens)
    if prepared.items:
        work_items.insert_rows(conn, prepared.items)


def invocation_payload(task: TaskInvocation) -> dict[str, Any]:
    """What the task runner needs to call an integration."""
    return {
        "task_id": task.task_id,
        "resource": task.resource,
        "input": task.input,
        "token": task.token,
        "timeout_seconds": task.timeout_seconds,
    }


def history_page(conn: sa.Connection, arn: str, after_id: int | None, limit: int, reverse: bool) -> list[Record]:
    """Events in id order (or reversed), starting after ``after_id``."""
    query = _HISTORY[(reverse, after_id is not None)]
    return query.all(conn, {"arn": arn, "after": after_id, "limit": limit})
