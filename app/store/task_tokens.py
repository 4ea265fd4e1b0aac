"""Callback tokens: issued with a task, completed at most once, handed to activity workers."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.durable.statuses import OPEN_TOKEN_STATUSES, TokenStatus
from app.store import compiled
from app.store.compiled import Query, columns
from app.store.records import ClaimedTask, ClosedToken, TaskTokenRecord
from app.store.tables import task_tokens, work_items

_INSERT = compiled.Insert(task_tokens, [column.name for column in task_tokens.c])
_GET = Query(
    sa.select(*columns(task_tokens, TaskTokenRecord)).where(task_tokens.c.token == sa.bindparam("token")),
    TaskTokenRecord,
)
_IS_OPEN = sa.or_(*(task_tokens.c.status == status for status in OPEN_TOKEN_STATUSES))  # no IN list: compiled once
_CLOSE_OPEN_TOKEN = (
    task_tokens.update()
    .where(task_tokens.c.token == sa.bindparam("token"), _IS_OPEN)
    .values(status=sa.bindparam("new_status"))
)
_COMPLETE = Query(_CLOSE_OPEN_TOKEN.returning(*columns(task_tokens, ClosedToken)), ClosedToken)
_CLOSE = compiled.Compiled(_CLOSE_OPEN_TOKEN)
_CLOSE_FOR_EXECUTION = compiled.Compiled(
    task_tokens.update()
    .where(task_tokens.c.execution_arn == sa.bindparam("arn"), _IS_OPEN)
    .values(status=sa.bindparam("new_status"))
)


# PostgreSQL: concurrent pollers skip a locked task instead of waiting (SQLite's compiler leaves
# FOR UPDATE out; it has one writer anyway).
_OLDEST_SCHEDULED = (
    sa.select(task_tokens.c.token)
    .where(task_tokens.c.activity_arn == sa.bindparam("activity_arn"), task_tokens.c.status == TokenStatus.SCHEDULED)
    .order_by(task_tokens.c.created_at)
    .limit(1)
    .with_for_update(skip_locked=True)
)
_CLAIM = Query(
    task_tokens.update()
    .where(task_tokens.c.token == _OLDEST_SCHEDULED.scalar_subquery(), task_tokens.c.status == TokenStatus.SCHEDULED)
    .values(status=TokenStatus.STARTED, worker_name=sa.bindparam("worker_name"))
    .returning(*columns(task_tokens, ClaimedTask)),
    ClaimedTask,
)


def insert_rows(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    _INSERT.execute_many(conn, rows)


def get(conn: sa.Connection, token: str) -> TaskTokenRecord | None:
    return _GET.first(conn, {"token": token})


def complete(conn: sa.Connection, token: str, status: TokenStatus) -> ClosedToken | None:
    """Close an open token; None when it was not open (completed, timed out, or unknown)."""
    return _COMPLETE.first(conn, {"token": token, "new_status": status})


def close(conn: sa.Connection, tokens: list[str], status: TokenStatus) -> None:
    """Close tokens the engine gave up on (timed out), so late callbacks get TaskTimedOut."""
    _CLOSE.execute_many(conn, [{"token": token, "new_status": status} for token in tokens])


def close_for_execution(conn: sa.Connection, execution_arn: str, status: TokenStatus) -> None:
    _CLOSE_FOR_EXECUTION.execute(conn, {"arn": execution_arn, "new_status": status})


def claim_activity_task(conn: sa.Connection, activity_arn: str, worker_name: str | None) -> ClaimedTask | None:
    """Hand the oldest scheduled task of an activity to one worker."""
    return _CLAIM.first(conn, {"activity_arn": activity_arn, "worker_name": worker_name})


def extend_heartbeat(conn: sa.Connection, row: TaskTokenRecord, now: float) -> None:
    """Push the task's heartbeat timer back by its heartbeat interval."""
    if row.heartbeat_timer_id is None or row.heartbeat_seconds is None:
        return
    conn.execute(
        work_items.update()
        .where(work_items.c.execution_arn == row.execution_arn, work_items.c.timer_id == row.heartbeat_timer_id)
        .values(visible_at=now + row.heartbeat_seconds)
    )
