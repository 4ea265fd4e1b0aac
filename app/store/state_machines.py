"""State machines and their revisions."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.durable.statuses import ExecutionStatus, StateMachineStatus
from app.store import tags, versions
from app.store.compiled import Query, arn_page, columns
from app.store.records import RevisionRecord, StateMachineRecord
from app.store.tables import executions, state_machine_revisions, state_machines

_RUNNING_OF_MACHINE = sa.select(executions.c.arn).where(
    executions.c.state_machine_arn == sa.bindparam("arn"), executions.c.status == ExecutionStatus.RUNNING
)
_GET = Query(
    sa.select(*columns(state_machines, StateMachineRecord)).where(state_machines.c.arn == sa.bindparam("arn")),
    StateMachineRecord,
)
_GET_REVISION = Query(
    sa.select(*columns(state_machine_revisions, RevisionRecord)).where(
        state_machine_revisions.c.revision_id == sa.bindparam("revision_id")
    ),
    RevisionRecord,
)
_DELETE_IF_DRAINED = state_machines.delete().where(
    state_machines.c.arn == sa.bindparam("arn"),
    state_machines.c.status == StateMachineStatus.DELETING,
    ~_RUNNING_OF_MACHINE.exists(),
)


def insert(conn: sa.Connection, values: dict[str, Any]) -> None:
    conn.execute(state_machines.insert().values(**values))


def get(conn: sa.Connection, arn: str) -> StateMachineRecord | None:
    return _GET.first(conn, {"arn": arn})


def status_locked(conn: sa.Connection, arn: str, *, exclusive: bool = False) -> str | None:
    """The machine's status (None when it does not exist), its row locked until the transaction ends.

    A start holds it shared while it inserts its execution, a delete exclusively while it looks for
    running executions (PostgreSQL; SQLite has one writer at a time): a start and a delete of one
    machine never interleave, so no execution can begin on a machine already deleted.
    """
    query = sa.select(state_machines.c.status).where(state_machines.c.arn == arn)
    status = conn.execute(query.with_for_update(read=not exclusive)).scalar()
    return None if status is None else str(status)


def update(conn: sa.Connection, arn: str, values: dict[str, Any]) -> None:
    conn.execute(state_machines.update().where(state_machines.c.arn == arn).values(**values))


def delete(conn: sa.Connection, arn: str) -> None:
    conn.execute(state_machines.delete().where(state_machines.c.arn == arn))
    _forget(conn, arn)


def delete_if_drained(conn: sa.Connection, arn: str) -> None:
    """Remove a machine marked DELETING once no execution of it runs any more (one statement)."""
    if conn.execute(_DELETE_IF_DRAINED, {"arn": arn}).rowcount:
        _forget(conn, arn)


def _forget(conn: sa.Connection, arn: str) -> None:
    """What belongs to a deleted machine goes with it: its tags, versions and aliases."""
    tags.remove_all(conn, arn)
    versions.delete_all(conn, arn)


def page(conn: sa.Connection, after_arn: str | None, limit: int) -> list[StateMachineRecord]:
    """Machines in ARN order, starting after ``after_arn``."""
    return arn_page(conn, state_machines, StateMachineRecord, after_arn, limit)


def insert_revision(conn: sa.Connection, values: dict[str, Any]) -> None:
    conn.execute(state_machine_revisions.insert().values(**values))


def first_revision_id(conn: sa.Connection, machine: StateMachineRecord) -> str | None:
    """The revision a machine was created with (a machine of the same name deleted before had others)."""
    query = (
        sa.select(state_machine_revisions.c.revision_id)
        .where(
            state_machine_revisions.c.state_machine_arn == machine.arn,
            state_machine_revisions.c.created_at >= machine.created_at,
        )
        .order_by(state_machine_revisions.c.created_at)
        .limit(1)
    )
    return conn.execute(query).scalar_one_or_none()


def get_revision(conn: sa.Connection, revision_id: str) -> RevisionRecord | None:
    return _GET_REVISION.first(conn, {"revision_id": revision_id})
