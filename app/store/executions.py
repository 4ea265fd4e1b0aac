"""Executions and their history: the rows an engine transition becomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.arns import Qualified
from app.codec import dumps
from app.crashpoints import crash_point
from app.durable.statuses import OPEN_TOKEN_STATUSES, ExecutionStatus, TokenStatus
from app.store import compiled, map_runs, task_tokens, work_items
from app.store.compiled import Query, columns
from app.store.records import ArnRecord, ExecutionRecord, ExecutionSummary, HistoryEventRecord
from app.store.tables import executions, history_events
from app.store.tables import task_tokens as task_tokens_table
from app.store.tables import work_items as work_items_table

_INSERT = compiled.Insert(executions, [column.name for column in executions.c])
_INSERT_EVENTS = compiled.Insert(
    history_events, ["execution_arn", "event_id", "type", "previous_event_id", "timestamp", "details"]
)
_EXECUTION = sa.select(*columns(executions, ExecutionRecord))
_BY_ARN = _EXECUTION.where(executions.c.arn == sa.bindparam("arn"))
_GET = Query(_BY_ARN, ExecutionRecord)
# PostgreSQL: the row, locked for this transaction, or nothing when another writer holds it
# (SQLite's compiler leaves FOR UPDATE out; it has one writer anyway).
_LOCK_IF_FREE = Query(_BY_ARN.with_for_update(skip_locked=True), ExecutionRecord)
_LOCK = compiled.Compiled(sa.select(executions.c.arn).where(executions.c.arn == sa.bindparam("arn")).with_for_update())
_STARTED_BY = Query(
    sa.select(executions.c.arn)
    .where(
        executions.c.started_by == sa.bindparam("arn"),
        # a Map Run's children, of a labelled machine (``Machine/Label``), are listed by ListExecutions(mapRunArn)
        ~executions.c.state_machine_arn.contains("/", autoescape=True),
    )
    .order_by(executions.c.start_date),
    ArnRecord,
)
_RUNNING_SYNC_CHILDREN = Query(
    sa.select(executions.c.arn).where(
        executions.c.started_by == sa.bindparam("arn"),
        executions.c.status == ExecutionStatus.RUNNING,
        executions.c.parent_task.is_not(None),
    ),
    ArnRecord,
)
_FENCE = sa.and_(executions.c.arn == sa.bindparam("b_arn"), executions.c.version == sa.bindparam("b_version"))
_PROGRESS_COLUMNS = ("snapshot", "next_event_id", "version", "status")
_END_COLUMNS = ("output", "error", "cause", "stop_date")


def _fenced_update(columns: tuple[str, ...]) -> compiled.Compiled:
    """UPDATE of these columns, each bound to the parameter of its name, if the version still matches."""
    return compiled.Compiled(executions.update().where(_FENCE).values({name: sa.bindparam(name) for name in columns}))


_REDRIVE_COLUMNS = ("redrive_count", "redrive_date", "redrive_tokens")
_ADVANCE = _fenced_update(_PROGRESS_COLUMNS)
_FINISH = _fenced_update(_PROGRESS_COLUMNS + _END_COLUMNS)
_REOPEN = _fenced_update(_PROGRESS_COLUMNS + _END_COLUMNS + _REDRIVE_COLUMNS)


def _history_query(reverse: bool, bounded: bool) -> Query[HistoryEventRecord]:
    """A page of history: in id order or reversed, from the start or after event ``after``."""
    event_id = history_events.c.event_id
    query = sa.select(*columns(history_events, HistoryEventRecord)).where(
        history_events.c.execution_arn == sa.bindparam("arn")
    )
    if bounded:
        after = sa.bindparam("after", type_=sa.Integer)
        query = query.where(event_id < after if reverse else event_id > after)
    query = query.order_by(event_id.desc() if reverse else event_id).limit(sa.bindparam("limit"))
    return Query(query, HistoryEventRecord)


_HISTORY = {
    (reverse, bounded): _history_query(reverse, bounded) for reverse in (False, True) for bounded in (False, True)
}


def get(conn: sa.Connection, arn: str) -> ExecutionRecord | None:
    return _GET.first(conn, {"arn": arn})


def status_and_revision(conn: sa.Connection, arn: str) -> tuple[str, str] | None:
    """An execution's status and revision, without its snapshot (a large Map's parent holds a large one)."""
    query = sa.select(executions.c.status, executions.c.revision_id).where(executions.c.arn == arn)
    row = conn.execute(query).first()
    return None if row is None else (str(row.status), str(row.revision_id))


def lock_if_free(conn: sa.Connection, arn: str) -> ExecutionRecord | None:
    """The execution, locked until commit; None when it is missing or another transaction holds it.

    Never waiting for the lock is what lets a caller that already holds other rows (a task token)
    take it without risking a deadlock with the scheduler, which locks executions first.
    """
    return _LOCK_IF_FREE.first(conn, {"arn": arn})


def lock(conn: sa.Connection, arn: str) -> None:
    """Lock the execution's row until commit, waiting for a transaction that holds it (PostgreSQL;
    SQLite has one writer at a time). Taken before any other row, as the scheduler takes it."""
    _LOCK.execute(conn, {"arn": arn})


def get_many(conn: sa.Connection, arns: list[str]) -> dict[str, ExecutionRecord]:
    """Execution rows by ARN, in one query."""
    if not arns:
        return {}
    rows = conn.execute(_EXECUTION.where(executions.c.arn.in_(set(arns))))
    return {row.arn: ExecutionRecord._make(row) for row in rows}


def set_parent_task(conn: sa.Connection, arn: str, parent_task: str) -> None:
    """Point a child execution's report at another task of its parent (a redriven Map Run child's new one)."""
    conn.execute(executions.update().where(executions.c.arn == arn).values(parent_task=parent_task))


def find_by_name(conn: sa.Connection, state_machine_arn: str, name: str) -> ExecutionRecord | None:
    query = _EXECUTION.where(executions.c.state_machine_arn == state_machine_arn, executions.c.name == name)
    row = conn.execute(query).first()
    return None if row is None else ExecutionRecord._make(row)


def page(
    conn: sa.Connection,
    of: Qualified,
    status: str | None,
    after: tuple[float, str] | None,
    limit: int,
    redriven: bool | None = None,
    name_prefix: str | None = None,
) -> list[ExecutionSummary]:
    """Executions of a machine, version or alias, newest first; ``after`` is the (start_date, arn) of the
    last row already seen; ``redriven`` keeps only those redriven (True) or never redriven (False);
    ``name_prefix`` only those whose names begin so (the children of one Map Run)."""
    if of.version is not None:
        owner = executions.c.version_arn == of.arn
    elif of.alias is not None:
        owner = executions.c.alias_arn == of.arn
    else:
        owner = executions.c.state_machine_arn == of.state_machine_arn
    query = sa.select(*columns(executions, ExecutionSummary)).where(owner)
    if status is not None:
        query = query.where(executions.c.status == status)
    if name_prefix is not None:
        query = query.where(executions.c.name.startswith(name_prefix, autoescape=True))
    if redriven is not None:
        query = query.where(executions.c.redrive_count > 0 if redriven else executions.c.redrive_count == 0)
    return newest_first(conn, query, after, limit)


def newest_first(
    conn: sa.Connection, query: sa.Select[Any], after: tuple[float, str] | None, limit: int
) -> list[ExecutionSummary]:
    """A page of ``query``'s executions, newest first, after the (start date, ARN) a previous page ended on."""
    if after is not None:
        start, arn = after
        query = query.where(
            sa.or_(
                executions.c.start_date < start,
                sa.and_(executions.c.start_date == start, executions.c.arn < arn),
            )
        )
    query = query.order_by(executions.c.start_date.desc(), executions.c.arn.desc()).limit(limit)
    return [ExecutionSummary._make(row) for row in conn.execute(query)]


def status_counts(conn: sa.Connection, state_machine_arn: str, name_prefix: str) -> dict[str, int]:
    """How many executions of a machine whose names begin so (a Map Run's children) have each status."""
    query = (
        sa.select(executions.c.status, sa.func.count())
        .where(
            executions.c.state_machine_arn == state_machine_arn,
            executions.c.name.startswith(name_prefix, autoescape=True),
        )
        .group_by(executions.c.status)
    )
    return {str(status): int(count) for status, count in conn.execute(query)}


def running_with_prefix(conn: sa.Connection, state_machine_arn: str, name_prefix: str) -> list[str]:
    """The running executions of a machine whose names begin so (a Map Run's children that still run)."""
    query = sa.select(executions.c.arn).where(
        executions.c.state_machine_arn == state_machine_arn,
        executions.c.name.startswith(name_prefix, autoescape=True),
        executions.c.status == ExecutionStatus.RUNNING,
    )
    return list(conn.execute(query).scalars())


def started_by(conn: sa.Connection, parent_arn: str) -> list[str]:
    """ARNs of the executions that ``parent_arn`` started, oldest first, but for its Map Runs' children."""
    return [row.arn for row in _STARTED_BY.all(conn, {"arn": parent_arn})]


def running_arns(conn: sa.Connection, state_machine_arn: str) -> list[str]:
    query = sa.select(executions.c.arn).where(
        executions.c.state_machine_arn == state_machine_arn, executions.c.status == ExecutionStatus.RUNNING
    )
    return list(conn.execute(query).scalars())


def running_sync_children(conn: sa.Connection, parent_arn: str) -> list[str]:
    """Running executions that a ``.sync`` task of ``parent_arn`` waits for."""
    return [row.arn for row in _RUNNING_SYNC_CHILDREN.all(conn, {"arn": parent_arn})]


def orphaned(conn: sa.Connection) -> list[str]:
    """RUNNING executions that wait for nothing: no work item, no open task token (lost after a crash)."""
    pending = sa.select(work_items_table.c.id).where(work_items_table.c.execution_arn == executions.c.arn)
    waiting = sa.select(task_tokens_table.c.token).where(
        task_tokens_table.c.execution_arn == executions.c.arn,
        task_tokens_table.c.status.in_(OPEN_TOKEN_STATUSES),
    )
    query = sa.select(executions.c.arn).where(
        executions.c.status == ExecutionStatus.RUNNING, ~pending.exists(), ~waiting.exists()
    )
    return list(conn.execute(query).scalars())


def count_running(conn: sa.Connection) -> int:
    return int(
        conn.execute(sa.select(sa.func.count()).where(executions.c.status == ExecutionStatus.RUNNING)).scalar_one()
    )


def count_for_state_machine(conn: sa.Connection, state_machine_arn: str) -> int:
    query = sa.select(sa.func.count()).where(executions.c.state_machine_arn == state_machine_arn)
    return int(conn.execute(query).scalar_one())


@dataclass
class TransitionRows:
    """One transition of an execution as the rows it writes: new column values, and what it adds or closes.

    ``timed_out_tokens`` are tokens of tasks that gave up waiting; when the transition ends the
    execution (``status`` other than RUNNING), every pending work item and open token goes too.
    """

    arn: str
    status: str
    snapshot: str
    next_event_id: int
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[dict[str, Any]] = field(default_factory=list)
    timed_out_tokens: list[str] = field(default_factory=list)
    map_children: list[dict[str, Any]] = field(default_factory=list)
    reopened_map_runs: list[str] = field(default_factory=list)

    @property
    def ended(self) -> bool:
        return self.status != ExecutionStatus.RUNNING


def insert_started(conn: sa.Connection, values: dict[str, Any], rows: TransitionRows) -> None:
    """Insert a new execution together with its first transition (which may already end it)."""
    row = {
        **values,
        "status": rows.status,
        "snapshot": rows.snapshot,
        "next_event_id": rows.next_event_id,
        "version": 1,
    }
    if rows.ended:
        row.update(output=rows.output, error=rows.error, cause=rows.cause, stop_date=values["start_date"])
    _INSERT.execute(conn, {column.name: row.get(column.name) for column in executions.c})
    _write_effects(conn, rows)


def apply_transition(conn: sa.Connection, rows: TransitionRows, version: int, now: float) -> bool:
    """Write a transition if the execution is still at ``version``; False when another writer won."""
    values = _fenced_values(rows, version)
    if rows.ended:
        values.update(output=rows.output, error=rows.error, cause=rows.cause, stop_date=now)
        updated = _FINISH.rowcount(conn, values)
    else:
        updated = _ADVANCE.rowcount(conn, values)
    if updated != 1:
        return False
    crash_point("after_fence")
    _write_effects(conn, rows)
    return True


def reopen(
    conn: sa.Connection, rows: TransitionRows, version: int, redrive_count: int, now: float, tokens: str | None
) -> bool:
    """Write a redrive: the ended execution RUNNING again, its end cleared; False when another writer won."""
    values = _fenced_values(rows, version)
    values.update(output=None, error=None, cause=None, stop_date=None)
    values.update(redrive_count=redrive_count, redrive_date=now, redrive_tokens=tokens)
    if _REOPEN.rowcount(conn, values) != 1:
        return False
    _write_effects(conn, rows)
    return True


def delete_closed_before(conn: sa.Connection, before: float, limit: int) -> int:
    """Delete up to ``limit`` executions that ended before ``before``, with their history and tokens;
    returns how many (fewer than ``limit``: none is left to delete)."""
    arns = list(
        conn.execute(
            sa.select(executions.c.arn)
            .where(executions.c.status != ExecutionStatus.RUNNING, executions.c.stop_date < before)
            .limit(limit)
        ).scalars()
    )
    if arns:
        conn.execute(sa.delete(history_events).where(history_events.c.execution_arn.in_(arns)))
        conn.execute(sa.delete(task_tokens_table).where(task_tokens_table.c.execution_arn.in_(arns)))
        conn.execute(sa.delete(work_items_table).where(work_items_table.c.execution_arn.in_(arns)))
        map_runs.delete_for_executions(conn, arns)
        conn.execute(sa.delete(executions).where(executions.c.arn.in_(arns)))
    return len(arns)


def force_fail(conn: sa.Connection, arn: str, error: str, cause: str, now: float) -> None:
    """End a RUNNING execution the engine cannot advance (its snapshot unreadable): FAILED with its
    terminal event, its work items deleted and its tokens closed."""
    row = get(conn, arn)
    if row is None or row.status != ExecutionStatus.RUNNING:
        return
    event = {
        "execution_arn": arn,
        "event_id": row.next_event_id,
        "type": "ExecutionFailed",
        "previous_event_id": row.next_event_id - 1,
        "timestamp": now,
        "details": dumps({"executionFailedEventDetails": {"error": error, "cause": cause}}),
    }
    conn.execute(
        executions.update()
        .where(executions.c.arn == arn, executions.c.version == row.version)
        .values(
            status=ExecutionStatus.FAILED,
            stop_date=now,
            error=error,
            cause=cause,
            version=row.version + 1,
            next_event_id=row.next_event_id + 1,
        )
    )
    _INSERT_EVENTS.execute_many(conn, [event])
    work_items.delete_for_execution(conn, arn)
    task_tokens.close_for_execution(conn, arn, TokenStatus.CLOSED)


def _fenced_values(rows: TransitionRows, version: int) -> dict[str, Any]:
    """The progress columns of a transition, fenced by the version it was computed from."""
    return {
        "b_arn": rows.arn,
        "b_version": version,
        "snapshot": rows.snapshot,
        "next_event_id": rows.next_event_id,
        "version": version + 1,
        "status": rows.status,
    }


def _write_effects(conn: sa.Connection, rows: TransitionRows) -> None:
    """Events, work items and tokens of a transition being committed; on its end, close what remains."""
    _INSERT_EVENTS.execute_many(conn, rows.events)
    if rows.map_children:
        map_runs.insert(conn, rows.map_children)
    for map_run_arn in rows.reopened_map_runs:
        map_runs.reopen(conn, map_run_arn)
    task_tokens.close(conn, rows.timed_out_tokens, TokenStatus.TIMED_OUT)
    if rows.ended:
        work_items.delete_for_execution(conn, rows.arn)
        task_tokens.close_for_execution(conn, rows.arn, TokenStatus.CLOSED)
        return
    if rows.tokens:
        task_tokens.insert_rows(conn, rows.tokens)
    if rows.items:
        work_items.insert_rows(conn, rows.items)


def history_page(
    conn: sa.Connection, arn: str, after_id: int | None, limit: int, reverse: bool
) -> list[HistoryEventRecord]:
    """Events in id order (or reversed), starting after ``after_id``."""
    query = _HISTORY[(reverse, after_id is not None)]
    return query.all(conn, {"arn": arn, "after": after_id, "limit": limit})
