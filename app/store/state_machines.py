"""State machines, their revisions and their tags."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.durable.statuses import ExecutionStatus
from app.store import compiled
from app.store.compiled import Record
from app.store.tables import executions, state_machine_revisions, state_machines, tags

_RUNNING_OF_MACHINE = sa.select(executions.c.arn).where(
    executions.c.state_machine_arn == sa.bindparam("arn"), executions.c.status == ExecutionStatus.RUNNING
)
_GET = compiled.Compiled(sa.select(state_machines).where(state_machines.c.arn == sa.bindparam("arn")))
_GET_REVISION = compiled.Compiled(
    sa.select(state_machine_revisions).where(state_machine_revisions.c.revision_id == sa.bindparam("revision_id"))
)
_DELETE_IF_DRAINED = state_machines.delete().where(
    state_machines.c.arn == sa.bindparam("arn"),
    state_machines.c.status == "DELETING",
    ~_RUNNING_OF_MACHINE.exists(),
)


def insert(conn: sa.Connection, values: dict[str, Any]) -> None:
    conn.execute(state_machines.insert().values(**values))


def get(conn: sa.Connection, arn: str) -> Record | None:
    return _GET.first(conn, {"arn": arn})


def update(conn: sa.Connection, arn: str, values: dict[str, Any]) -> None:
    conn.execute(state_machines.update().where(state_machines.c.arn == arn).values(**values))


def delete(conn: sa.Connection, arn: str) -> None:
    conn.execute(state_machines.delete().where(state_machines.c.arn == arn))
    conn.execute(tags.delete().where(tags.c.resource_arn == arn))


def delete_if_drained(conn: sa.Connection, arn: str) -> None:
    """Remove a machine marked DELETING once no execution of it runs any more (one statement)."""
    if conn.execute(_DELETE_IF_DRAINED, {"arn": arn}).rowcount:
        conn.execute(tags.delete().where(tags.c.resource_arn == arn))


def page(conn: sa.Connection, after_arn: str | None, limit: int) -> list[sa.Row[Any]]:
    """Machines in ARN order, starting after ``after_arn``."""
    query = sa.select(state_machines).order_by(state_machines.c.arn).limit(limit)
    if after_arn is not None:
        query = query.where(state_machines.c.arn > after_arn)
    return list(conn.execute(query).all())


def insert_revision(conn: sa.Connection, values: dict[str, Any]) -> None:
    conn.execute(state_machine_revisions.insert().values(**values))


def get_revision(conn: sa.Connection, revision_id: str) -> Record | None:
    return _GET_REVISION.first(conn, {"revision_id": revision_id})


def get_tags(conn: sa.Connection, resource_arn: str) -> dict[str, str]:
    rows = conn.execute(sa.select(tags.c.key, tags.c.value).where(tags.c.resource_arn == resource_arn))
    return {row.key: row.value for row in rows}


def put_tags(conn: sa.Connection, resource_arn: str, new_tags: dict[str, str]) -> None:
    """Add or overwrite tags on a resource."""
    if not new_tags:
        return
    conn.execute(tags.delete().where(tags.c.resource_arn == resource_arn, tags.c.key.in_(list(new_tags))))
    conn.execute(
        tags.insert(),
        [{"resource_arn": resource_arn, "key": key, "value": value} for key, value in new_tags.items()],
    )


def remove_tags(conn: sa.Connection, resource_arn: str, keys: list[str]) -> None:
    conn.execute(tags.delete().where(tags.c.resource_arn == resource_arn, tags.c.key.in_(keys)))
