"""Fire due schedules: each occurrence starts one execution, whatever the number of processes.

One occurrence goes through three steps. (1) A process claims it: a compare-and-set on the row's
``next_fire_at`` that also takes a lease, so one claimer wins. (2) It starts the execution under a name
made of the schedule's and the occurrence's (``<schedule>-<UTC minute>``), so a second start of the same
occurrence, by a process that took over an expired lease after a crash, finds the first and starts
nothing. (3) It moves the row to the next due time. An occurrence is never fired before its due time.

After downtime, a schedule that missed occurrences fires once, for the earliest one missed, and then
goes on from the next due time after now: no burst of catch-up executions (EventBridge Scheduler's
behaviour for a target that was unavailable). A start the target refuses (a deleted state machine, the
open-execution cap) is recorded as the schedule's ``LastError`` and the schedule moves on; a failure of
the database leaves the claim to expire, and the occurrence is tried again.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from app import errors, metrics, recurrence
from app.executions.runtime import Runtime
from app.service import executions
from app.service.schedules import next_due
from app.store import schedules
from app.store.records import ScheduleRecord

log = logging.getLogger(__name__)

BATCH = 32
LEASE_SECONDS = 60.0


@dataclass
class ScheduleFirer:
    """Fires the schedules due at the runtime's clock; one per process, called by the scheduler's thread."""

    runtime: Runtime
    owner: str = field(default_factory=lambda: f"schedules-{uuid.uuid4().hex[:12]}")

    def fire_due(self) -> int:
        """Fire every occurrence due now; the number of executions started."""
        started = 0
        while True:
            now = self.runtime.clock.now()
            with self.runtime.db.read() as conn:
                due = schedules.due(conn, now, BATCH)
            claimed = [row for row in due if self._claim(row, now)]
            started += sum(self._fire(row) for row in claimed)
            if len(due) < BATCH:
                return started

    def seconds_to_next(self, longest: float) -> float:
        """How long the thread may sleep before a schedule falls due, at most ``longest``."""
        with self.runtime.db.read() as conn:
            due = schedules.next_due(conn)
        if due is None:
            return longest
        return min(longest, max(due - self.runtime.clock.now(), 0.0))

    def _claim(self, row: ScheduleRecord, now: float) -> bool:
        assert row.next_fire_at is not None
        with self.runtime.db.write() as conn:
            return schedules.claim(conn, row.name, row.next_fire_at, self.owner, now, now + LEASE_SECONDS)

    def _fire(self, row: ScheduleRecord) -> bool:
        """Start the occurrence's execution and move the schedule on; True when an execution was started."""
        due_at = row.next_fire_at
        assert due_at is not None
        arn: str | None = None
        error: str | None = None
        metrics.SCHEDULE_LATENESS_SECONDS.observe(max(self.runtime.clock.now() - due_at, 0.0))
        outcome = "started"
        try:
            arn = executions.start(
                self.runtime,
                row.target_arn,
                name=execution_name(row.name, due_at),
                input=row.input if row.input is not None else "{}",
                started_by=row.arn,
            )["executionArn"]
        except errors.ExecutionAlreadyExists:
            outcome = "already_started"
            log.info("schedule %s: the occurrence due %s was started before", row.name, recurrence.iso(due_at))
        except errors.ServiceError as exc:
            error = f"{exc.code}: {exc.message}"
            outcome = "refused"
            log.warning("schedule %s could not start %s: %s", row.name, row.target_arn, error)
        metrics.SCHEDULE_FIRINGS.labels(outcome).inc()
        now = self.runtime.clock.now()
        with self.runtime.db.write() as conn:
            # Missed occurrences are not made up: the next one is the first after now.
            moved = schedules.fired(conn, row.name, self.owner, due_at, next_due(row, max(now, due_at)), arn, error)
        if not moved:
            log.info("schedule %s changed while its occurrence fired; it goes on as changed", row.name)
        return arn is not None


def execution_name(schedule_name: str, due_at: float) -> str:
    """``<schedule>-<UTC minute of the occurrence>``: the same for every process firing that occurrence
    (at most 64 + 1 + 14 characters, within the 80 of an execution's name)."""
    return f"{schedule_name}-{recurrence.execution_suffix(due_at)}"
