"""Schedules: rows that fall due, claimed under a lease so one process fires each occurrence."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.store.compiled import columns
from app.store.records import ScheduleRecord
from app.store.tables import schedules

ENABLED = "ENABLED"
_ROW = sa.select(*columns(schedules, ScheduleRecord))


def insert(conn: sa.Connection, values: dict[str, Any]) -> None:
    conn.execute(schedules.insert().values(values))


def update(conn: sa.Connection, name: str, values: dict[str, Any]) -> None:
    """Replace a schedule's definition; a lease held on it ends (the claim's compare-and-set then fails)."""
    conn.execute(
        schedules.update().where(schedules.c.name == name).values(**values, lease_owner=None, lease_until=None)
    )


def get(conn: sa.Connection, name: str) -> ScheduleRecord | None:
    row = conn.execute(_ROW.where(schedules.c.name == name)).first()
    return None if row is None else ScheduleRecord._make(row)


def delete(conn: sa.Connection, name: str) -> bool:
    return bool(conn.execute(schedules.delete().where(schedules.c.name == name)).rowcount)


def page(conn: sa.Connection, after_name: str | None, limit: int, prefix: str | None = None) -> list[ScheduleRecord]:
    """Schedules in name order after ``after_name``, those whose name starts with ``prefix`` only if given."""
    query = _ROW.order_by(schedules.c.name).limit(limit)
    if after_name is not None:
        query = query.where(schedules.c.name > after_name)
    if prefix:
        query = query.where(schedules.c.name.startswith(prefix, autoescape=True))
    return [ScheduleRecord._make(row) for row in conn.execute(query)]


def of_stack(conn: sa.Connection, stack_name: str) -> list[ScheduleRecord]:
    query = _ROW.where(schedules.c.stack_name == stack_name).order_by(schedules.c.name)
    return [ScheduleRecord._make(row) for row in conn.execute(query)]


def due(conn: sa.Connection, now: float, limit: int) -> list[ScheduleRecord]:
    """Enabled schedules due at ``now`` that no live lease holds, the most overdue first."""
    free = sa.or_(schedules.c.lease_until.is_(None), schedules.c.lease_until <= now)
    query = _ROW.where(schedules.c.state == ENABLED, schedules.c.next_fire_at <= now, free)
    rows = conn.execute(query.order_by(schedules.c.next_fire_at).limit(limit))
    return [ScheduleRecord._make(row) for row in rows]


def claim(conn: sa.Connection, name: str, due_at: float, owner: str, now: float, lease_until: float) -> bool:
    """Take the occurrence ``due_at`` for ``owner``: True for exactly one claimer while the lease lasts."""
    free = sa.or_(schedules.c.lease_until.is_(None), schedules.c.lease_until <= now)
    statement = (
        schedules.update()
        .where(schedules.c.name == name, schedules.c.next_fire_at == due_at, schedules.c.state == ENABLED, free)
        .values(lease_owner=owner, lease_until=lease_until)
    )
    return bool(conn.execute(statement).rowcount)


def fired(
    conn: sa.Connection,
    name: str,
    owner: str,
    due_at: float,
    next_fire_at: float | None,
    execution_arn: str | None,
    error: str | None,
) -> bool:
    """Move a claimed schedule to its next occurrence; False when the claim was lost (changed or taken over)."""
    statement = (
        schedules.update()
        .where(schedules.c.name == name, schedules.c.lease_owner == owner, schedules.c.next_fire_at == due_at)
        .values(
            next_fire_at=next_fire_at,
            lease_owner=None,
            lease_until=None,
            last_fired_at=due_at,
            last_execution_arn=execution_arn,
            last_error=error,
        )
    )
    return bool(conn.execute(statement).rowcount)


def next_due(conn: sa.Connection) -> float | None:
    """The earliest due time of an enabled schedule, for the firing thread's sleep."""
    query = sa.select(sa.func.min(schedules.c.next_fire_at)).where(schedules.c.state == ENABLED)
    value = conn.execute(query).scalar()
    return None if value is None else float(value)
