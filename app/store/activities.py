"""Activities: named queues of tasks that outside workers poll for."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.store import compiled
from app.store.compiled import Record
from app.store.tables import activities, tags


def insert(conn: sa.Connection, arn: str, name: str, now: float) -> None:
    conn.execute(activities.insert().values(arn=arn, name=name, created_at=now))


_GET = compiled.Compiled(sa.select(activities).where(activities.c.arn == sa.bindparam("arn")))


def get(conn: sa.Connection, arn: str) -> Record | None:
    return _GET.first(conn, {"arn": arn})


def delete(conn: sa.Connection, arn: str) -> None:
    conn.execute(activities.delete().where(activities.c.arn == arn))
    conn.execute(tags.delete().where(tags.c.resource_arn == arn))


def page(conn: sa.Connection, after_arn: str | None, limit: int) -> list[sa.Row[Any]]:
    query = sa.select(activities).order_by(activities.c.arn).limit(limit)
    if after_arn is not None:
        query = query.where(activities.c.arn > after_arn)
    return list(conn.execute(query).all())
