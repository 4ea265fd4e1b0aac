"""Deliver triggers to executions: load, advance, commit under each execution's version fence.

The scheduler delivers a whole batch of claimed work items at once (one read, one write
transaction for all of them); callers with a single trigger (StopExecution, a finished task)
use :func:`deliver`; a worker's call that produced task news applies it inside its own
transaction with :func:`deliver_news`. Every path computes its transition with :func:`compute`,
under the one step budget of :attr:`Runtime.engine_options`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app import arns, metrics
from app.asl.model import StateMachineModel
from app.codec import loads, loads_stored
from app.crashpoints import crash_point
from app.durable import snapshot as snapshots
from app.durable.news import TaskNews
from app.durable.snapshot import Snapshot
from app.durable.statuses import ExecutionStatus
from app.durable.work import WorkKind
from app.engine.advance import advance
from app.engine.types import ExecutionInfo, Transition, Trigger
from app.executions import lineage, server_log
from app.executions.rows import transition_rows
from app.executions.runtime import Revision, Runtime
from app.executions.triggers import new_trigger
from app.store import executions, state_machines, work_items
from app.store.executions import TransitionRows
from app.store.records import ExecutionRecord

log = logging.getLogger(__name__)

MAX_RACE_RETRIES = 20


class ExecutionNotRunningError(LookupError):
    """The execution does not exist or is no longer RUNNING: nothing to deliver to."""


@dataclass
class Delivery:
    """Triggers for one execution, in order, and the work items they came from."""

    arn: str
    triggers: list[Trigger]
    item_ids: list[int] = field(default_factory=list)


@dataclass
class Computed:
    """A transition computed for one execution, ready to commit under its version fence."""

    delivery: Delivery
    row: ExecutionRecord
    transition: Transition
    waits_for_children: bool
    rows: TransitionRows


@dataclass
class BatchOutcome:
    """Statuses after the applied deliveries; those whose execution had ended; those to try again (they
    lost a race to another writer, or the batch ran out of time before them)."""

    statuses: list[str] = field(default_factory=list)
    gone: list[Delivery] = field(default_factory=list)
    lost: list[Delivery] = field(default_factory=list)


def execution_info(row: ExecutionRecord, role_arn: str) -> ExecutionInfo:
    """The engine's view of an execution row."""
    return ExecutionInfo(
        arn=row.arn,
        name=row.name,
        state_machine_arn=row.state_machine_arn,
        state_machine_name=arns.state_machine_name(row.state_machine_arn),
        role_arn=role_arn,
        start_time=row.start_date,
        input_text=row.input,
        redrive_count=row.redrive_count,
        redrive_time=row.redrive_date,
    )


def read_snapshot(text: str) -> dict[str, Any]:
    """A stored snapshot's JSON form. Format 1 was written without the mark for long numbers, so a
    snapshot of that format is read again with the careful reader."""
    data: dict[str, Any] = loads_stored(text)
    return data if "format" in data else loads(text)


def compute(
    runtime: Runtime,
    model: StateMachineModel,
    snapshot: Snapshot,
    triggers: Sequence[Trigger],
    now: float,
    info: ExecutionInfo,
) -> Transition:
    """Apply triggers one after another from ``snapshot``; one transition carries all their effects. Only the
    first step copies the snapshot: the next ones change the copy they are handed, which nothing else holds."""
    options = runtime.engine_options
    total: Transition | None = None
    for trigger in triggers:
        if total is None:
            step = advance(model, snapshot, trigger, now, info, options)
        else:
            step = advance(model, total.snapshot, trigger, now, info, options, owned=True)
        total = step if total is None else total.then(step)
        if total.status != ExecutionStatus.RUNNING:
            break
    assert total is not None
    return total


class RaceLostError(RuntimeError):
    """Other writers changed the execution at every attempt (many tasks of one execution ending at once)."""


def deliver(runtime: Runtime, arn: str, trigger: Trigger, item_id: int | None = None) -> str:
    """Apply one trigger and return the execution's status afterwards.

    Raises :class:`ExecutionNotRunningError` when there is nothing to apply it to (the work item,
    if any, is dropped). Losing the version race to another writer just means reading again.
    """
    delivery = Delivery(arn, [trigger], [] if item_id is None else [item_id])
    for _ in range(MAX_RACE_RETRIES):
        outcome = deliver_batch(runtime, [delivery])
        if outcome.gone:
            raise ExecutionNotRunningError(arn)
        if outcome.statuses:
            return outcome.statuses[0]
    raise RaceLostError(f"execution {arn} kept changing under {MAX_RACE_RETRIES} attempts")


def deliver_batch(runtime: Runtime, deliveries: Sequence[Delivery]) -> BatchOutcome:
    """Deliver to many executions in one read and one write transaction.

    Items of executions that are gone or ended are dropped. A delivery that lost the version race
    to another writer keeps its items claimed; the caller releases or retries it.
    """
    now = runtime.clock.now()
    computed, gone, later = _compute_batch(runtime, deliveries, now)
    outcome = BatchOutcome(gone=gone, lost=later)
    applied: list[Transition] = []
    began = time.perf_counter()
    with runtime.db.write() as conn:
        for delivery in gone:
            for item_id in delivery.item_ids:
                work_items.delete(conn, item_id)
            if _stops(delivery):
                state_machines.delete_if_drained(conn, arns.state_machine_of_execution(delivery.arn))
        for entry in computed:
            if _commit(conn, entry, now):
                outcome.statuses.append(entry.transition.status)
                applied.append(entry.transition)
            else:
                outcome.lost.append(entry.delivery)
        crash_point("before_commit")
    metrics.COMMIT_SECONDS.observe(time.perf_counter() - began)
    crash_point("after_commit")
    settle(runtime, computed, applied)
    return outcome


def deliver_within(runtime: Runtime, conn: sa.Connection, arn: str, trigger: Trigger) -> Computed | None:
    """Apply a trigger inside the caller's write transaction, which has just produced it.

    News of a task (a worker took it, a callback answered it) reaches its execution in the same
    commit as the token change, without a work item and a scheduler round. None when that cannot
    be done at once (the execution is busy with another writer, or has ended): the caller queues
    the news as a work item instead. After the commit, the caller passes the result to
    :func:`settle`.
    """
    row = executions.lock_if_free(conn, arn)
    if row is None or row.status != ExecutionStatus.RUNNING:
        return None
    # The time is read under the lock: whatever this execution committed before came earlier.
    now = runtime.clock.now()
    entry = _computed(runtime, Delivery(arn, [trigger]), row, runtime.revision(conn, row.revision_id), now)
    return entry if _commit(conn, entry, now) else None


def deliver_news(runtime: Runtime, conn: sa.Connection, arn: str, news: TaskNews, now: float) -> Computed | None:
    """Task news for an execution, inside the transaction that produced it: applied at once, or queued.

    None when it was queued; the caller then passes that None to :func:`settle_news` all the same.
    """
    applied = deliver_within(runtime, conn, arn, new_trigger(WorkKind.TASK, news=news))
    if applied is None:
        work_items.enqueue(conn, arn, WorkKind.TASK, news.to_json(), now)
    return applied


def settle_news(runtime: Runtime, applied: Computed | None) -> None:
    """After the commit of :func:`deliver_news`: settle what was applied, or wake the scheduler."""
    if applied is None:
        runtime.signal_work()
    else:
        settle(runtime, [applied])


def settle(runtime: Runtime, computed: Sequence[Computed], applied: Sequence[Transition] | None = None) -> None:
    """After the commit: warn of limits near, write log records, and wake whoever has new work."""
    _warn_near_limits(runtime, computed)
    committed = None if applied is None else {id(transition) for transition in applied}
    for entry in computed:
        if committed is None or id(entry.transition) in committed:
            started_at = entry.row.redrive_date or entry.row.start_date
            record(runtime, entry.row.state_machine_arn, entry.row.arn, entry.transition, started_at)
    ended_with_news = any(
        entry.transition.status != ExecutionStatus.RUNNING
        and lineage.may_queue_news(entry.row, entry.waits_for_children)
        for entry in computed
    )
    transitions = [entry.transition for entry in computed] if applied is None else applied
    announce(runtime, transitions, queued=ended_with_news)


def _compute_batch(
    runtime: Runtime, deliveries: Sequence[Delivery], now: float
) -> tuple[list[Computed], list[Delivery], list[Delivery]]:
    """The transitions of the deliveries, in order, while the batch's time lasts (one step's time);
    the deliveries of ended executions; and those left for later, whose items go back to the queue
    at once, so that one batch of slow executions does not hold back a timer claimed with them."""
    with runtime.db.read() as conn:
        rows = executions.get_many(conn, [delivery.arn for delivery in deliveries])
        revisions = {row.revision_id: runtime.revision(conn, row.revision_id) for row in rows.values()}
    step_seconds = runtime.engine_options.step_seconds
    yield_at = None if step_seconds is None else time.monotonic() + step_seconds
    computed: list[Computed] = []
    gone: list[Delivery] = []
    for index, delivery in enumerate(deliveries):
        if computed and yield_at is not None and time.monotonic() >= yield_at:
            return computed, gone, list(deliveries[index:])
        row = rows.get(delivery.arn)
        if row is None or row.status != ExecutionStatus.RUNNING:
            gone.append(delivery)
            continue
        computed.append(_computed(runtime, delivery, row, revisions[row.revision_id], now))
    return computed, gone, []


def _computed(runtime: Runtime, delivery: Delivery, row: ExecutionRecord, revision: Revision, now: float) -> Computed:
    """Run a delivery's triggers on the execution's snapshot: the transition to commit."""
    info = execution_info(row, revision.role_arn)
    snapshot = snapshots.decode(read_snapshot(row.snapshot))
    transition = compute(runtime, revision.model, snapshot, delivery.triggers, now, info)
    rows = transition_rows(row.arn, transition, now)
    return Computed(delivery, row, transition, revision.model.waits_for_children, rows)


def _commit(conn: sa.Connection, entry: Computed, now: float) -> bool:
    """Write one execution's transition and consume its items; False when another writer won."""
    row, transition = entry.row, entry.transition
    if transition.changed and not executions.apply_transition(conn, entry.rows, row.version, now):
        return False
    for item_id in entry.delivery.item_ids:
        work_items.delete(conn, item_id)
    if transition.status != ExecutionStatus.RUNNING:
        lineage.report_to_parent(conn, row, transition, now)
        if entry.waits_for_children:
            lineage.stop_children(conn, row.arn, now)
        if _stops(entry.delivery):
            state_machines.delete_if_drained(conn, row.state_machine_arn)
    return True


def _stops(delivery: Delivery) -> bool:
    """DeleteStateMachine stops every running execution; the last stop lets the machine go."""
    return any(trigger.kind == WorkKind.STOP for trigger in delivery.triggers)


def record(
    runtime: Runtime, state_machine_arn: str, execution_arn: str, transition: Transition, started_at: float
) -> None:
    """After the commit of a transition: its log records and server log lines, its events and end in the metrics.

    ``started_at`` is when the execution started (or was last redriven), for the duration an end reports.
    """
    runtime.log_events(state_machine_arn, execution_arn, transition.events)
    server_log.log_transition(
        execution_arn, transition.events, transition.status, started_at, transition.error, transition.cause
    )
    metrics.HISTORY_EVENTS.inc(len(transition.events))
    if transition.status != ExecutionStatus.RUNNING:
        name = arns.state_machine_name(state_machine_arn)
        metrics.EXECUTIONS_ENDED.labels(name, transition.status).inc()


def announce(runtime: Runtime, transitions: Sequence[Transition], *, queued: bool = False) -> None:
    """Wake whoever has new work from committed transitions: scheduler threads, activity pollers.

    ``queued`` says other work items were written with them. A timer due after the schedulers'
    next look of their own (``poll_seconds`` away at most) needs no wake-up: they will see it then,
    so the deadline every execution arms wakes no one.
    """
    horizon = runtime.clock.now() + runtime.settings.poll_seconds
    if queued or any(_needs_scheduler(transition, horizon) for transition in transitions):
        runtime.signal_work()
    for transition in transitions:
        for task in transition.tasks:
            if task.activity_arn is not None:
                runtime.signal_activity(task.activity_arn)


def _needs_scheduler(transition: Transition, horizon: float) -> bool:
    if transition.run_again:
        return True
    if any(task.call for task in transition.tasks):
        return True
    return any((timer.due if timer.warn_at is None else timer.warn_at) < horizon for timer in transition.timers)


def _warn_near_limits(runtime: Runtime, computed: Sequence[Computed]) -> None:
    """Log once when an execution crosses the warning share of the history limit (continue-as-new time)."""
    threshold = int(runtime.settings.max_history_events * runtime.settings.limit_warning_share)
    for entry in computed:
        before = entry.row.next_event_id - 1
        after = entry.transition.snapshot.last_event_id
        if before < threshold <= after and entry.transition.status == ExecutionStatus.RUNNING:
            log.warning(
                "execution %s has %d of its %d history events; continue as a new execution before it fails",
                entry.row.arn,
                after,
                runtime.settings.max_history_events,
            )
