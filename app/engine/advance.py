"""The interpreter loop: run states in memory until the execution must wait or ends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.asl import errors
from app.asl.model import StateMachineModel
from app.engine.jsontext import dumps
from app.engine.outcomes import FailExecution, Outcome, Proceed
from app.engine.run import Run
from app.engine.states import handler_for
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
        "last_event_id": 0,
        "seq": 0,
        "timer": None,
    }
    run = Run(model, snapshot, now, info, options)
    run.emit(
        "ExecutionStarted",
        "executionStartedEventDetails",
        {"input": raw_input, "inputDetails": {"truncated": False}, "roleArn": info.role_arn},
    )
    if model.timeout_seconds is not None:
        run.timers.append(Timer(0, now + model.timeout_seconds, kind="timeout"))
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
        _end(run, ABORTED, "ExecutionAborted", "executionAbortedEventDetails", trigger.error, trigger.cause)
    elif trigger.kind == "timeout":
        _end(run, TIMED_OUT, "ExecutionTimedOut", "executionTimedOutEventDetails", errors.TIMEOUT, None)
    elif trigger.kind == "timer":
        if trigger.timer_id is None or trigger.timer_id != run.snapshot.get("timer"):
            return run.transition()  # stale: the state it was armed for is gone
        run.snapshot["timer"] = None
        handler = handler_for(run.state.type)
        assert handler is not None and handler.on_timer is not None, "only a timed state arms a timer"
        _settle(run, handler.on_timer)
    _run_states(run)
    return run.transition()


def _run_states(run: Run) -> None:
    steps = 0
    while run.status == RUNNING and not run.suspended and run.snapshot["state"] is not None:
        if steps >= run.options.step_budget:
            run.run_again = True
            return
        steps += 1
        _enter_state(run)


def _enter_state(run: Run) -> None:
    spec = run.state
    entered = run.emit(
        f"{spec.type}StateEntered",
        "stateEnteredEventDetails",
        {"name": spec.name, "input": dumps(run.state_input), "inputDetails": {"truncated": False}},
    )
    run.snapshot["entered"] = entered
    run.snapshot["entered_time"] = run.now
    handler = handler_for(spec.type)
    if handler is None:
        _fail(run, errors.RUNTIME, _prefix(run, f"State type '{spec.type}' is not supported by this engine."))
        return
    _settle(run, handler.enter)


def _settle(run: Run, step: Callable[[Run], Outcome]) -> None:
    """Run a handler step and act on its outcome; run-time errors fail the execution."""
    try:
        outcome = step(run)
    except errors.StatesError as failure:
        _fail(run, failure.error, _prefix(run, failure.cause))
        return
    if isinstance(outcome, Proceed):
        _exit_state(run, outcome.output)
    elif isinstance(outcome, FailExecution):
        _fail(run, outcome.error, outcome.cause)


def _exit_state(run: Run, output: Any) -> None:
    spec = run.state
    run.emit(
        f"{spec.type}StateExited",
        "stateExitedEventDetails",
        {"name": spec.name, "output": dumps(output), "outputDetails": {"truncated": False}},
    )
    if spec.type == "Succeed" or spec.end or spec.next is None:
        run.emit(
            "ExecutionSucceeded",
            "executionSucceededEventDetails",
            {"output": dumps(output), "outputDetails": {"truncated": False}},
        )
        run.finish(SUCCEEDED, output=output)
        return
    run.snapshot["state"] = spec.next
    run.snapshot["input"] = output


def _fail(run: Run, error: str | None, cause: str | None) -> None:
    _end(run, FAILED, "ExecutionFailed", "executionFailedEventDetails", error, cause)


def _end(
    run: Run, status: str, event_type: str, details_key: str, error: str | None, cause: str | None
) -> None:
    details = {key: value for key, value in (("error", error), ("cause", cause)) if value is not None}
    run.emit(event_type, details_key, details)
    run.finish(status, error=error, cause=cause)


def _prefix(run: Run, cause: str) -> str:
    return (
        f"An error occurred while executing the state '{run.state.name}' "
        f"(entered at the event id #{run.snapshot['entered']}). {cause}"
    )
