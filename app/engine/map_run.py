"""A distributed Map's Map Run: each item (or batch) runs as a child execution with its own ARN and history.

The run's children are rows of the store, written with the transition that begins the run: by position,
the input each starts with and the items it runs. The parent keeps only the run's record
(:class:`MapRunRecord`: settings, counts, and how many children were asked to start), so a child's news
costs the parent the same however large the run. The Map waits on one task for the whole run: calls
(``durable.work.MAP_CHILD``) start its children a range at a time, by names derived from the run and the
position (a call made again finds those it started), and each child's end comes back through lineage
(pattern ``map``) as news of that task, counted once (the store marks the end before the news is queued).
The parent's history holds ``MapRunStarted`` and the run's end, never one event per item.
"""

from __future__ import annotations

import uuid
from typing import Any

from app import arns
from app.asl.states.map_ import MapSpec
from app.durable.news import Phase, TaskNews
from app.durable.snapshot import MapRunRecord, PendingTask
from app.durable.statuses import ExecutionStatus
from app.durable.work import MAP_CHILD
from app.engine.run import Run
from app.engine.types import MapChildren, TaskInvocation

#: AWS's default (and this server's most) child executions running at once for one Map Run.
MAX_CONCURRENCY = 10_000
#: The ``ProcessorConfig.ExecutionType`` of children that are not stored.
EXPRESS = "EXPRESS"
#: The most children one call starts (a call is one work item, and its starts one worker's turn).
START_RANGE = 100

# What a MAP_CHILD call does. Only a redrive's answer (SUBMITTED news of the run's task) tells something: the
# others leave no news (a call that fails fails the run).
START = "Start"  # start the children of a range
# run a redriven run's children of a range that are not kept; answers {"Succeeded": kept, "Items": their items}
REDRIVE = "Redrive"
RECOVER = "Recover"  # start again the started children that never ended and are not stored (Express)
STOP = "Stop"  # stop the children that still run


def run_arn(run: Run, spec: MapSpec) -> str:
    """The ARN of the Map Run the current Map frame started: one per entry of the state (a retry starts another)."""
    label = spec.label or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{run.info.state_machine_arn}#{spec.name}"))
    assert run.frame.entered is not None
    return arns.map_run(run.info.state_machine_arn, label, arns.map_run_id(run.info.name, run.frame.entered))


def child_arn(map_run_arn: str, index: int) -> str:
    """The ARN of the child execution of item ``index``, the same however often it is asked for."""
    return arns.execution(arns.map_run_machine(map_run_arn), arns.map_run_child_name(map_run_arn, index))


def begin(run: Run, record: MapRunRecord, inputs: list[Any], items: list[int], *, stored: bool) -> None:
    """``MapRunStarted``, the run's record in the snapshot, its children for the store (unless ``stored``: its
    ItemReader wrote them), and the Map waiting on the run."""
    run.emit("MapRunStarted", "mapRunStartedEventDetails", {"mapRunArn": record.arn})
    record.task_id = run.next_id()
    run.snapshot.map_runs.append(record)
    if not stored:
        run.map_children.append(MapChildren(record.arn, inputs, items))
    run.frame.task = PendingTask(record.task_id)


def record(run: Run, spec: MapSpec) -> MapRunRecord | None:
    """The record of the Map Run the current Map frame started (None: it did not start one)."""
    return None if run.frame.entered is None else run.snapshot.map_run(run_arn(run, spec))


def started_record(run: Run, spec: MapSpec) -> MapRunRecord:
    found = record(run, spec)
    assert found is not None, "a distributed Map records its run when it starts it"
    return found


def end(run: Run, record: MapRunRecord, status: ExecutionStatus) -> None:
    """The run's end in its record (its event is the caller's); a run that failed stops its running children."""
    record.status, record.stop = status, run.now
    if status == ExecutionStatus.FAILED:
        run.tasks.append(_call(record, STOP, 0, record.started, task_id=run.next_id()))


def take_news(record: MapRunRecord, news: TaskNews) -> None:
    """Count a child's end (or a call's answer) in the run's record."""
    if news.phase == Phase.SUBMITTED:
        answer = news.output if isinstance(news.output, dict) else {}
        record.ended += int(answer.get("Succeeded", 0))
        record.succeeded_items += int(answer.get("Items", 0))
        return
    items = 1 if news.items is None else news.items
    record.ended += 1
    if news.phase == Phase.SUCCEEDED:
        record.succeeded_items += items
    else:
        record.failures += 1
        record.failed_items += items


def refill_at(max_concurrency: int) -> int:
    """How many children must be free to start before more are asked for: a tenth of the run's concurrency (one
    range at most). Children that end one at a time would otherwise each cost a call that starts just one."""
    return max(1, min(START_RANGE, max_concurrency // 10))


def start_more(run: Run, spec: MapSpec, record: MapRunRecord) -> None:
    """Ask to start as many more children as the run may have running, a range per call, once enough may
    start (:func:`refill_at`) or the rest of the run may."""
    running = record.started - record.ended
    startable = min(record.children - record.started, record.max_concurrency - running)
    if startable < refill_at(record.max_concurrency) and startable < record.children - record.started:
        return
    action = REDRIVE if record.redrive_count else START
    while record.started < record.children and running < record.max_concurrency:
        first = record.started
        last = min(record.children, first + START_RANGE, first + record.max_concurrency - running)
        run.tasks.append(_call(record, action, first, last, spec=spec))
        running += last - first
        record.started = last


def redrive(run: Run, spec: MapSpec, record: MapRunRecord) -> None:
    """A redrive of the execution runs the Map Run's unsuccessful children again, within its ``MaxConcurrency``
    as a run starts them: each is redriven (the same execution, its ``redriveCount`` one more), or started if it
    never was; the run keeps its ARN. The store keeps the children that succeeded and reopens the others in the
    transition of the redrive; the run then goes over its children again from the first, and each call counts
    the kept children of its range and their items (its answer) as ended, so that they take no room among those
    running, whether their end was told before the run failed or after."""
    record.status, record.stop = ExecutionStatus.RUNNING, None
    record.redrive_count += 1
    record.redrive_date = run.now
    record.started = record.ended = record.failures = record.succeeded_items = record.failed_items = 0
    record.task_id = run.next_id()
    run.frame.task = PendingTask(record.task_id)
    run.reopened_map_runs.append(record.arn)
    details = {"mapRunArn": record.arn, "redriveCount": record.redrive_count}
    run.emit("MapRunRedriven", "mapRunRedrivenEventDetails", details)
    start_more(run, spec, record)


def recover(run: Run, spec: MapSpec, record: MapRunRecord) -> None:
    """Start again the children lost with their process (Express children are not stored)."""
    if spec.execution_type == EXPRESS:
        run.tasks.append(_call(record, RECOVER, 0, record.started, spec=spec))


def _call(
    record: MapRunRecord,
    action: str,
    first: int,
    end_at: int,
    *,
    spec: MapSpec | None = None,
    task_id: int | None = None,
) -> TaskInvocation:
    """The call that does ``action`` to the run's children at positions ``first`` up to ``end_at``."""
    request: dict[str, Any] = {"Action": action, "MapRunArn": record.arn, "From": first, "To": end_at}
    if action == REDRIVE:
        request["Reopened"] = True  # the redrive's transition kept or reopened the children in the store
    if spec is not None:
        request.update(Definition=spec.child_definition, ExecutionType=spec.execution_type)
    return TaskInvocation(
        task_id=record.task_id if task_id is None else task_id, resource=MAP_CHILD, input=request, call=True
    )
