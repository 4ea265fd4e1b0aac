"""Activities: named queues of tasks that outside workers poll for."""

from __future__ import annotations

import sqlalchemy as sa

from app.store import tags
from app.store.compiled import Query, arn_page, columns
from app.store.records import ActivityRecord
from app.store.tables import activities

_GET = Query(
    sa.select(*columns(activities, ActivityRecord)).where(activities.c.arn == sa.bindparam("arn")), ActivityRecord
)


def insert(conn: sa.Connection, arn: str, name: str, now: float, encryption_configuration: str | None) -> None:
    values = {"arn": arn, "name": name, "created_at": now, "encryption_configuration": encryption_configuration}
    conn.execute(activities.insert().values(values))


def get(conn: sa.Connection, arn: str) -> ActivityRecord | None:
    return _GET.first(conn, {"arn": arn})


def delete(conn: sa.Connection, arn: str) -> None:
    conn.execute(activities.delete().where(activities.c.arn == arn))
    tags.remove_all(conn, arn)


def page(conn: sa.Connection, after_arn: str | None, limit: int) -> list[ActivityRecord]:
    """Activities in ARN order, starting after ``after_arn``."""
    return arn_page(conn, activities, ActivityRecord, after_arn, limit)
