"""Compiled statements run on the driver connection behave as Core's ``Connection.execute`` would."""

from __future__ import annotations

from typing import NamedTuple

import pytest
import sqlalchemy as sa

from app.store import compiled
from app.store.database import Database
from app.store.records import ActivityRecord
from app.store.tables import activities, work_items


class _Name(NamedTuple):
    name: str


class _Claimed(NamedTuple):
    execution_arn: str
    kind: str


class _Stored(NamedTuple):
    payload: str
    visible_at: float
    timer_id: int | None


_GET = compiled.Query(
    sa.select(*compiled.columns(activities, ActivityRecord)).where(activities.c.arn == sa.bindparam("arn")),
    ActivityRecord,
)
_INSERT = compiled.Insert(activities, ["arn", "name", "created_at"])
# A literal in the statement ("b%") travels as a bound default the caller does not pass.
_NAMED_LIKE = compiled.Query(
    sa.select(activities.c.name).where(activities.c.name.like("b%")).order_by(activities.c.name), _Name
)
_RENAME = compiled.Compiled(
    activities.update().where(activities.c.arn == sa.bindparam("arn")).values(name=sa.bindparam("new_name"))
)
_COUNT = compiled.Compiled(sa.select(sa.func.count()).select_from(activities))


def _insert(db: Database, *names: str) -> None:
    with db.write() as conn:
        _INSERT.execute_many(conn, [{"arn": f"arn:{name}", "name": name, "created_at": 1.5} for name in names])


def test_rows_come_back_as_their_records(db: Database) -> None:
    _insert(db, "alpha", "beta", "bravo")
    with db.read() as conn:
        row = _GET.first(conn, {"arn": "arn:alpha"})
        missing = _GET.first(conn, {"arn": "arn:nope"})
        named = _NAMED_LIKE.all(conn)
        count = _COUNT.scalar(conn)
    assert row == ActivityRecord("arn:alpha", "alpha", 1.5, None)
    assert missing is None
    assert [item.name for item in named] == ["beta", "bravo"]
    assert count == 3


def test_rowcount_and_the_transaction_they_run_in(db: Database) -> None:
    _insert(db, "alpha")
    with pytest.raises(RuntimeError), db.write() as conn:
        assert _RENAME.rowcount(conn, {"arn": "arn:alpha", "new_name": "renamed"}) == 1
        raise RuntimeError("roll back")
    with db.read() as conn:
        unchanged = _GET.first(conn, {"arn": "arn:alpha"})
        assert unchanged is not None and unchanged.name == "alpha"
        assert _RENAME.rowcount(conn, {"arn": "arn:none", "new_name": "x"}) == 0


def test_driver_errors_become_sqlalchemy_errors(db: Database) -> None:
    _insert(db, "alpha")
    with pytest.raises(sa.exc.IntegrityError), db.write() as conn:
        _INSERT.execute(conn, {"arn": "arn:alpha", "name": "again", "created_at": 2.0})
    with pytest.raises(sa.exc.IntegrityError):
        _insert(db, "beta", "beta")
    with db.read() as conn:
        assert _COUNT.scalar(conn) == 1


def test_a_failed_write_in_a_group_commit_undoes_only_itself(db: Database) -> None:
    _insert(db, "alpha")
    with pytest.raises(sa.exc.IntegrityError):
        db.write_small(lambda conn: _INSERT.execute(conn, {"arn": "arn:alpha", "name": "x", "created_at": 0.0}))
    db.write_small(lambda conn: _INSERT.execute(conn, {"arn": "arn:beta", "name": "beta", "created_at": 0.0}))
    with db.read() as conn:
        assert _COUNT.scalar(conn) == 2


def test_returning_rows_of_an_update(db: Database) -> None:
    claim = compiled.Query(
        work_items.update()
        .where(work_items.c.visible_at <= sa.bindparam("now"))
        .values(lease_owner=sa.bindparam("owner"))
        .returning(work_items.c.execution_arn, work_items.c.kind),
        _Claimed,
    )
    rows = [
        {"execution_arn": f"arn:e{i}", "kind": "run", "payload": "{}", "visible_at": float(i), "timer_id": None}
        for i in range(3)
    ]
    with db.write() as conn:
        compiled.Insert(work_items, list(rows[0])).execute_many(conn, rows)
        claimed = claim.all(conn, {"now": 1.0, "owner": "me"})
    assert sorted((row.execution_arn, row.kind) for row in claimed) == [("arn:e0", "run"), ("arn:e1", "run")]


def test_many_rows_at_once_keep_every_value(db: Database) -> None:
    """On PostgreSQL many rows go through COPY: text with tabs, newlines, backslashes and NULLs survives."""
    rows = [
        {"execution_arn": "arn:e", "kind": "task", "payload": text, "visible_at": 0.5 + i, "timer_id": timer}
        for i, (text, timer) in enumerate([('{"a":"x\\ty\\nz\\\\"}', None), ("\\N", 7), ("", None), ("ü €", 2**31 - 1)])
    ]
    with db.write() as conn:
        compiled.Insert(work_items, list(rows[0])).execute_many(conn, rows)
    select = compiled.Query(
        sa.select(*compiled.columns(work_items, _Stored)).order_by(work_items.c.visible_at), _Stored
    )
    with db.read() as conn:
        stored = select.all(conn)
    assert [(r.payload, r.visible_at, r.timer_id) for r in stored] == [
        (row["payload"], row["visible_at"], row["timer_id"]) for row in rows
    ]


def test_a_record_that_does_not_name_the_columns_is_refused(db: Database) -> None:
    """A record whose fields are not the statement's columns, in order, fails on its first run."""
    _insert(db, "alpha")
    swapped = compiled.Query(sa.select(activities.c.name, activities.c.arn), ActivityRecord)
    with db.read() as conn, pytest.raises(AssertionError, match="ActivityRecord"):
        swapped.all(conn)
