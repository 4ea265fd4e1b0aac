"""Whether an execution still waits for one of its tasks: asked before each look at a ``.sync`` job, so that a
job nobody waits for any more (its execution ended, or its task timed out or was left by a Catch) is stopped."""

from __future__ import annotations

from app.durable import snapshot as snapshots
from app.durable.statuses import ExecutionStatus
from app.executions.deliveries import read_snapshot
from app.executions.runtime import Runtime
from app.store import executions


def awaits_task(runtime: Runtime, arn: str, task_id: int) -> bool:
    """True while execution ``arn`` runs and one of its frames waits for task ``task_id``."""
    with runtime.db.read() as conn:
        row = executions.get(conn, arn)
    if row is None or row.status != ExecutionStatus.RUNNING:
        return False
    root = snapshots.decode(read_snapshot(row.snapshot)).root
    return any(frame.task is not None and frame.task.id == task_id for frame in root.walk())
