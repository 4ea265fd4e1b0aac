"""Callback tokens: issued with a task, completed at most once, handed to activity workers."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.engine.jsontext import dumps
from app.engine.types import TaskInvocation
from app.store.tables import task_tokens, work_items

SCHEDULED = "SCHEDULED"  # an activity task no worker has taken yet
STARTED = "STARTED"  # an activity task a worker took
PENDING = "PENDING"  # a .waitForTaskToken task waiting for its callback
OPEN = (SCHEDULED, STARTED, PENDING)


def row(execution_arn: str, task: TaskInvocation, now: float) -> dict[str, Any]:
    """The values of a new token, ready for :func:`insert_rows`."""
    return {
        "token": task.token,
        "execution_arn": execution_arn,
        "task_id": task.task_id,
        "activity_arn": task.activity_arn,
        "status": SCHEDULED if task.activity_arn else PENDING,
        "input": dumps(task.input),
        "worker_name": None,
        "heartbeat_seconds": task.heartbeat_seconds,
        "heartbeat_timer_id": task.heartbeat_timer_id,
        "created_at": now,
    }


def insert_rows(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    conn.execute(task_tokens.insert(), rows)


def get(conn: sa.Connection, token: str) -> sa.Row[Any] | None:
    return conn.execute(sa.select(task_tokens).where(task_tokens.c.token == token)).first()


def complete(conn: sa.Connection, token: str, status: str) -> sa.Row[Any] | None:
    """Close an open token; None when it was not open (completed, timed out, or unknown)."""
    statement = (
        task_tokens.update()
        .where(task_tokens.c.token == token, task_tokens.c.status.in_(OPEN))
        .values(status=status)
        .returning(task_tokens.c.execution_arn, task_tokens.c.task_id, task_tokens.c.worker_name)
    )
    return conn.execute(statement).first()


def close(conn: sa.Connection, tokens: list[str], status: str) -> None:
    """Close tokens the engine gave up on (timed out), so late callbacks get TaskTimedOut."""
    if tokens:
        conn.execute(
            task_tokens.update()
            .where(task_tokens.c.token.in_(tokens), task_tokens.c.status.in_(OPEN))
            .values(status=status)
        )


_CLOSE_FOR_EXECUTION = (
    task_tokens.update()
    .where(task_tokens.c.execution_arn == sa.bindparam("arn"), task_tokens.c.status.in_(OPEN))
    .values(status=sa.bindparam("new_status"))
)


def close_for_execution(conn: sa.Connection, execution_arn: str, status: str) -> None:
    conn.execute(_CLOSE_FOR_EXECUTION, {"arn": execution_arn, "new_status": status})


def claim_activity_task(conn: sa.Connection, activity_arn: str, worker_name: str | None) -> sa.Row[Any] | None:
    """Hand the oldest scheduled task of an activity to one worker."""
    oldest = (
        sa.select(task_tokens.c.token)
        .where(task_tokens.c.activity_arn == activity_arn, task_tokens.c.status == SCHEDULED)
        .order_by(task_tokens.c.created_at)
        .limit(1)
    )
    if conn.dialect.name == "postgresql":
        oldest = oldest.with_for_update(skip_locked=True)
    statement = (
        task_tokens.update()
        .where(task_tokens.c.token == oldest.scalar_subquery(), task_tokens.c.status == SCHEDULED)
        .values(status=STARTED, worker_name=worker_name)
        .returning(task_tokens.c.token, task_tokens.c.input, task_tokens.c.execution_arn, task_tokens.c.task_id)
    )
    return conn.execute(statement).first()


def extend_heartbeat(conn: sa.Connection, row: sa.Row[Any], now: float) -> None:
    """Push the task's heartbeat timer back by its heartbeat interval."""
    if row.heartbeat_timer_id is None or row.heartbeat_seconds is None:
        return
    conn.execute(
        work_items.update()
        .where(work_items.c.execution_arn == row.execution_arn, work_items.c.timer_id == row.heartbeat_timer_id)
        .values(visible_at=now + row.heartbeat_seconds)
    )
