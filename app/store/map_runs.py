"""The children of Map Runs: a row per child, written when the run begins, marked when the child ends.

The parent's snapshot keeps only a run's counts and cursor; the inputs its children start with, and their
ends, are here. A child's end is marked in the transaction that queues its news for the parent, once: the
mark is what makes a second report of the same end (a child started again after a crash) count for nothing.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import sqlalchemy as sa

from app.durable.statuses import ExecutionStatus
from app.store import compiled
from app.store.tables import map_run_children

_INSERT = compiled.Insert(map_run_children, ["map_run_arn", "position", "execution_arn", "input", "items"])
_MARK_END = compiled.Compiled(
    map_run_children.update()
    .where(
        map_run_children.c.map_run_arn == sa.bindparam("arn"),
        map_run_children.c.position == sa.bindparam("at"),
        map_run_children.c.status.is_(None),
    )
    .values(status=sa.bindparam("status"), result=sa.bindparam("result"))
    .returning(map_run_children.c["items"])
)


class MapChild(NamedTuple):
    """A child of a Map Run as its row holds it (``status`` None: not ended, or never started; ``kept``: it
    succeeded before the run's last redrive)."""

    position: int
    input: str
    items: int
    status: str | None
    result: str | None
    kept: bool


def insert(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """A run's children (``map_run_arn``, ``position``, ``execution_arn`` of the parent, ``input``, ``items``)."""
    _INSERT.execute_many(conn, rows)


def page(conn: sa.Connection, map_run_arn: str, first: int, end: int) -> list[MapChild]:
    """The children at positions ``first`` up to (not including) ``end``, in order."""
    return [MapChild._make(row) for row in _in_range(conn, MapChild._fields, map_run_arn, first, end)]


def _in_range(conn: sa.Connection, names: tuple[str, ...], map_run_arn: str, first: int, end: int) -> Any:
    """These columns of the children at positions ``first`` up to ``end``, in order."""
    query = (
        sa.select(*[map_run_children.c[name] for name in names])
        .where(
            map_run_children.c.map_run_arn == map_run_arn,
            map_run_children.c.position >= first,
            map_run_children.c.position < end,
        )
        .order_by(map_run_children.c.position)
    )
    return conn.execute(query)


def items_started(conn: sa.Connection, map_run_arn: str, end: int) -> int:
    """How many items the children a run asked to start (those before position ``end``) or kept run."""
    started = sa.or_(map_run_children.c.position < end, map_run_children.c.kept)
    query = sa.select(sa.func.coalesce(sa.func.sum(map_run_children.c["items"]), 0)).where(
        map_run_children.c.map_run_arn == map_run_arn, started
    )
    return int(conn.execute(query).scalar_one())


class ChildEnd(NamedTuple):
    """How a child of a Map Run ended (``status`` None: not yet), without the input it started with."""

    position: int
    status: str | None
    result: str | None


def ends(conn: sa.Connection, map_run_arn: str, first: int, end: int) -> list[ChildEnd]:
    """The ends of the children at positions ``first`` up to (not including) ``end``, in order."""
    return [ChildEnd._make(row) for row in _in_range(conn, ChildEnd._fields, map_run_arn, first, end)]


def mark_end(conn: sa.Connection, map_run_arn: str, position: int, status: str, result: str) -> int | None:
    """Mark a child's end; the items it stands for, or None when its end was marked before."""
    params = {"arn": map_run_arn, "at": position, "status": status, "result": result}
    found = _MARK_END.execute(conn, params).fetchone()
    return None if found is None else int(found[0])


def reopen(conn: sa.Connection, map_run_arn: str, first: int = 0, end: int | None = None) -> None:
    """A redrive of the run (of its children from ``first`` up to ``end``): those that succeeded are kept, the
    others (ended otherwise, or not ended) unmarked, to run again. One statement, however large the run."""
    succeeded = sa.and_(map_run_children.c.status.is_not(None), map_run_children.c.status == ExecutionStatus.SUCCEEDED)
    where = [map_run_children.c.map_run_arn == map_run_arn, map_run_children.c.position >= first]
    if end is not None:
        where.append(map_run_children.c.position < end)
    conn.execute(
        map_run_children.update()
        .where(*where)
        .values(
            kept=succeeded,
            status=sa.case((succeeded, map_run_children.c.status), else_=None),
            result=sa.case((succeeded, map_run_children.c.result), else_=None),
        )
    )


def delete_run(conn: sa.Connection, map_run_arn: str) -> None:
    """Every child row of a run (its ItemReader writes them again from the start)."""
    conn.execute(sa.delete(map_run_children).where(map_run_children.c.map_run_arn == map_run_arn))


def delete_for_executions(conn: sa.Connection, execution_arns: list[str]) -> None:
    """The children rows of the Map Runs these (deleted) executions started."""
    conn.execute(sa.delete(map_run_children).where(map_run_children.c.execution_arn.in_(execution_arns)))
