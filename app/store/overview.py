"""Reads for people looking across the whole server: executions of every machine, counts by status,
the tokens an execution waits on, and what each activity has queued."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import sqlalchemy as sa

from app.durable.statuses import OPEN_TOKEN_STATUSES, ExecutionStatus, TokenStatus
from app.store.compiled import columns
from app.store.executions import newest_first
from app.store.records import ExecutionSummary, StateMachineRecord
from app.store.tables import executions, state_machines, task_tokens

#: The statuses whose counts the list of state machines shows.
COUNTED = (ExecutionStatus.RUNNING, ExecutionStatus.FAILED)


@dataclass(frozen=True)
class ExecutionFilter:
    """Which executions a listing shows: of one machine or all, by status, by a part of the name, by start."""

    state_machine_arn: str | None = None
    status: str | None = None
    name_contains: str | None = None
    started_after: float | None = None
    started_before: float | None = None


class OpenToken(NamedTuple):
    token: str
    task_id: int
    activity_arn: str | None
    status: str
    created_at: float


class ActivityQueue(NamedTuple):
    activity_arn: str
    scheduled: int
    started: int


def executions_page(
    conn: sa.Connection, where: ExecutionFilter, after: tuple[float, str] | None, limit: int
) -> list[ExecutionSummary]:
    """Executions newest first; ``after`` is the (start_date, arn) of the last row already seen."""
    query = sa.select(*columns(executions, ExecutionSummary))
    if where.state_machine_arn is not None:
        query = query.where(executions.c.state_machine_arn == where.state_machine_arn)
    if where.status is not None:
        query = query.where(executions.c.status == where.status)
    if where.name_contains:
        query = query.where(executions.c.name.ilike(_contains(where.name_contains), escape="\\"))
    if where.started_after is not None:
        query = query.where(executions.c.start_date >= where.started_after)
    if where.started_before is not None:
        query = query.where(executions.c.start_date < where.started_before)
    return newest_first(conn, query, after, limit)


def counts_by_status(conn: sa.Connection, machine_arns: Sequence[str]) -> dict[str, dict[str, int]]:
    """For each machine, how many of its executions are RUNNING and FAILED (absent when none)."""
    if not machine_arns:
        return {}
    query = (
        sa.select(executions.c.state_machine_arn, executions.c.status, sa.func.count())
        .where(executions.c.state_machine_arn.in_(list(machine_arns)), executions.c.status.in_(COUNTED))
        .group_by(executions.c.state_machine_arn, executions.c.status)
    )
    counts: dict[str, dict[str, int]] = {}
    for machine, status, count in conn.execute(query):
        counts.setdefault(machine, {})[status] = int(count)
    return counts


def open_tokens(conn: sa.Connection, execution_arn: str) -> list[OpenToken]:
    """The task tokens an execution waits on, oldest first."""
    query = (
        sa.select(*columns(task_tokens, OpenToken))
        .where(task_tokens.c.execution_arn == execution_arn, task_tokens.c.status.in_(OPEN_TOKEN_STATUSES))
        .order_by(task_tokens.c.created_at)
    )
    return [OpenToken._make(row) for row in conn.execute(query)]


def summaries(conn: sa.Connection, arns: Sequence[str]) -> list[ExecutionSummary]:
    """Executions by ARN, in the order given (those that no longer exist left out)."""
    if not arns:
        return []
    query = sa.select(*columns(executions, ExecutionSummary)).where(executions.c.arn.in_(list(arns)))
    found = {row.arn: ExecutionSummary._make(row) for row in conn.execute(query)}
    return [found[arn] for arn in arns if arn in found]


def activity_queues(conn: sa.Connection, activity_arns: Sequence[str]) -> dict[str, ActivityQueue]:
    """For each activity, its tasks no worker has taken yet and those a worker is working on."""
    if not activity_arns:
        return {}
    waiting = sa.func.sum(sa.case((task_tokens.c.status == TokenStatus.SCHEDULED, 1), else_=0))
    working = sa.func.sum(sa.case((task_tokens.c.status == TokenStatus.STARTED, 1), else_=0))
    query = (
        sa.select(task_tokens.c.activity_arn, waiting, working)
        .where(task_tokens.c.activity_arn.in_(list(activity_arns)), task_tokens.c.status.in_(OPEN_TOKEN_STATUSES))
        .group_by(task_tokens.c.activity_arn)
    )
    return {row[0]: ActivityQueue(row[0], int(row[1] or 0), int(row[2] or 0)) for row in conn.execute(query)}


def recent_workers(conn: sa.Connection, activity_arn: str, limit: int) -> list[tuple[str, float]]:
    """The workers that took this activity's latest tasks, newest first, each once, with when."""
    query = (
        sa.select(task_tokens.c.worker_name, sa.func.max(task_tokens.c.created_at).label("latest"))
        .where(task_tokens.c.activity_arn == activity_arn, task_tokens.c.worker_name.is_not(None))
        .group_by(task_tokens.c.worker_name)
        .order_by(sa.desc("latest"))
        .limit(limit)
    )
    return [(str(name), float(latest)) for name, latest in conn.execute(query)]


def machines_page(
    conn: sa.Connection, name_contains: str | None, after_arn: str | None, limit: int
) -> list[StateMachineRecord]:
    """Machines in ARN order after ``after_arn``, those whose name holds ``name_contains`` when given."""
    query = sa.select(*columns(state_machines, StateMachineRecord)).order_by(state_machines.c.arn).limit(limit)
    if name_contains:
        query = query.where(state_machines.c.name.ilike(_contains(name_contains), escape="\\"))
    if after_arn is not None:
        query = query.where(state_machines.c.arn > after_arn)
    return [StateMachineRecord._make(row) for row in conn.execute(query)]


def _contains(text: str) -> str:
    """A LIKE pattern for names holding ``text``, its wildcards taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
