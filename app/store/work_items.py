"""The work queue: ready items and timers, claimed with leases so a crash never loses one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.codec import dumps, loads
from app.durable.work import DEADLINE_TIMER_ID, WorkKind
from app.store import compiled
from app.store.compiled import Query, columns
from app.store.records import ClaimedItem
from app.store.tables import work_items

_INSERT = compiled.Insert(work_items, ["execution_arn", "kind", "payload", "visible_at", "timer_id"])
_DELETE = compiled.Compiled(work_items.delete().where(work_items.c.id == sa.bindparam("item_id")))
# An ended execution's watches stay: their next look stops the job the execution no longer waits for.
_DELETE_FOR_EXECUTION = compiled.Compiled(
    work_items.delete().where(work_items.c.execution_arn == sa.bindparam("arn"), work_items.c.kind != WorkKind.WATCH)
)
_NEXT_DUE = compiled.Compiled(sa.select(sa.func.min(work_items.c.visible_at)))


# PostgreSQL: workers of other processes skip locked items instead of waiting (SQLite's compiler
# leaves FOR UPDATE out; it has one writer anyway).
_CLAIM = Query(
    work_items.update()
    .where(
        work_items.c.id.in_(
            sa.select(work_items.c.id)
            .where(work_items.c.visible_at <= sa.bindparam("now"))
            .order_by(work_items.c.visible_at)
            .limit(sa.bindparam("limit"))
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
    )
    .values(
        visible_at=sa.bindparam("lease_until"), lease_owner=sa.bindparam("owner"), attempts=work_items.c.attempts + 1
    )
    .returning(*columns(work_items, ClaimedItem)),
    ClaimedItem,
)


@dataclass(frozen=True)
class WorkItem:
    """A claimed unit of work: deliver ``payload`` (a trigger) to ``execution_arn``."""

    id: int
    execution_arn: str
    kind: WorkKind
    payload: dict[str, Any]
    attempts: int


def row(
    execution_arn: str, kind: WorkKind, payload: dict[str, Any], visible_at: float, timer_id: int | None = None
) -> dict[str, Any]:
    """The values of a new work item, ready for :func:`insert_rows`."""
    return {
        "execution_arn": execution_arn,
        "kind": kind,
        "payload": dumps(payload),
        "visible_at": visible_at,
        "timer_id": timer_id,
    }


def insert_rows(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    _INSERT.execute_many(conn, rows)


def enqueue(
    conn: sa.Connection,
    execution_arn: str,
    kind: WorkKind,
    payload: dict[str, Any],
    visible_at: float,
    *,
    timer_id: int | None = None,
) -> None:
    """Add an item that becomes claimable at ``visible_at``."""
    _INSERT.execute(conn, row(execution_arn, kind, payload, visible_at, timer_id))


def claim(conn: sa.Connection, owner: str, now: float, lease_seconds: float, limit: int) -> list[WorkItem]:
    """Take up to ``limit`` due items, hiding them from other workers until the lease ends."""
    params = {"now": now, "limit": limit, "lease_until": now + lease_seconds, "owner": owner}
    rows = _CLAIM.all(conn, params)
    return [WorkItem(row.id, row.execution_arn, WorkKind(row.kind), loads(row.payload), row.attempts) for row in rows]


def delete(conn: sa.Connection, item_id: int) -> None:
    _DELETE.execute(conn, {"item_id": item_id})


def delete_for_execution(conn: sa.Connection, execution_arn: str) -> None:
    """Drop the pending items of an execution that has ended (but its watches of ``.sync`` jobs)."""
    _DELETE_FOR_EXECUTION.execute(conn, {"arn": execution_arn})


def extend_lease(conn: sa.Connection, item_id: int, visible_at: float) -> None:
    """Keep a claimed item hidden while its work (an integration call) is still running."""
    conn.execute(work_items.update().where(work_items.c.id == item_id).values(visible_at=visible_at))


def become_timeout(conn: sa.Connection, item_id: int, due: float) -> None:
    """Turn an execution's deadline warning into the deadline itself (one row serves both)."""
    conn.execute(
        work_items.update()
        .where(work_items.c.id == item_id)
        .values(
            kind=WorkKind.TIMEOUT,
            visible_at=due,
            lease_owner=None,
            payload=dumps({"timer_id": DEADLINE_TIMER_ID, "due": due}),
        )
    )


def release_all_leases(conn: sa.Connection, now: float) -> int:
    """Make every claimed item claimable at once (the claiming process is known dead); how many."""
    leased = sa.and_(work_items.c.lease_owner.is_not(None), work_items.c.visible_at > now)
    result = conn.execute(work_items.update().where(leased).values(visible_at=now, lease_owner=None))
    return int(result.rowcount or 0)


def release(conn: sa.Connection, item_id: int, visible_at: float) -> None:
    """Give a claimed item back, to be claimed again at ``visible_at``."""
    conn.execute(work_items.update().where(work_items.c.id == item_id).values(visible_at=visible_at, lease_owner=None))


def due_now(conn: sa.Connection, now: float) -> tuple[int, float | None]:
    """How many items are claimable at ``now``, and since when the oldest of them has been."""
    query = sa.select(sa.func.count(), sa.func.min(work_items.c.visible_at)).where(work_items.c.visible_at <= now)
    count, oldest = conn.execute(query).one()
    return int(count), None if oldest is None else float(oldest)


def next_due(conn: sa.Connection) -> float | None:
    """When the earliest item becomes claimable, or None when the queue is empty."""
    value = _NEXT_DUE.scalar(conn)
    return None if value is None else float(value)
