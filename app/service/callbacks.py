"""Task callbacks: SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat.

A token completes at most once: the completing UPDATE only matches an open token, and the news
reaches the execution in the same transaction (as a work item when it cannot at once).
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from app import errors
from app.durable.news import Phase, TaskNews
from app.durable.statuses import OPEN_TOKEN_STATUSES, TokenStatus
from app.executions import deliveries
from app.executions.runtime import Runtime
from app.service.executions import parse_payload
from app.store import executions, task_tokens

# Tokens this server issues: URL-safe base64 of 48 random bytes.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{64}$")


def send_success(runtime: Runtime, token: str, output: str) -> dict[str, Any]:
    value = parse_payload(output, errors.InvalidOutput, "Invalid Output")
    _complete(runtime, token, TokenStatus.SUCCEEDED, Phase.SUCCEEDED, output=value)
    return {}


def send_failure(runtime: Runtime, token: str, error: str | None = None, cause: str | None = None) -> dict[str, Any]:
    _complete(runtime, token, TokenStatus.FAILED, Phase.FAILED, error=error, cause=cause)
    return {}


def send_heartbeat(runtime: Runtime, token: str) -> dict[str, Any]:
    _require_format(token)
    now = runtime.clock.now()

    def heartbeat(conn: sa.Connection) -> None:
        row = task_tokens.get(conn, token)
        _require_open(row, token)
        assert row is not None
        task_tokens.extend_heartbeat(conn, row, now)

    runtime.db.write_small(heartbeat)
    return {}


def _complete(
    runtime: Runtime,
    token: str,
    status: TokenStatus,
    phase: Phase,
    *,
    output: Any = None,
    error: str | None = None,
    cause: str | None = None,
) -> None:
    _require_format(token)
    now = runtime.clock.now()

    def complete(conn: sa.Connection) -> deliveries.Computed | None:
        # The execution first, as the scheduler locks it before it closes the tokens of a task that
        # timed out: an answer and a timeout at the same moment commit one after the other, and
        # the one that comes second sees the first (the answer then gets TaskTimedOut).
        row = task_tokens.get(conn, token)
        _require_open(row, token)
        assert row is not None
        executions.lock(conn, row.execution_arn)
        closed = task_tokens.complete(conn, token, status)
        if closed is None:
            _require_open(task_tokens.get(conn, token), token)
        assert closed is not None
        # The worker's name travels with the answer: the answer may reach the execution before
        # the news that the worker took the task, and ActivityStarted must still come first.
        news = TaskNews(closed.task_id, phase, output, error, cause, worker_name=closed.worker_name)
        return deliveries.deliver_news(runtime, conn, closed.execution_arn, news, now)

    deliveries.settle_news(runtime, runtime.db.write_small(complete))


def _require_format(token: str) -> None:
    if not _TOKEN.match(token):
        raise errors.InvalidToken("Invalid Token: 'Invalid token'")


def _require_open(row: Any, token: str) -> None:
    if row is None:
        raise errors.TaskDoesNotExist("Task Does Not Exist: 'Provided task does not exist anymore'")
    if row.status not in OPEN_TOKEN_STATUSES:
        raise errors.TaskTimedOut("Task Timed Out: 'Provided task does not exist anymore'")
