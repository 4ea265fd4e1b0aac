"""Worker threads that claim due work items and deliver them as triggers."""

from __future__ import annotations

import logging
import threading
import uuid

from app import metrics
from app.crashpoints import crash_point
from app.durable.news import MAX_CAUSE
from app.durable.statuses import ExecutionStatus
from app.durable.work import MAX_ATTEMPTS, RETRY_DELAY, WorkKind
from app.executions.deliveries import Delivery, deliver_batch
from app.executions.runtime import Runtime
from app.executions.triggers import new_trigger, trigger_for
from app.failure_log import RepeatingFailure
from app.scheduler.tasks import TaskRunner
from app.store import executions, work_items

log = logging.getLogger(__name__)

CLAIM_BATCH = 64
# Retention: closed executions deleted per transaction, and how often an idle scheduler looks.
RETENTION_BATCH = 200
RETENTION_EVERY_SECONDS = 60.0


class Scheduler:
    """Runs executions in the background: claim, advance, commit; sleep until the next due item."""

    def __init__(self, runtime: Runtime, tasks: TaskRunner, threads: int | None = None) -> None:
        self.runtime = runtime
        self.tasks = tasks
        self.owner = f"worker-{uuid.uuid4().hex[:12]}"
        self._thread_count = threads or runtime.settings.workers
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._next_sweep = 0.0
        self._sweep_lock = threading.Lock()
        self._failures = RepeatingFailure(log, "the scheduler")

    def start(self) -> None:
        reconcile(self.runtime)
        for index in range(self._thread_count):
            thread = threading.Thread(target=self._work, name=f"sfn-scheduler-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stopping.set()
        self.runtime.wakeup.notify()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()
        self.tasks.stop()

    def _work(self) -> None:
        while not self._stopping.is_set():
            seen = self.runtime.wakeup.generation
            began = self._failures.now()
            try:
                items = self._claim()
                self._failures.succeeded(began)
                if items:
                    crash_point("after_claim")
                    self._process(items)
                elif not self.sweep():
                    self.runtime.wakeup.wait(seen, self._sleep_seconds())
            except Exception as exc:  # the loop must survive a database hiccup, and say so once
                self._failures.failed(exc)
                self._stopping.wait(1.0)

    def sweep(self) -> bool:
        """When idle and due, delete one batch of executions closed longer ago than the retention;
        True when a full batch went (more may be waiting), so the thread looks again at once."""
        now = self.runtime.clock.now()
        with self._sweep_lock:
            if now < self._next_sweep:
                return False
            self._next_sweep = now + RETENTION_EVERY_SECONDS
        before = now - self.runtime.settings.retention_days * 86_400
        with self.runtime.db.write() as conn:
            deleted = executions.delete_closed_before(conn, before, RETENTION_BATCH)
        if deleted:
            log.info(
                "deleted %d executions closed more than %g days ago", deleted, self.runtime.settings.retention_days
            )
        if deleted < RETENTION_BATCH:
            return False
        with self._sweep_lock:
            self._next_sweep = now  # a full batch: the next idle moment takes the next one
        return True

    def _claim(self) -> list[work_items.WorkItem]:
        settings = self.runtime.settings
        with self.runtime.db.write() as conn:
            return work_items.claim(conn, self.owner, self.runtime.clock.now(), settings.lease_seconds, CLAIM_BATCH)

    def _sleep_seconds(self) -> float:
        with self.runtime.db.read() as conn:
            due = work_items.next_due(conn)
        poll = self.runtime.settings.poll_seconds
        if due is None:
            return poll
        return min(poll, max(due - self.runtime.clock.now(), 0.0))

    def _process(self, items: list[work_items.WorkItem]) -> None:
        """Hand integration calls to the task runner; deliver everything else as one batch."""
        deliveries: dict[str, Delivery] = {}
        now = self.runtime.clock.now()
        for item in items:
            if "due" in item.payload:  # a timer: how late it is, for the lateness metric
                metrics.TIMER_LATENESS_SECONDS.observe(max(now - float(item.payload["due"]), 0.0))
            if item.kind in (WorkKind.INVOKE, WorkKind.WATCH):
                self.tasks.submit(item)
                continue
            if item.kind == WorkKind.WARN:
                self._warn_duration(item)
                continue
            delivery = deliveries.setdefault(item.execution_arn, Delivery(item.execution_arn, []))
            delivery.triggers.append(trigger_for(item.kind, item.payload))
            delivery.item_ids.append(item.id)
        if not deliveries:
            return
        # Executions that just used a whole step (a RUN trigger) go after those a timer or a task
        # woke: a busy loop never makes a waiting execution late.
        ordered = sorted(deliveries.values(), key=lambda delivery: delivery.triggers[0].kind == WorkKind.RUN)
        try:
            outcome = deliver_batch(self.runtime, ordered)
        except Exception:
            log.exception("a batch of %d executions failed; retrying them one by one", len(deliveries))
            exhausted = {item.execution_arn for item in items if item.attempts >= MAX_ATTEMPTS}
            for delivery in deliveries.values():
                self._deliver_alone(delivery, give_up=delivery.arn in exhausted)
            return
        self._release([item_id for delivery in outcome.lost for item_id in delivery.item_ids], 0.0)

    def _warn_duration(self, item: work_items.WorkItem) -> None:
        """The execution has used the warning share of its time limit: say so, then wait for the limit."""
        with self.runtime.db.write() as conn:
            running = executions.get(conn, item.execution_arn)
            work_items.become_timeout(conn, item.id, float(item.payload["timeout_at"]))
        if running is not None and running.status == ExecutionStatus.RUNNING:
            log.warning(
                "execution %s has used %d%% of its time limit; it times out at the limit",
                item.execution_arn,
                int(self.runtime.settings.limit_warning_share * 100),
            )

    def _deliver_alone(self, delivery: Delivery, *, give_up: bool = False) -> None:
        """Isolate a failing execution so it cannot hold back the others of its batch.

        Its work is retried a few times (a database hiccup passes); after :data:`MAX_ATTEMPTS` the
        execution fails with ``States.Runtime`` rather than retrying for ever.
        """
        try:
            outcome = deliver_batch(self.runtime, [delivery])
        except Exception as exc:
            if give_up:
                self._fail(delivery, exc)
                return
            log.exception("work on %s failed; it will be retried", delivery.arn)
            self._release(delivery.item_ids, RETRY_DELAY)
            return
        self._release([item_id for lost in outcome.lost for item_id in lost.item_ids], 0.0)

    def _fail(self, delivery: Delivery, exc: Exception) -> None:
        """End an execution whose next step failed :data:`MAX_ATTEMPTS` times, from its stored snapshot."""
        log.error("work on %s failed %d times; the execution fails: %s", delivery.arn, MAX_ATTEMPTS, exc)
        cause = f"Internal error: the execution could not take its next step: {type(exc).__name__}: {exc}"
        trigger = new_trigger(WorkKind.FAIL, error="States.Runtime", cause=cause[:MAX_CAUSE])
        try:
            deliver_batch(self.runtime, [Delivery(delivery.arn, [trigger], delivery.item_ids)])
        except Exception:  # not even from its snapshot: end it in the store, without the engine
            log.exception("execution %s cannot be advanced at all; it is marked FAILED", delivery.arn)
            assert trigger.error is not None and trigger.cause is not None
            with self.runtime.db.write() as conn:
                executions.force_fail(conn, delivery.arn, trigger.error, trigger.cause, self.runtime.clock.now())
        self.runtime.signal_work()

    def _release(self, item_ids: list[int], delay: float) -> None:
        """Make claimed items claimable again after ``delay`` seconds."""
        if not item_ids:
            return
        with self.runtime.db.write() as conn:
            for item_id in item_ids:
                work_items.release(conn, item_id, self.runtime.clock.now() + delay)
        self.runtime.signal_work()


def reconcile(runtime: Runtime) -> int:
    """Re-enqueue RUNNING executions that have no pending work item; returns how many.

    On a database one process serves (SQLite), work that a dead process had claimed is released
    at once, instead of after its lease: the restarted server goes on where the crash stopped it.
    """
    with runtime.db.write() as conn:
        if runtime.db.dialect.single_process:
            released = work_items.release_all_leases(conn, runtime.clock.now())
            if released:
                log.warning("took back %d work items claimed before a crash; their work runs again", released)
        arns = executions.orphaned(conn)
        for arn in arns:
            log.warning("execution %s was RUNNING with no pending work; recovering its timers and calls", arn)
            work_items.enqueue(conn, arn, WorkKind.RECOVER, {}, runtime.clock.now())
    return len(arns)
