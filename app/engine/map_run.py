"""A distributed Map's Map Run: each item (or batch) runs as a child execution with its own ARN and history.

The Map frame keeps one placeholder child frame per started item: it has no current state and waits
on a task whose call (``durable.work.MAP_CHILD``) starts the child execution. The child's name is
derived from the Map Run and the item's index, so making the call again after a crash finds the
child it started rather than starting a second one. The child's end comes back as the task's news
(lineage, pattern ``map``) and becomes the placeholder's end: its output, or its error and cause.
The parent's history holds ``MapRunStarted`` and the run's end, never one event per item.
"""

from __future__ import annotations

import uuid
from typing import Any

from app import arns
from app.asl.states.map_ import MapSpec
from app.codec import dumps
from app.durable.news import Phase, TaskNews
from app.durable.snapshot import Frame, MapItem, MapProgress, MapRunRecord, PendingTask
from app.durable.statuses import ExecutionStatus
from app.durable.work import MAP_CHILD
from app.engine.run import Run
from app.engine.types import TaskInvocation

#: AWS's default (and this server's most) child executions running at once for one Map Run.
MAX_CONCURRENCY = 10_000
#: The ``ProcessorConfig.ExecutionType`` of children that are not stored.
EXPRESS = "EXPRESS"


def run_arn(run: Run, spec: MapSpec) -> str:
    """The ARN of the Map Run the current Map frame started: one per entry of the state (a retry starts another)."""
    label = spec.label or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{run.info.state_machine_arn}#{spec.name}"))
    assert run.frame.entered is not None
    return arns.map_run(run.info.state_machine_arn, label, arns.map_run_id(run.info.name, run.frame.entered))


def child_arn(map_run_arn: str, index: int) -> str:
    """The ARN of the child execution of item ``index``, the same however often it is asked for."""
    return arns.execution(arns.map_run_machine(map_run_arn), arns.map_run_child_name(map_run_arn, index))


def begin(run: Run, spec: MapSpec, progress: MapProgress) -> None:
    """``MapRunStarted``, and the run's record in the snapshot."""
    arn = run_arn(run, spec)
    run.emit("MapRunStarted", "mapRunStartedEventDetails", {"mapRunArn": arn})
    items = sum(item_count(spec, item) for item in progress.items)
    run.snapshot.map_runs.append(
        MapRunRecord(
            arn,
            run.now,
            progress.limit,
            progress.tolerated_count,
            progress.tolerated_percent,
            items,
            children=len(progress.items),
        )
    )


def record(run: Run, spec: MapSpec) -> MapRunRecord:
    """The record of the Map Run the current Map frame started."""
    found = run.snapshot.map_run(run_arn(run, spec))
    assert found is not None, "a distributed Map records its run when it starts it"
    return found


def end(run: Run, spec: MapSpec, status: ExecutionStatus) -> None:
    """The run's end in its record (its event is the caller's)."""
    ended = record(run, spec)
    ended.status, ended.stop = status, run.now


def child_ended(run: Run, spec: MapSpec, status: str | None, item: Any) -> None:
    """Count a child's items as succeeded or failed in the run's record."""
    ended = record(run, spec)
    if status == ExecutionStatus.SUCCEEDED:
        ended.succeeded_items += item_count(spec, item)
    else:
        ended.failed_items += item_count(spec, item)


def item_count(spec: MapSpec, item: Any) -> int:
    """How many items a child takes: its batch's, or one."""
    if spec.batcher is not None and isinstance(item, dict) and isinstance(item.get("Items"), list):
        return len(item["Items"])
    return 1


def start_child(run: Run, spec: MapSpec, index: int, item: Any, child_input: Any) -> Frame:
    """The placeholder frame of item ``index``, and the call that starts its child execution."""
    record(run, spec).started_items += item_count(spec, item)
    frame = Frame(state=None, input=child_input, item=MapItem(index, None))
    frame.task = PendingTask(run.next_id())
    run.tasks.append(_invocation(run, spec, frame))
    return frame


def redrive(run: Run, spec: MapSpec, children: list[Frame]) -> None:
    """A redrive of the execution runs the Map Run's unsuccessful children again: each is redriven (the same
    execution, its ``redriveCount`` one more), or started if it never was; the run keeps its ARN."""
    redriven = record(run, spec)
    redriven.status, redriven.stop, redriven.failed_items = ExecutionStatus.RUNNING, None, 0
    redriven.redrive_count += 1
    redriven.redrive_date = run.now
    for child in children:
        child.status = child.output = child.error = child.cause = None
        child.reported = False
        child.task = PendingTask(run.next_id())
        run.tasks.append(_invocation(run, spec, child, redrive=True))
    details = {"mapRunArn": redriven.arn, "redriveCount": redriven.redrive_count}
    run.emit("MapRunRedriven", "mapRunRedrivenEventDetails", details)


def recover(run: Run) -> None:
    """Ask again to start the children whose start was not confirmed (their work items were lost)."""
    spec = run.state
    assert isinstance(spec, MapSpec) and run.frame.children is not None
    for child in run.frame.children.frames:
        if child.status is None and child.task is not None and not child.task.submitted:
            run.tasks.append(_invocation(run, spec, child))


def apply_news(frame: Frame, news: TaskNews) -> None:
    """A child's news on its placeholder: submitted (a stored child: its call is not made again), started
    (an Express child, lost with its process: a recovery starts it again), or ended."""
    task = frame.task
    assert task is not None
    if news.phase == Phase.STARTED:
        return
    if news.phase == Phase.SUBMITTED:
        task.submitted = True
        return
    frame.task = None
    if news.phase == Phase.SUCCEEDED:
        frame.status, frame.output = ExecutionStatus.SUCCEEDED, news.output
    else:
        frame.status, frame.error, frame.cause = ExecutionStatus.FAILED, news.error, news.cause


def express_result(map_run_arn: str, frame: Frame) -> dict[str, Any]:
    """An ended Express child as a ResultWriter writes it: what its parent knows of it (Express children
    are not stored, so their input and dates are not known)."""
    assert frame.item is not None and frame.status is not None
    arn = child_arn(map_run_arn, frame.item.index)
    result: dict[str, Any] = {
        "ExecutionArn": arn,
        "Name": arn.rsplit(":", 1)[1],
        "StateMachineArn": arns.map_run_machine(map_run_arn),
        "Status": frame.status,
    }
    if frame.status == ExecutionStatus.SUCCEEDED:
        result["Output"] = dumps(frame.output)
        result["OutputDetails"] = {"Included": True}
    else:
        result.update({key: value for key, value in (("Error", frame.error), ("Cause", frame.cause)) if value})
    return result


def running_children(run: Run, spec: MapSpec) -> list[str]:
    """The ARNs of the children of the current Map frame that still run (to be stopped)."""
    children = run.frame.children
    if children is None:
        return []
    map_run_arn = run_arn(run, spec)
    return [
        child_arn(map_run_arn, child.item.index)
        for child in children.frames
        if child.status is None and child.item is not None
    ]


def _invocation(run: Run, spec: MapSpec, frame: Frame, *, redrive: bool = False) -> TaskInvocation:
    """The call that starts the child of ``frame`` (``redrive``: or redrives it, if it ended unsuccessfully)."""
    assert frame.task is not None and frame.item is not None
    map_run_arn = run_arn(run, spec)
    request = {
        "MapRunArn": map_run_arn,
        "ExecutionArn": child_arn(map_run_arn, frame.item.index),
        "Definition": spec.child_definition,
        "ExecutionType": spec.execution_type,
        "Input": frame.input,
        "Redrive": redrive,
    }
    return TaskInvocation(task_id=frame.task.id, resource=MAP_CHILD, input=request, call=True)
