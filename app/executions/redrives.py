"""A redrive committed: the execution's rewound snapshot, ``ExecutionRedriven`` and its new work, in one write.

Like every delivery, the write is fenced by the execution's version: a redrive that lost the race
to another writer (a second redrive, a late news item) commits nothing and reports it.
"""

from __future__ import annotations

from dataclasses import replace

from app.durable import snapshot as snapshots
from app.engine.redrive import redrive as rewound
from app.executions.deliveries import MAX_RACE_RETRIES, announce, execution_info, read_snapshot
from app.executions.rows import transition_rows
from app.executions.runtime import Runtime
from app.store import executions
from app.store.records import ExecutionRecord

__all__ = ["MAX_RACE_RETRIES", "redrive"]


def redrive(runtime: Runtime, row: ExecutionRecord, now: float, tokens: str | None) -> bool:
    """Redrive the ended execution ``row`` as it was read; False when it changed since."""
    with runtime.db.read() as conn:
        revision = runtime.revision(conn, row.revision_id)
    count = row.redrive_count + 1
    info = replace(execution_info(row, revision.role_arn), redrive_count=count, redrive_time=now)
    snapshot = snapshots.decode(read_snapshot(row.snapshot))
    transition = rewound(revision.model, snapshot, now, info, runtime.engine_options)
    rows = transition_rows(row.arn, transition, now)
    with runtime.db.write() as conn:
        if not executions.reopen(conn, rows, row.version, count, now, tokens):
            return False
    runtime.log_events(row.state_machine_arn, row.arn, transition.events)
    announce(runtime, [transition])
    return True
