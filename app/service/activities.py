"""Activity use cases: create, describe, delete, list, and the workers' long poll."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from fastapi.concurrency import run_in_threadpool

from app import arns, errors
from app.durable.news import Phase, TaskNews
from app.executions import deliveries
from app.executions.runtime import Runtime
from app.service import encryption, pagination
from app.service.names import require_valid_name
from app.service.state_machines import tag_list_to_map
from app.store import activities, task_tokens
from app.store import tags as tag_store
from app.store.records import ActivityRecord, ClaimedTask

LONG_POLL_SECONDS = 60.0
# Other server processes (PostgreSQL) cannot wake this one; look again at least this often.
CROSS_PROCESS_POLL_SECONDS = 1.0


def create(
    runtime: Runtime,
    name: str,
    tags: list[dict[str, str]] | None = None,
    encryption_configuration: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """CreateActivity; creating an existing activity again returns it, as AWS does."""
    require_valid_name(name)
    encryption_text = encryption.stored(encryption_configuration)
    tag_map = tag_list_to_map(tags or [])
    settings = runtime.settings
    arn = arns.activity(settings.region, settings.account_id, name)
    now = runtime.clock.now()
    with runtime.db.write() as conn:
        existing = activities.get(conn, arn)
        if existing is not None:
            return {"activityArn": existing.arn, "creationDate": existing.created_at}
        activities.insert(conn, arn, name, now, encryption_text)
        tag_store.put(conn, arn, tag_map)
    return {"activityArn": arn, "creationDate": now}


def describe(runtime: Runtime, arn: str) -> dict[str, Any]:
    arns.require_activity(arn)
    with runtime.db.read() as conn:
        row = _require_activity(conn, arn)
    return {
        "activityArn": row.arn,
        "name": row.name,
        "creationDate": row.created_at,
        **encryption.echoed(row.encryption_configuration),
    }


def _require_activity(conn: sa.Connection, arn: str) -> ActivityRecord:
    row = activities.get(conn, arn)
    if row is None:
        raise errors.ActivityDoesNotExist(f"Activity Does Not Exist: '{arn}'")
    return row


def delete(runtime: Runtime, arn: str) -> dict[str, Any]:
    arns.require_activity(arn)
    with runtime.db.write() as conn:
        activities.delete(conn, arn)
    return {}


def list_page(runtime: Runtime, *, max_results: int | None = None, next_token: str | None = None) -> dict[str, Any]:
    after = pagination.decode("activities", next_token)
    limit = pagination.page_size(max_results)
    with runtime.db.read() as conn:
        rows = activities.page(conn, after, limit + 1)
    return pagination.page(
        "activities",
        rows,
        limit,
        lambda row: {"activityArn": row.arn, "name": row.name, "creationDate": row.created_at},
        "activities",
        lambda row: row.arn,
    )


async def get_task(
    runtime: Runtime,
    arn: str,
    worker_name: str | None = None,
    disconnected: Callable[[], Awaitable[bool]] | None = None,
) -> dict[str, Any]:
    """GetActivityTask: wait up to 60 s for a scheduled task; an empty answer when none came.

    A poll whose client has gone away stops before it takes a task nobody would receive.
    """
    arns.require_activity(arn)
    deadline = time.monotonic() + LONG_POLL_SECONDS
    while True:
        if disconnected is not None and await disconnected():
            return {}
        seen = runtime.activity_waiters.generation(arn)
        claimed = await run_in_threadpool(_claim, runtime, arn, worker_name)
        if claimed is not None:
            return claimed
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return {}
        await runtime.activity_waiters.wait(arn, min(remaining, CROSS_PROCESS_POLL_SECONDS), seen)


def _claim(runtime: Runtime, arn: str, worker_name: str | None) -> dict[str, Any] | None:
    """Take one task and tell its execution (ActivityStarted), in one transaction."""
    now = runtime.clock.now()

    def claim(conn: sa.Connection) -> tuple[ClaimedTask, deliveries.Computed | None] | None:
        row = task_tokens.claim_activity_task(conn, arn, worker_name)
        if row is None:
            _require_activity(conn, arn)  # checked here, not before: one transaction per poll
            return None
        news = TaskNews(row.task_id, Phase.STARTED, worker_name=worker_name)
        return row, deliveries.deliver_news(runtime, conn, row.execution_arn, news, now)

    claimed = runtime.db.write_small(claim)
    if claimed is None:
        return None
    row, delivered = claimed
    deliveries.settle_news(runtime, delivered)
    return {"taskToken": row.token, "input": row.input}
