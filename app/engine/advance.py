"""The interpreter loop: run states in memory until every frame must wait, or the execution ends.

``advance()`` is deterministic: the same snapshot, trigger (with its entropy), time, execution and
options always give the same transition, and the snapshot it is given is left as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.asl import errors, handlers
from app.asl.model import StateMachineModel
from app.asl.states.base import StateSpec
from app.asl.states.map_ import MapSpec
from app.codec import dumps
from app.durable.news import MAX_PAYLOAD_BYTES, Phase, TaskNews, TimeoutKind
from app.durable.snapshot import Frame, MockedRun, Snapshot, TimerPurpose
from app.durable.statuses import ExecutionStatus
from app.durable.work import DEADLINE_TIMER_ID, WorkKind
from app.engine import dataflow, map_run
from app.engine.outcomes import Failure, Outcome, Proceed
from app.engine.run import HistoryLimitReachedError, Run
from app.engine.states import handler_for
from app.engine.states import map_ as map_state
from app.engine.states import task as task_state
from app.engine.types import EngineOptions, ExecutionInfo, Timer, Transition, Trigger

DEFAULT_OPTIONS = EngineOptions()
ENDING_EVENTS = {
    ExecutionStatus.FAILED: "ExecutionFailed",
    ExecutionStatus.ABORTED: "ExecutionAborted",
    ExecutionStatus.TIMED_OUT: "ExecutionTimedOut",
}
FrameTest = Callable[[Frame], bool]


def start(
    model: StateMachineModel,
    info: ExecutionInfo,
    now: float,
    options: EngineOptions = DEFAULT_OPTIONS,
) -> Transition:
    """The first transition of an execution: ``ExecutionStarted`` and the initial snapshot."""
    mocked = None if info.test_case is None else MockedRun(info.test_case)
    run = Run(model, Snapshot(root=Frame(state=model.start_at, input=info.input), mocked=mocked), now, info, options)
    run.emit(
        "ExecutionStarted",
        "executionStartedEventDetails",
        {"input": info.input_text, "inputDetails": {"truncated": False}, "roleArn": info.role_arn},
    )
    limit = time_limit(model, options)
    warn_at = now + limit * options.limit_warning_share
    run.timers.append(Timer(DEADLINE_TIMER_ID, now + limit, kind=WorkKind.TIMEOUT, warn_at=warn_at))
    run.run_again = True
    return run.transition()


def advance(
    model: StateMachineModel,
    snapshot: Snapshot,
    trigger: Trigger,
    now: float,
    info: ExecutionInfo,
    options: EngineOptions = DEFAULT_OPTIONS,
    *,
    owned: bool = False,
) -> Transition:
    """Apply ``trigger`` to a RUNNING execution and run on until it must wait, ends, or uses its budget.

    The snapshot given is left as it was, unless ``owned``: it is the caller's alone (the previous step's of
    one batch of triggers), and is changed in place rather than copied, so that a batch of news costs one copy.
    """
    wanted = _wanted_frame(trigger)
    if wanted is not None and _find_frame(snapshot.root, model.states, wanted) is None:
        return Transition(events=[], snapshot=snapshot)  # stale: the state it was meant for is gone
    run = Run(model, snapshot if owned else snapshot.copy(), now, info, options, trigger.entropy)
    if trigger.kind == WorkKind.STOP:
        _abort_fans(run, run.snapshot.root, model.states)
        _end(run, ExecutionStatus.ABORTED, trigger.error, trigger.cause)
    elif trigger.kind == WorkKind.TIMEOUT:
        _end(run, ExecutionStatus.TIMED_OUT, errors.TIMEOUT, None)
    elif trigger.kind == WorkKind.FAIL:
        _end(run, ExecutionStatus.FAILED, trigger.error, trigger.cause)
    elif trigger.kind == WorkKind.TIMER and trigger.timer_id is not None:
        _fire_timer(run, trigger.timer_id)
    elif trigger.kind == WorkKind.TASK and trigger.news is not None:
        _task_news(run, trigger.news)
    elif trigger.kind == WorkKind.RECOVER:
        _recover(run)
    elif trigger.kind == WorkKind.UPDATE_MAP_RUN and trigger.update is not None:
        _update_map_run(run, trigger.update)
    run.applied = trigger.kind != WorkKind.RUN
    try:
        _drive(run, run.snapshot.root, model.states)
    except HistoryLimitReachedError:
        _end(run, ExecutionStatus.FAILED, errors.RUNTIME, history_limit_cause(options))
    return run.transition()


def history_limit_cause(options: EngineOptions) -> str:
    return (
        f"The execution reached the limit of {options.max_history_events} history events. "
        "Continue the work in a new execution (continue-as-new) before the limit."
    )


def _wanted_frame(trigger: Trigger) -> FrameTest | None:
    """How to find the frame a timer or task trigger is meant for (None: the trigger needs none)."""
    if trigger.kind == WorkKind.TIMER:
        timer_id = trigger.timer_id
        return lambda frame: timer_id in frame.timers
    if trigger.kind == WorkKind.TASK:
        task_id = None if trigger.news is None else trigger.news.task_id
        return lambda frame: frame.task is not None and frame.task.id == task_id
    return None


# --- driving frames ---------------------------------------------------------------------------
def _drive(run: Run, frame: Frame, states: Mapping[str, StateSpec]) -> None:
    """Run one frame until it waits, ends, or the step budget is spent."""
    while run.status == ExecutionStatus.RUNNING and frame.state is not None:
        run.focus(frame, states)
        if frame.suspended:
            return
        if frame.children is not None:
            if not _drive_children(run, frame, states):
                return
            continue
        if frame.entered is not None:
            return  # entered and waiting for an outside trigger
        if run.budget_spent():
            run.run_again = True
            return
        run.steps += 1
        _enter_state(run)


def _drive_children(run: Run, frame: Frame, states: Mapping[str, StateSpec]) -> bool:
    """Drive a Parallel's branches or a Map's iterations; True once the state has moved on.

    A child's end is reported to its parent once, whether the child ended while driven here or
    when a trigger reached it directly (a task's answer, a timer).
    """
    spec = run.state
    handler = handler_for(spec.type)
    assert handler is not None and handler.fan is not None and frame.children is not None
    fan = handler.fan
    while True:
        progressed = False
        for index, child in enumerate(list(frame.children.frames)):
            if child.status is None:
                _drive(run, child, fan.states_of(spec, child))
                if run.status != ExecutionStatus.RUNNING or run.run_again:
                    return False
            if child.status is not None and not child.reported:
                child.reported = True
                run.focus(frame, states)
                _follow(frame, child)  # what the parent records of the child's end follows from that end
                fan.child_done(run, index)
                progressed = True
        run.focus(frame, states)
        if fan.ready(run):
            _settle(run, fan.join)
            return True
        if not progressed:
            return False


def _follow(frame: Frame, child: Frame) -> None:
    """The parent's next event follows from the child's last one, when that is the later of the two."""
    if child.last_event is not None and child.last_event > (frame.last_event or 0):
        frame.last_event = child.last_event


def _fire_timer(run: Run, timer_id: int) -> None:
    located = _find_frame(run.snapshot.root, run.model.states, lambda frame: timer_id in frame.timers)
    assert located is not None
    frame, states = located
    run.focus(frame, states)
    purpose = frame.timers.pop(timer_id).purpose
    handler = handler_for(run.state.type)
    assert handler is not None
    if purpose == TimerPurpose.RETRY:
        _settle(run, handler.enter)
    elif purpose == TimerPurpose.WAIT:
        assert handler.on_timer is not None, "only a timed state arms a wait timer"
        _settle(run, handler.on_timer)
    else:
        on_task = handler.on_task
        assert on_task is not None and frame.task is not None, "only a task arms task timers"
        news = TaskNews(frame.task.id, Phase.TIMED_OUT, reason=TimeoutKind(purpose.value))
        _settle(run, lambda current: on_task(current, news))


def _task_news(run: Run, news: TaskNews) -> None:
    located = _find_frame(
        run.snapshot.root, run.model.states, lambda frame: frame.task is not None and frame.task.id == news.task_id
    )
    assert located is not None
    frame, states = located
    run.focus(frame, states)
    handler = handler_for(run.state.type)
    on_task = None if handler is None else handler.on_task
    assert on_task is not None
    _settle(run, lambda current: on_task(current, news))


def _update_map_run(run: Run, update: dict[str, Any]) -> None:
    """UpdateMapRun: the running Map Run's Map takes its new settings at once."""
    record = run.snapshot.map_run(update["map_run_arn"])
    if record is None or record.status != ExecutionStatus.RUNNING:
        return
    entered = int(record.arn.rsplit("-", 1)[1])  # the id of its MapStateEntered event, unique in the execution
    located = _find_frame(run.snapshot.root, run.model.states, lambda frame: frame.entered == entered)
    if located is None:
        return
    run.focus(*located)
    _settle(run, lambda current: map_state.update_run(current, update))


def _find_frame(
    frame: Frame, states: Mapping[str, StateSpec], wanted: FrameTest
) -> tuple[Frame, Mapping[str, StateSpec]] | None:
    """The frame (and its states) that ``wanted`` picks, searching the whole tree."""
    if wanted(frame):
        return frame, states
    if frame.children is None or frame.state is None:
        return None
    spec = states[frame.state]
    handler = handler_for(spec.type)
    assert handler is not None and handler.fan is not None
    for child in frame.children.frames:
        found = _find_frame(child, handler.fan.states_of(spec, child), wanted)
        if found is not None:
            return found
    return None


def _recover(run: Run) -> None:
    """Re-arm every timer and re-issue every call the snapshot waits for (their work items were lost)."""
    stack: list[tuple[Frame, Mapping[str, StateSpec]]] = [(run.snapshot.root, run.model.states)]
    while stack:
        frame, states = stack.pop()
        run.timers.extend(Timer(timer_id, timer.due) for timer_id, timer in frame.timers.items())
        if frame.state is None:
            continue
        run.focus(frame, states)
        handler = handler_for(run.state.type)
        assert handler is not None
        if frame.task is not None:
            (handler.recover or task_state.recover)(run)
        if frame.children is not None:
            assert handler.fan is not None
            stack.extend((child, handler.fan.states_of(run.state, child)) for child in frame.children.frames)
    began = run.info.start_time if run.info.redrive_time is None else run.info.redrive_time
    deadline = began + time_limit(run.model, run.options)
    run.timers.append(Timer(DEADLINE_TIMER_ID, deadline, kind=WorkKind.TIMEOUT))


def time_limit(model: StateMachineModel, options: EngineOptions) -> float:
    """The execution's deadline after its start: TimeoutSeconds, within the service's maximum duration."""
    if model.timeout_seconds is None:
        return options.max_execution_seconds
    return min(options.max_execution_seconds, float(model.timeout_seconds))


def _abort_fans(run: Run, frame: Frame, states: Mapping[str, StateSpec]) -> None:
    """A stopped execution aborts its running Map iterations and Map/Parallel states, innermost first."""
    if frame.state is None:
        return
    spec = states[frame.state]
    if isinstance(spec, MapSpec) and map_state.runs_children(run, spec):  # its children are stopped with the execution
        run.focus(frame, states)
        record = map_run.record(run, spec)
        if record is not None and record.status == ExecutionStatus.RUNNING:
            map_run.end(run, record, ExecutionStatus.ABORTED)
            run.emit("MapRunAborted")
        return
    if frame.children is None:
        return
    handler = handler_for(spec.type)
    assert handler is not None and handler.fan is not None
    for child in frame.children.frames:
        if child.status is None:
            _abort_fans(run, child, handler.fan.states_of(spec, child))
            if child.item is not None:
                details = {"name": spec.name, "index": child.item.index}
                run.emit("MapIterationAborted", "mapIterationAbortedEventDetails", details)
    run.emit(f"{spec.type}StateAborted")


# --- one state ----------------------------------------------------------------------------------
def _enter_state(run: Run) -> None:
    spec = run.state
    entered = run.emit(
        f"{spec.type}StateEntered",
        "stateEnteredEventDetails",
        {"name": spec.name, "input": dumps(run.state_input), "inputDetails": {"truncated": False}},
    )
    run.frame.entered = entered
    run.frame.entered_time = run.now
    handler = handler_for(spec.type)
    if handler is None:
        _state_error(run, errors.RUNTIME, _prefix(run, f"State type '{spec.type}' is not supported."))
        return
    _settle(run, handler.enter)


def _settle(run: Run, step: Callable[[Run], Outcome | None]) -> None:
    """Run a handler step and act on its outcome; run-time errors go to Retry/Catch."""
    try:
        outcome = step(run)
    except errors.StatesError as failure:
        cause = failure.cause if failure.error == errors.DATA_LIMIT_EXCEEDED else _prefix(run, failure.cause)
        if failure.error == errors.QUERY_EVALUATION_ERROR:
            # Only where the expression failed: a Map or Parallel that a failed branch fails records none.
            run.emit(
                "EvaluationFailed",
                "evaluationFailedEventDetails",
                {"error": failure.error, "cause": cause, "state": run.state.name},
            )
        _state_error(run, failure.error, cause)
        return
    if isinstance(outcome, Proceed):
        _exit_state(run, outcome)
    elif isinstance(outcome, Failure):
        _state_error(run, outcome.error, outcome.cause)


def _exit_state(run: Run, proceed: Proceed) -> None:
    spec = run.state
    text = dumps(proceed.output)
    if len(text.encode()) > MAX_PAYLOAD_BYTES:
        _frame_fails(run, errors.DATA_LIMIT_EXCEEDED, errors.oversized_result(spec.name))
        return
    details: dict[str, Any] = {"name": spec.name, "output": text, "outputDetails": {"truncated": False}}
    if proceed.assigned:
        details["assignedVariables"] = {name: dumps(value) for name, value in proceed.assigned.items()}
        details["assignedVariablesDetails"] = {"truncated": False}
    if not _exit_unrecorded(run, spec, proceed):
        run.emit(f"{spec.type}StateExited", "stateExitedEventDetails", details)
    run.variables.update(proceed.assigned)
    frame = run.frame
    run.drop_children()
    frame.entered = frame.entered_time = frame.task = None
    frame.retries = {}
    frame.timers = {}
    target = proceed.next or spec.next
    if spec.type == "Succeed" or target is None:
        _frame_succeeds(run, proceed.output)
        return
    frame.state = target
    frame.input = proceed.output


def _state_error(run: Run, error: str | None, cause: str | None) -> None:
    """A state failed: record it, then retry it, catch it, or fail its frame."""
    spec = run.state
    name = error or ""
    run.inspect("error", {"error": name, "cause": cause})
    if _retry(run, spec, name):
        return
    catcher_index = handlers.first_match(spec.catch, name)
    # As AWS records them: a Map's failure always, a Parallel's only when no Catch takes it.
    if spec.type == "Map" or (spec.type == "Parallel" and catcher_index is None):
        run.emit(f"{spec.type}StateFailed")
    if catcher_index is not None:
        run.inspect("catchIndex", catcher_index)
        _catch(run, spec.catch[catcher_index], name, cause)
        return
    _frame_fails(run, error, cause)


def _retry(run: Run, spec: StateSpec, error: str) -> bool:
    index = handlers.first_match(spec.retry, error)
    if index is None:
        return False
    retrier = spec.retry[index]
    retries = run.frame.retries
    attempt = retries.get(index, 0)
    if attempt >= retrier.max_attempts:
        return False
    retries[index] = attempt + 1
    run.drop_children()
    delay = handlers.backoff_seconds(retrier, attempt, run.rng()) * run.options.wait_time_scale
    run.arm_timer(run.now + delay, TimerPurpose.RETRY)
    return True


def _catch(run: Run, catcher: handlers.Catcher, error: str, cause: str | None) -> None:
    error_output = {"Error": error, "Cause": cause}
    try:
        output, assigned = dataflow.caught_output(run, catcher, error_output)
    except errors.StatesError as failure:
        _frame_fails(run, failure.error, _prefix(run, failure.cause))
        return
    _exit_state(run, Proceed(output, assigned, next=catcher.next))


# --- ending frames and the execution --------------------------------------------------------------
def _frame_succeeds(run: Run, output: Any) -> None:
    if not run.is_root:
        _frame_ends(run.frame, ExecutionStatus.SUCCEEDED, output=output)
        return
    run.emit(
        "ExecutionSucceeded",
        "executionSucceededEventDetails",
        {"output": dumps(output), "outputDetails": {"truncated": False}},
    )
    run.finish(ExecutionStatus.SUCCEEDED, output=output)


def _exit_unrecorded(run: Run, spec: StateSpec, proceed: Proceed) -> bool:
    """AWS records no exit of a Parallel that ends a branch of another Parallel (the outer one's exit
    follows its branches' last events)."""
    return spec.type == "Parallel" and run.frame.branch is not None and (proceed.next or spec.next) is None


def _frame_fails(run: Run, error: str | None, cause: str | None) -> None:
    if not run.is_root:
        if run.frame.branch is not None and run.state.type != "Fail":
            # AWS records the state whose failure ends a Parallel's branch as aborted (a Fail state ends it).
            run.emit(f"{run.state.type}StateAborted")
        run.frame.failed_at = run.frame.state
        _frame_ends(run.frame, ExecutionStatus.FAILED, error=error, cause=cause)
        return
    _end(run, ExecutionStatus.FAILED, error, cause)


def _frame_ends(
    frame: Frame, status: ExecutionStatus, *, output: Any = None, error: str | None = None, cause: str | None = None
) -> None:
    """A branch or iteration has ended; its parent reports it."""
    frame.state = None
    frame.status, frame.output, frame.error, frame.cause = status, output, error, cause


def _end(run: Run, status: ExecutionStatus, error: str | None, cause: str | None) -> None:
    """The execution ends without an output: failed, aborted or timed out."""
    event_type = ENDING_EVENTS[status]
    details = {key: value for key, value in (("error", error), ("cause", cause)) if value is not None}
    run.emit(event_type, event_type[0].lower() + event_type[1:] + "EventDetails", details)
    run.finish(status, error=error, cause=cause)


def _prefix(run: Run, cause: str) -> str:
    return (
        f"An error occurred while executing the state '{run.state.name}' "
        f"(entered at the event id #{run.frame.entered}). {cause}"
    )
