"""The interpreter loop: run states in memory until every frame must wait, or the execution ends."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.asl import errors, handlers
from app.asl.model import StateMachineModel
from app.asl.states.base import StateSpec
from app.codec import dumps
from app.engine import dataflow
from app.engine.outcomes import Failure, Outcome, Proceed
from app.engine.run import Frame, HistoryLimitReachedError, Run, is_suspended
from app.engine.states import handler_for
from app.engine.states import task as task_state
from app.engine.types import (
    ABORTED,
    FAILED,
    RUNNING,
    SUCCEEDED,
    TIMED_OUT,
    EngineOptions,
    ExecutionInfo,
    Timer,
    Transition,
    Trigger,
)

DEFAULT_OPTIONS = EngineOptions()
MAX_PAYLOAD_BYTES = 262_144
FAILED_EVENT_TYPES = {"Map": "MapStateFailed", "Parallel": "ParallelStateFailed"}


def start(
    model: StateMachineModel,
    info: ExecutionInfo,
    raw_input: str,
    now: float,
    options: EngineOptions = DEFAULT_OPTIONS,
) -> Transition:
    """The first transition of an execution: ``ExecutionStarted`` and the initial snapshot."""
    snapshot: dict[str, Any] = {
        "state": model.start_at,
        "input": info.input,
        "vars": {},
        "entered": None,
        "last_event_id": 0,
        "seq": 0,
    }
    run = Run(model, snapshot, now, info, options)
    run.emit(
        "ExecutionStarted",
        "executionStartedEventDetails",
        {"input": raw_input, "inputDetails": {"truncated": False}, "roleArn": info.role_arn},
    )
    limit = _time_limit(model, options)
    run.timers.append(Timer(0, now + limit, kind="timeout", warn_at=now + limit * options.limit_warning_share))
    run.run_again = True
    return run.transition()


def advance(
    model: StateMachineModel,
    snapshot: dict[str, Any],
    trigger: Trigger,
    now: float,
    info: ExecutionInfo,
    options: EngineOptions = DEFAULT_OPTIONS,
) -> Transition:
    """Apply ``trigger`` to a RUNNING execution and run on until it must wait, ends, or uses its budget."""
    run = Run(model, snapshot, now, info, options)
    if trigger.kind == "stop":
        _abort_fans(run, run.snapshot, model.states)
        _end(run, ABORTED, "ExecutionAborted", "executionAbortedEventDetails", trigger.error, trigger.cause)
    elif trigger.kind == "timeout":
        _end(run, TIMED_OUT, "ExecutionTimedOut", "executionTimedOutEventDetails", errors.TIMEOUT, None)
    elif trigger.kind == "timer" and not _fire_timer(run, trigger.timer_id):
        return run.transition()  # stale: the state that armed it is gone
    elif trigger.kind == "task" and not _task_news(run, trigger.payload or {}):
        return run.transition()  # stale: the task is no longer running
    if trigger.kind == "recover":
        _recover(run)
    run.applied = trigger.kind != "run"
    try:
        _drive(run, run.snapshot, model.states)
    except HistoryLimitReachedError:
        _end(
            run, FAILED, "ExecutionFailed", "executionFailedEventDetails", errors.RUNTIME, history_limit_cause(options)
        )
    return run.transition()


def history_limit_cause(options: EngineOptions) -> str:
    return (
        f"The execution reached the limit of {options.max_history_events} history events. "
        "Continue the work in a new execution (continue-as-new) before the limit."
    )


# --- driving frames ---------------------------------------------------------------------------
def _drive(run: Run, frame: Frame, states: Mapping[str, StateSpec]) -> None:
    """Run one frame until it waits, ends, or the step budget is spent."""
    while run.status == RUNNING and frame["state"] is not None:
        run.focus(frame, states)
        if is_suspended(frame):
            return
        if "kids" in frame:
            if not _drive_kids(run, frame, states):
                return
            continue
        if frame["entered"] is not None:
            return  # entered and waiting for an outside trigger
        if run.steps >= run.options.step_budget:
            run.run_again = True
            return
        run.steps += 1
        _enter_state(run)


def _drive_kids(run: Run, frame: Frame, states: Mapping[str, StateSpec]) -> bool:
    """Drive a Parallel's branches or a Map's iterations; True once the state has moved on."""
    spec = states[frame["state"]]
    handler = handler_for(spec.type)
    assert handler is not None and handler.fan is not None
    fan = handler.fan
    while True:
        progressed = False
        for index, child in enumerate(list(frame["kids"]["frames"])):
            if child.get("status") is not None:
                continue
            _drive(run, child, fan.states_of(spec, child))
            if run.status != RUNNING or run.run_again:
                return False
            if child.get("status") is not None:
                run.focus(frame, states)
                fan.child_done(run, index)
                progressed = True
        run.focus(frame, states)
        if fan.ready(run):
            _settle(run, fan.join)
            return True
        if not progressed:
            return False


def _fire_timer(run: Run, timer_id: int | None) -> bool:
    located = _find_frame(run.snapshot, run.model.states, lambda frame: str(timer_id) in frame.get("timers", {}))
    if located is None:
        return False
    frame, states = located
    run.focus(frame, states)
    purpose = frame["timers"].pop(str(timer_id))
    frame.get("timer_due", {}).pop(str(timer_id), None)
    handler = handler_for(run.state.type)
    assert handler is not None
    if purpose == "retry":
        _settle(run, handler.enter)
    elif purpose == "wait":
        assert handler.on_timer is not None, "only a timed state arms a wait timer"
        _settle(run, handler.on_timer)
    else:
        assert handler.on_task is not None, "only a task arms task timers"
        news = {"phase": "timed_out", "reason": purpose}
        _settle(run, lambda current: handler.on_task(current, news) if handler.on_task else None)
    return True


def _task_news(run: Run, payload: dict[str, Any]) -> bool:
    task_id = payload.get("task_id")
    located = _find_frame(run.snapshot, run.model.states, lambda frame: frame.get("task", {}).get("id") == task_id)
    if located is None:
        return False
    run.focus(*located)
    handler = handler_for(run.state.type)
    assert handler is not None and handler.on_task is not None
    _settle(run, lambda current: handler.on_task(current, payload) if handler.on_task else None)
    return True


def _find_frame(
    frame: Frame, states: Mapping[str, StateSpec], wanted: Callable[[Frame], bool]
) -> tuple[Frame, Mapping[str, StateSpec]] | None:
    """The frame (and its states) that ``wanted`` picks, searching the whole tree."""
    if wanted(frame):
        return frame, states
    if "kids" not in frame or frame["state"] is None:
        return None
    spec = states[frame["state"]]
    handler = handler_for(spec.type)
    assert handler is not None and handler.fan is not None
    for child in frame["kids"]["frames"]:
        found = _find_frame(child, handler.fan.states_of(spec, child), wanted)
        if found is not None:
            return found
    return None


def _recover(run: Run) -> None:
    """Re-arm every timer and re-issue every call the snapshot waits for (their work items were lost)."""
    stack: list[tuple[Frame, Mapping[str, StateSpec]]] = [(run.snapshot, run.model.states)]
    while stack:
        frame, states = stack.pop()
        for timer_id, due in frame.get("timer_due", {}).items():
            run.timers.append(Timer(int(timer_id), float(due)))
        if frame.get("state") is None:
            continue
        run.focus(frame, states)
        if "task" in frame:
            task_state.recover(run)
        if "kids" in frame:
            fan = handler_for(run.state.type)
            assert fan is not None and fan.fan is not None
            stack.extend((child, fan.fan.states_of(run.state, child)) for child in frame["kids"]["frames"])
    run.timers.append(Timer(0, run.info.start_time + _time_limit(run.model, run.options), kind="timeout"))


def _time_limit(model: StateMachineModel, options: EngineOptions) -> float:
    """The execution's deadline after its start: TimeoutSeconds, within the service's maximum duration."""
    if model.timeout_seconds is None:
        return options.max_execution_seconds
    return min(options.max_execution_seconds, float(model.timeout_seconds))


def _abort_fans(run: Run, frame: Frame, states: Mapping[str, StateSpec]) -> None:
    """A stopped execution aborts its running Map iterations and Map/Parallel states, innermost first."""
    if "kids" not in frame or frame["state"] is None:
        return
    spec = states[frame["state"]]
    handler = handler_for(spec.type)
    assert handler is not None and handler.fan is not None
    for child in frame["kids"]["frames"]:
        if child.get("status") is None:
            _abort_fans(run, child, handler.fan.states_of(spec, child))
            if "map_item" in child:
                details = {"name": spec.name, "index": child["map_item"]["Index"]}
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
    run.frame["entered"] = entered
    run.frame["entered_time"] = run.now
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
        _frame_fails(
            run,
            errors.DATA_LIMIT_EXCEEDED,
            f"The state/task '{spec.name}' returned a result with a size exceeding the maximum number of bytes "
            "service limit.",
        )
        return
    details: dict[str, Any] = {"name": spec.name, "output": text, "outputDetails": {"truncated": False}}
    if proceed.assigned:
        details["assignedVariables"] = {name: dumps(value) for name, value in proceed.assigned.items()}
        details["assignedVariablesDetails"] = {"truncated": False}
    run.emit(f"{spec.type}StateExited", "stateExitedEventDetails", details)
    run.variables.update(proceed.assigned)
    frame = run.frame
    run.drop_children()
    for key in ("entered", "entered_time", "retries", "timers", "timer_due", "task"):
        frame.pop(key, None)
    frame["entered"] = None
    target = proceed.next or spec.next
    if spec.type == "Succeed" or target is None:
        _frame_succeeds(run, proceed.output)
        return
    frame["state"] = target
    frame["input"] = proceed.output


def _state_error(run: Run, error: str | None, cause: str | None) -> None:
    """A state failed: record it, then retry it, catch it, or fail its frame."""
    spec = run.state
    name = error or ""
    if name == errors.QUERY_EVALUATION_ERROR:
        run.emit(
            "EvaluationFailed",
            "evaluationFailedEventDetails",
            {"error": name, "cause": cause or "", "state": spec.name},
        )
    if _retry(run, spec, name):
        return
    if spec.type in FAILED_EVENT_TYPES:
        run.emit(FAILED_EVENT_TYPES[spec.type])
    catcher_index = handlers.first_match(spec.catch, name)
    if catcher_index is not None:
        _catch(run, spec.catch[catcher_index], name, cause)
        return
    _frame_fails(run, error, cause)


def _retry(run: Run, spec: StateSpec, error: str) -> bool:
    index = handlers.first_match(spec.retry, error)
    if index is None:
        return False
    retrier = spec.retry[index]
    retries: dict[str, int] = run.frame.setdefault("retries", {})
    attempt = retries.get(str(index), 0)
    if attempt >= retrier.max_attempts:
        return False
    retries[str(index)] = attempt + 1
    run.drop_children()
    delay = handlers.backoff_seconds(retrier, attempt, run.rng()) * run.options.wait_time_scale
    run.arm_timer(run.now + delay, purpose="retry")
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
        run.frame.update(state=None, status=SUCCEEDED, output=output)
        return
    run.emit(
        "ExecutionSucceeded",
        "executionSucceededEventDetails",
        {"output": dumps(output), "outputDetails": {"truncated": False}},
    )
    run.finish(SUCCEEDED, output=output)


def _frame_fails(run: Run, error: str | None, cause: str | None) -> None:
    if not run.is_root:
        run.frame.update(state=None, status=FAILED, error=error, cause=cause)
        return
    _end(run, FAILED, "ExecutionFailed", "executionFailedEventDetails", error, cause)


def _end(run: Run, status: str, event_type: str, details_key: str, error: str | None, cause: str | None) -> None:
    details = {key: value for key, value in (("error", error), ("cause", cause)) if value is not None}
    run.emit(event_type, details_key, details)
    run.finish(status, error=error, cause=cause)


def _prefix(run: Run, cause: str) -> str:
    return (
        f"An error occurred while executing the state '{run.state.name}' "
        f"(entered at the event id #{run.frame['entered']}). {cause}"
    )
