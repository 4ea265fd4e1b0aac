"""A deleted work item's id is never handed out again, so a late delete by id cannot hit a newer item."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command

from app.durable.work import WorkKind
from app.store import migrate, work_items
from app.store.database import Database
from app.store.tables import work_items as work_items_table
from tests.support.databases import new_database


def enqueue(db: Database, arn: str) -> int:
    with db.write() as conn:
        work_items.enqueue(conn, arn, WorkKind.RUN, {}, 0.0)
        return int(conn.execute(sa.select(sa.func.max(work_items_table.c.id))).scalar_one())


def test_the_id_of_the_last_deleted_item_is_not_used_again(db: Database) -> None:
    first = enqueue(db, "arn:first")
    with db.write() as conn:
        work_items.delete(conn, first)
    second = enqueue(db, "arn:second")
    assert second > first
    with db.write() as conn:
        work_items.delete(conn, first)  # the late delete of the first item's holder
        assert [item.execution_arn for item in work_items.claim(conn, "worker", 1.0, 30.0, 10)] == ["arn:second"]


def test_the_sqlite_migration_keeps_the_queued_items_and_their_ids(tmp_path: Path) -> None:
    url = new_database("sqlite", tmp_path)
    config = migrate.alembic_config(url)
    command.upgrade(config, "0007")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            work_items_table.insert(),
            [{"id": 7, "execution_arn": "arn:kept", "kind": "run", "visible_at": 0.0, "payload": "{}"}],
        )
    command.upgrade(config, "head")
    with engine.begin() as conn:
        assert conn.execute(sa.select(work_items_table.c.id, work_items_table.c.execution_arn)).all() == [
            (7, "arn:kept")
        ]
        conn.execute(work_items_table.delete())
        conn.execute(
            work_items_table.insert(), [{"execution_arn": "arn:new", "kind": "run", "visible_at": 0.0, "payload": "{}"}]
        )
        assert conn.execute(sa.select(work_items_table.c.id)).scalar_one() == 8
    engine.dispose()
