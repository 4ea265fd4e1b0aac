"""The records of whole rows name every column of their table, in the table's order."""

from __future__ import annotations

from typing import NamedTuple

import pytest
import sqlalchemy as sa

from app.store import records, tables

WHOLE_ROWS: list[tuple[type[NamedTuple], sa.Table]] = [
    (records.ExecutionRecord, tables.executions),
    (records.HistoryEventRecord, tables.history_events),
    (records.StateMachineRecord, tables.state_machines),
    (records.RevisionRecord, tables.state_machine_revisions),
    (records.ActivityRecord, tables.activities),
    (records.TaskTokenRecord, tables.task_tokens),
    (records.VersionRecord, tables.state_machine_versions),
    (records.AliasRecord, tables.state_machine_aliases),
    (records.ScheduleRecord, tables.schedules),
    (records.StackRecord, tables.stacks),
    (records.FunctionRecord, tables.functions),
]


@pytest.mark.parametrize(("record", "table"), WHOLE_ROWS, ids=[table.name for _, table in WHOLE_ROWS])
def test_a_whole_row_record_has_every_column(record: type[NamedTuple], table: sa.Table) -> None:
    assert record._fields == tuple(column.name for column in table.c)


def test_a_summary_is_an_execution_without_its_documents() -> None:
    documents = {"snapshot", "input", "output"}
    expected = tuple(name for name in records.ExecutionRecord._fields if name not in documents)
    assert records.ExecutionSummary._fields == expected
