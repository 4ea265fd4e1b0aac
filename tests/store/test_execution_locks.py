"""Taking an execution's row without waiting: what lets task news commit with its token safely."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.store import executions, migrate
from app.store.database import Database
from app.store.tables import executions as executions_table
from tests.support.databases import BACKENDS, drop_database, new_database

ARN = "arn:aws:states:us-east-1:123456789012:execution:m:e"


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    url = new_database(request.param, tmp_path)
    migrate.upgrade(url)
    database = Database(url)
    with database.write() as conn:
        conn.execute(
            executions_table.insert().values(
                arn=ARN,
                state_machine_arn="arn:aws:states:us-east-1:123456789012:stateMachine:m",
                revision_id="r",
                name="e",
                status="RUNNING",
                input="{}",
                start_date=1.0,
                snapshot="{}",
                next_event_id=2,
                version=1,
            )
        )
    yield database
    database.dispose()
    drop_database(request.param, url)


def test_a_free_execution_is_taken_and_a_missing_one_is_none(db: Database) -> None:
    with db.write() as conn:
        assert executions.lock_if_free(conn, ARN).version == 1
        assert executions.lock_if_free(conn, ARN + "-missing") is None


def test_an_execution_another_writer_holds_is_skipped_not_waited_for(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite has one writer at a time: no other transaction can hold the row")
    with db.engine.connect() as holder, holder.begin():
        holder.execute(sa.select(executions_table.c.arn).where(executions_table.c.arn == ARN).with_for_update())
        with db.write() as conn:
            assert executions.lock_if_free(conn, ARN) is None
    with db.write() as conn:
        assert executions.lock_if_free(conn, ARN) is not None
