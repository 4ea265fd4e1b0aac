"""Taking an execution's row without waiting: what lets task news commit with its token safely."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.store import executions
from app.store.database import Database
from app.store.tables import executions as executions_table

ARN = "arn:aws:states:us-east-1:123456789012:execution:m:e"


@pytest.fixture(autouse=True)
def one_running_execution(db: Database) -> None:
    with db.write() as conn:
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


def test_a_free_execution_is_taken_and_a_missing_one_is_none(db: Database) -> None:
    with db.write() as conn:
        locked = executions.lock_if_free(conn, ARN)
        assert locked is not None and locked.version == 1
        assert executions.lock_if_free(conn, ARN + "-missing") is None


def test_an_execution_another_writer_holds_is_skipped_not_waited_for(db: Database) -> None:
    if db.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: no other transaction can hold the row")
    with db.engine.connect() as holder, holder.begin():
        holder.execute(sa.select(executions_table.c.arn).where(executions_table.c.arn == ARN).with_for_update())
        with db.write() as conn:
            assert executions.lock_if_free(conn, ARN) is None
    with db.write() as conn:
        assert executions.lock_if_free(conn, ARN) is not None
