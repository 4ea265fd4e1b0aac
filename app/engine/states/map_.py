"""Map: the item processor runs once per item (or per batch of items), at most ``MaxConcurrency`` at a time.

With an ItemBatcher, every item is selected (ItemSelector, with its own ``$$.Map.Item``) when the Map
starts and the iterations take the batches as their input; without one, an item is selected when its
iteration starts. With an ItemReader, the Map first waits for its items, read by the integrations.
Inline, the iterations are child frames of the Map's; distributed (``engine/map_run.py``), the items run as
child executions of a Map Run, and the Map waits on the run as on a task, then on the call that writes or
gathers their results.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app import arns
from app.asl import errors, jsonata_adapter
from app.asl.paths import apply_io_path
from app.asl.states.base import MISSING, StateSpec
from app.asl.states.map_ import MapSpec
from app.codec import dumps
from app.durable.news import MAX_PAYLOAD_BYTES, Phase, TaskNews
from app.durable.snapshot import (
    Children,
    Frame,
    MapItem,
    MapProgress,
    MapRunRecord,
    PendingTask,
    TaskCall,
    iteration_result,
    kept_input_bytes,
    result_bytes,
)
from app.durable.statuses import ExecutionStatus
from app.durable.work import ITEM_READER, RESULT_WRITER
from app.engine import dataflow, item_reading, map_run, result_writing
from app.engine.item_selection import ItemSelection
from app.engine.outcomes import Failure, Fork, Outcome, Suspend
from app.engine.run import HistoryLimitReachedError, Run, new_frame
from app.engine.states import task as task_state
from app.engine.states.base import Fan, StateHandler
from app.engine.types import TaskInvocation

THRESHOLD_CAUSE = "The specified tolerated failure threshold was exceeded"
INLINE_WRITER_CAUSE = (
    "A ResultWriter writes the results of a distributed Map's child executions; this Map runs its items inline "
    "(an INLINE Map, or a distributed Map in an Express execution)"
)
#: AWS runs at most 40 iterations of an inline Map at once, whatever ``MaxConcurrency`` asks for.
INLINE_MAX_CONCURRENCY = 40
#: The inputs failed iterations keep for a redrive: past this, the Map fails rather than grow the snapshot.
MAX_KEPT_INPUT_BYTES = 16 * MAX_PAYLOAD_BYTES


def enter(run: Run) -> Outcome:
    spec = run.state
    assert isinstance(spec, MapSpec)
    if spec.writer is not None and not runs_children(run, spec):
        raise errors.StatesError(errors.RESULT_WRITER_FAILED, INLINE_WRITER_CAUSE)
    effective = _effective(run, spec)
    if spec.reader is not None:
        return _read_items(run, spec, effective)
    return _fan_out(run, spec, effective, _items(run, spec, effective))


def on_task(run: Run, news: TaskNews) -> Outcome:
    """News of what the Map waits for: the ItemReader's answer (the items to run), the Map Run's (a child
    ended, children started), or the answer of the call that writes or gathers the run's results."""
    spec = run.state
    assert isinstance(spec, MapSpec) and run.frame.task is not None
    call = run.frame.task.call
    if call is None:
        return _run_news(run, spec, news)
    if news.phase in (Phase.STARTED, Phase.SUBMITTED):
        return Suspend()
    run.frame.task = None
    if news.phase != Phase.SUCCEEDED:
        return Failure(news.error, news.cause)
    if call.resource == RESULT_WRITER:
        if spec.writer is not None and spec.writer.resource is not None:
            written = map_run.started_record(run, spec)
            written.results_written = written.succeeded_items + written.failed_items
        return dataflow.complete(run, news.output)
    if isinstance(news.output, list):  # the items themselves (an inline Map's)
        return _fan_out(run, spec, _effective(run, spec), news.output)
    assert isinstance(news.output, dict), "the item reader answers the items, or how many children it stored"
    return _fan_out(run, spec, _effective(run, spec), None, news.output)


def _effective(run: Run, spec: MapSpec) -> Any:
    return run.state_input if spec.is_jsonata else dataflow.select_input(run)


def _read_items(run: Run, spec: MapSpec, effective: Any) -> Outcome:
    """Ask the integrations to read the items (from S3), and wait for them as a Task waits for its result."""
    assert spec.reader is not None
    request = item_reading.request(run, spec.reader, effective)
    if runs_children(run, spec):  # read into the Map Run's rows, a page at a time, never held here
        selection = ItemSelection.of(run, spec, effective)
        request["MapRun"] = {"MapRunArn": map_run.run_arn(run, spec), "Selection": selection.to_json()}
    task_id = run.next_id()
    run.frame.task = PendingTask(task_id, call=TaskCall(ITEM_READER, request, None))  # made again if lost
    run.tasks.append(TaskInvocation(task_id=task_id, resource=ITEM_READER, input=request, call=True))
    return Suspend()


def _fan_out(
    run: Run, spec: MapSpec, effective: Any, items: list[Any] | None, read: dict[str, Any] | None = None
) -> Outcome:
    """Run the items: inline, as iterations; distributed, as a Map Run's children. A distributed Map's
    ItemReader has already turned what it read into the children's rows (``read``: how many), and no items
    pass through here."""
    distributed = runs_children(run, spec)
    most = map_run.MAX_CONCURRENCY if distributed else INLINE_MAX_CONCURRENCY
    limit = min(_number(run, spec.max_concurrency, spec.max_concurrency_path, effective) or most, most)
    tolerated_count = _optional(run, spec.tolerated_failure_count, spec.tolerated_failure_count_path, effective)
    tolerated_percent = _optional(
        run, spec.tolerated_failure_percentage, spec.tolerated_failure_percentage_path, effective
    )
    if distributed:
        record = MapRunRecord(map_run.run_arn(run, spec), run.now, limit, tolerated_count, tolerated_percent, 0)
        return _begin_run(run, spec, effective, record, items, read)
    assert items is not None
    if spec.batcher is not None:
        items = [batch for batch, _ in ItemSelection.of(run, spec, effective).inputs(items)]
    _require_history_room(run, len(items))
    run.emit("MapStateStarted", "mapStateStartedEventDetails", {"length": len(items)})
    progress = MapProgress(
        items=items,
        effective=effective,
        limit=limit,
        tolerated_count=tolerated_count,
        tolerated_percent=tolerated_percent,
    )
    run.frame.children = Children([], progress)
    _start_more(run, spec)
    return Fork()


def _begin_run(
    run: Run,
    spec: MapSpec,
    effective: Any,
    record: MapRunRecord,
    items: list[Any] | None,
    read: dict[str, Any] | None,
) -> Outcome:
    """A distributed Map begins its Map Run: its children's inputs go to the store (unless its reader put
    them there), and it waits on the run."""
    inputs: list[Any] = []
    counts: list[int] = []
    if items is not None:
        for value, count in ItemSelection.of(run, spec, effective).inputs(items):
            inputs.append(value)
            counts.append(count)
        record.items, record.children = sum(counts), len(inputs)
    else:
        assert read is not None
        record.items, record.children = int(read["Items"]), int(read["Children"])
    record.writer = _results_request(run, spec, effective, record)
    map_run.begin(run, record, inputs, counts, stored=items is None)
    return _run_goes_on(run, spec, record)


def _run_news(run: Run, spec: MapSpec, news: TaskNews) -> Outcome:
    """The Map Run's news: a child ended, or a call that starts (or redrives) children answered."""
    record = map_run.started_record(run, spec)
    if news.phase == Phase.CALL_FAILED:  # its children cannot be started: the run cannot go on
        return _end_run(run, spec, record, Failure(news.error, news.cause))
    if news.phase not in (Phase.SUBMITTED, Phase.SUCCEEDED, Phase.FAILED):
        return Suspend()
    map_run.take_news(record, news)
    return _run_goes_on(run, spec, record)


def _run_goes_on(run: Run, spec: MapSpec, record: MapRunRecord) -> Outcome:
    """The run fails once its failures cross the threshold, succeeds once every child ended, and otherwise
    starts the children it now may."""
    if _over_tolerance(record.failures, record.children, record.tolerated_count, record.tolerated_percent):
        return _end_run(run, spec, record, Failure(errors.EXCEED_TOLERATED_FAILURE_THRESHOLD, THRESHOLD_CAUSE))
    if record.ended >= record.children:
        return _end_run(run, spec, record, None)
    map_run.start_more(run, spec, record)
    return Suspend()


def _end_run(run: Run, spec: MapSpec, record: MapRunRecord, failure: Failure | None) -> Outcome:
    """The Map Run's end in the parent's history; once it succeeded, the Map waits for its results."""
    run.frame.task = None
    if failure is not None:
        map_run.end(run, record, ExecutionStatus.FAILED)
        details = {key: value for key, value in (("error", failure.error), ("cause", failure.cause)) if value}
        run.emit("MapRunFailed", "mapRunFailedEventDetails", details)
        return failure
    map_run.end(run, record, ExecutionStatus.SUCCEEDED)
    run.emit("MapRunSucceeded")
    assert record.writer is not None
    task_id = run.next_id()
    run.frame.task = PendingTask(task_id, call=TaskCall(RESULT_WRITER, record.writer, None))  # made again if lost
    run.tasks.append(TaskInvocation(task_id=task_id, resource=RESULT_WRITER, input=record.writer, call=True))
    return Suspend()


def _results_request(run: Run, spec: MapSpec, effective: Any, record: MapRunRecord) -> dict[str, Any]:
    """The call that makes the Map's result once its run succeeded: its ResultWriter's, or one that gathers
    the children's results into the Map's output (within the payload quota)."""
    if spec.writer is not None:
        request = result_writing.request(run, spec.writer, effective, record.arn, record.children)
    else:
        request = {"Resource": None, "MapRunArn": record.arn, "Children": record.children, "Gather": True}
    request.update(ExecutionType=spec.execution_type, StateName=spec.name)
    return request


def _item_count(spec: MapSpec, value: Any) -> int:
    """How many items a child runs: its batch's, or one."""
    if spec.batcher is not None and isinstance(value, dict) and isinstance(value.get("Items"), list):
        return len(value["Items"])
    return 1


def states_of(spec: StateSpec, child: Frame) -> Mapping[str, StateSpec]:
    assert isinstance(spec, MapSpec) and spec.processor is not None
    return spec.processor.states


def child_done(run: Run, index: int) -> None:
    spec = run.state
    assert isinstance(spec, MapSpec)
    children, progress = _children(run)
    child = children.frames[index]
    assert child.item is not None
    details = {"name": spec.name, "index": child.item.index}
    # Ended iterations are counted and measured as they end, so a Map of n items costs O(n), not O(n²).
    progress.finished += 1
    progress.result_bytes += result_bytes(_iteration_result(child))
    if child.status == ExecutionStatus.SUCCEEDED:
        run.emit("MapIterationSucceeded", "mapIterationSucceededEventDetails", details)
        child.input, child.variables = None, {}  # only its result is read again, even by a redrive
    else:
        progress.failures += 1
        progress.kept_input_bytes += kept_input_bytes(child.input)  # a redrive runs it again from this input
        run.emit("MapIterationFailed", "mapIterationFailedEventDetails", details)
    if not _progress_over_tolerance(progress) and _over_size(spec, progress) is None:
        _start_more(run, spec)


def ready(run: Run) -> bool:
    children, progress = _children(run)
    if _progress_over_tolerance(progress) or _over_size(_spec(run), progress) is not None:
        return True
    return len(children.frames) == len(progress.items) and progress.finished == len(progress.items)


def join(run: Run) -> Outcome:
    failure = _failure(run, _spec(run))
    if failure is not None:
        return failure
    run.emit("MapStateSucceeded")
    children, _ = _children(run)
    return dataflow.complete(run, [_iteration_result(frame) for frame in children.frames])


def _failure(run: Run, spec: MapSpec) -> Failure | None:
    """Why the Map fails now that it joins, if it does: too many failed iterations, or too much kept."""
    children, progress = _children(run)
    if _progress_over_tolerance(progress):
        _abort_running(run, children)
        if progress.tolerated_count is None and progress.tolerated_percent is None:
            failed = next(frame for frame in children.frames if frame.status == ExecutionStatus.FAILED)
            return Failure(failed.error, failed.cause)
        return Failure(errors.EXCEED_TOLERATED_FAILURE_THRESHOLD, THRESHOLD_CAUSE)
    too_large = _over_size(spec, progress)
    if too_large is not None:
        _abort_running(run, children)
        return Failure(errors.DATA_LIMIT_EXCEEDED, too_large)
    return None


def _abort_running(run: Run, children: Children) -> None:
    for frame in children.frames:
        if frame.status is None and frame.item is not None:  # still running: the Map gives up on it
            details = {"name": run.state.name, "index": frame.item.index}
            run.emit("MapIterationAborted", "mapIterationAbortedEventDetails", details)


def _over_size(spec: MapSpec, progress: MapProgress) -> str | None:
    """Why the Map's ended iterations hold more than it may keep, if they do: results over the payload
    quota cannot make its result, and failed iterations' inputs are bounded so the snapshot stays small."""
    name = spec.name
    if progress.result_bytes + 1 > MAX_PAYLOAD_BYTES:  # the counted commas and the brackets
        return errors.oversized_result(name)
    if progress.kept_input_bytes > MAX_KEPT_INPUT_BYTES:
        return (
            f"The Map state '{name}' keeps the inputs of its failed iterations for a redrive, and they exceed "
            f"{MAX_KEPT_INPUT_BYTES} bytes."
        )
    return None


def _require_history_room(run: Run, count: int) -> None:
    """Fail at once, as the history limit would fail it later, a Map whose iterations cannot fit in
    the history (each writes at least a start and an end event): its iterations are never built,
    so a hundred thousand items cost nothing but this count."""
    room = run.options.max_history_events - run.snapshot.last_event_id
    if 2 * count + 2 > room:
        raise HistoryLimitReachedError


def _children(run: Run) -> tuple[Children, MapProgress]:
    children = run.frame.children
    assert children is not None and children.map is not None
    return children, children.map


def _start_more(run: Run, spec: MapSpec) -> None:
    children, progress = _children(run)
    running = len(children.frames) - progress.finished
    while len(children.frames) < len(progress.items) and running < progress.limit:
        index = len(children.frames)
        iteration = _iteration(run, spec, index, progress.items[index], progress.effective)
        children.frames.append(iteration)
        details = {"name": spec.name, "index": index}
        # the iteration's history follows from its start
        iteration.last_event = run.emit("MapIterationStarted", "mapIterationStartedEventDetails", details)
        running += 1


def _iteration(run: Run, spec: MapSpec, index: int, item: Any, effective: Any) -> Frame:
    assert spec.processor is not None
    map_item = MapItem(index, item)
    frame = new_frame(spec.processor.start_at, _child_input(run, spec, map_item, effective), run.variables)
    frame.item = map_item
    return frame


def _child_input(run: Run, spec: MapSpec, map_item: MapItem, effective: Any) -> Any:
    """The input of an item's iteration: its batch as is, or the item through the ItemSelector."""
    return map_item.value if spec.batcher is not None else _selected(run, spec, map_item, effective)


def runs_children(run: Run, spec: MapSpec) -> bool:
    """Whether the Map runs its items as child executions: a distributed Map of a Standard execution. An
    Express execution lives in its runner's memory, where no child could report to it: it runs them inline."""
    return spec.distributed and not arns.is_express_execution(run.info.arn)


def _spec(run: Run) -> MapSpec:
    spec = run.state
    assert isinstance(spec, MapSpec)
    return spec


def _selected(run: Run, spec: MapSpec, map_item: MapItem, effective: Any) -> Any:
    """The input an item gives its iteration: ItemSelector, which sees the item as ``$$.Map.Item``."""
    if spec.item_selector is MISSING:
        return map_item.value
    return ItemSelection.of(run, spec, effective, batched=False).select(map_item.index, map_item.value)


def _items(run: Run, spec: MapSpec, effective: Any) -> list[Any]:
    if spec.is_jsonata:
        if spec.items is MISSING:
            items = run.state_input
        else:
            items = dataflow.jsonata_value(run, spec.items, "Items")
            jsonata_adapter.expect_type(items, "array", str(spec.items), "Items")
        if not isinstance(items, list):
            raise errors.StatesError(
                errors.QUERY_EVALUATION_ERROR, f"Map state input must be an array but was: {dumps(items)}"
            )
        return items
    items = apply_io_path(spec.items_path, run.scope(effective))
    if not isinstance(items, list):
        raise errors.StatesError(errors.RUNTIME, f"Map state input must be an array but was: {dumps(items)}")
    return items


def _number(run: Run, literal: Any, path: str | None, effective: Any) -> int:
    value = _optional(run, literal, path, effective)
    return int(value) if value is not None else 0


def _optional(run: Run, literal: Any, path: str | None, effective: Any) -> Any:
    if path is not None:
        return dataflow.resolve_path(run, path, effective, path.split(".")[-1])
    if literal is MISSING:
        return None
    if run.state.is_jsonata and jsonata_adapter.is_expression(literal):
        return dataflow.jsonata_value(run, literal, "MaxConcurrency")
    return literal


def _progress_over_tolerance(progress: MapProgress) -> bool:
    return _over_tolerance(progress.failures, len(progress.items), progress.tolerated_count, progress.tolerated_percent)


def _over_tolerance(failures: int, total: int, count: Any, percent: Any) -> bool:
    """Whether ``failures`` of ``total`` cross the tolerated count or percentage (with neither: any does)."""
    if failures == 0:
        return False
    if count is None and percent is None:
        return True
    over_count = count is not None and failures > int(count)
    over_percent = percent is not None and failures * 100 / max(total, 1) > float(percent)
    if count is not None and percent is not None:
        return over_count and over_percent
    return over_count or over_percent


def _iteration_result(frame: Frame) -> Any:
    assert frame.status is not None
    return iteration_result(frame.status, frame.output, frame.error, frame.cause)


def update_run(run: Run, update: dict[str, Any]) -> Outcome:
    """UpdateMapRun's settings on the running Map Run: more children start at once if it may run more, and a
    run now over its threshold fails."""
    spec = _spec(run)
    record = map_run.started_record(run, spec)
    if update.get("max_concurrency") is not None:
        limit = int(update["max_concurrency"]) or map_run.MAX_CONCURRENCY
        record.max_concurrency = min(limit, map_run.MAX_CONCURRENCY)
    if update.get("tolerated_count") is not None:
        record.tolerated_count = int(update["tolerated_count"])
    if update.get("tolerated_percent") is not None:
        record.tolerated_percent = float(update["tolerated_percent"])
    return _run_goes_on(run, spec, record)


def recover(run: Run) -> None:
    """Make again the calls the Map waits for whose work items were lost: its reader's or writer's, or, while
    its run goes on, the starts of children lost with their process."""
    spec = _spec(run)
    assert run.frame.task is not None
    record = map_run.record(run, spec) if runs_children(run, spec) else None
    if run.frame.task.call is None and record is not None:
        map_run.recover(run, spec, record)
    else:
        task_state.recover(run)


FAN = Fan(states_of=states_of, child_done=child_done, ready=ready, join=join)


HANDLER = StateHandler(enter, fan=FAN, on_task=on_task, recover=recover)
