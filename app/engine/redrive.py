"""Redrive: an execution that failed, timed out or was stopped goes on from where it stopped.

The snapshot an unsuccessful execution ended with still says where each line of execution stood:
the root frame at the state that failed, a Parallel or Map with its branches or iterations. A
redrive runs again only what did not succeed: a frame that failed re-enters the state it failed
in (``failed_at``), with the input that state had; one that was cut short re-enters its current
state; a Parallel or Map keeps the branches and iterations that succeeded and runs the others.
The history goes on after the end it had, from ``ExecutionRedriven``.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.asl.model import StateMachineModel
from app.asl.states.base import StateSpec
from app.asl.states.map_ import MapSpec
from app.durable.snapshot import Frame, Snapshot, iteration_result, result_bytes
from app.durable.statuses import ExecutionStatus
from app.durable.work import DEADLINE_TIMER_ID, WorkKind
from app.engine import map_run
from app.engine.advance import time_limit
from app.engine.run import Run
from app.engine.states import handler_for
from app.engine.states import map_ as map_state
from app.engine.types import EngineOptions, ExecutionInfo, Timer, Transition


def redrive(
    model: StateMachineModel, snapshot: Snapshot, now: float, info: ExecutionInfo, options: EngineOptions
) -> Transition:
    """``ExecutionRedriven`` (redrive ``info.redrive_count``), the unsuccessful frames rewound, and a new deadline."""
    run = Run(model, snapshot.copy(), now, info, options)
    run.emit("ExecutionRedriven", "executionRedrivenEventDetails", {"redriveCount": info.redrive_count})
    _rewind(run, run.snapshot.root, model.states)
    limit = time_limit(model, options)
    run.timers.append(
        Timer(DEADLINE_TIMER_ID, now + limit, kind=WorkKind.TIMEOUT, warn_at=now + limit * options.limit_warning_share)
    )
    run.run_again = True
    return run.transition()


def _rewind(run: Run, frame: Frame, states: Mapping[str, StateSpec]) -> None:
    """Make an unsuccessful frame run again: its fan's unsuccessful children, or its state from entry."""
    if frame.state is None:  # a branch or iteration that failed, or the execution's root
        if frame.failed_at is None:
            return  # ended before frames recorded where they failed: it stays as it ended
        frame.state, frame.failed_at = frame.failed_at, None
        frame.status = frame.output = frame.error = frame.cause = None
        frame.reported = False
    spec = states[frame.state]
    if isinstance(spec, MapSpec) and map_state.runs_children(run, spec):
        run.focus(frame, states)
        record = map_run.record(run, spec)
        if record is not None and record.status != ExecutionStatus.SUCCEEDED:
            map_run.redrive(run, spec, record)  # the same Map Run goes on: its unsuccessful children run again
            frame.timers = {}
            return
    if frame.children is None or (isinstance(spec, MapSpec) and spec.distributed):
        # not started yet (or a distributed Map an Express execution runs inline): the state is entered again
        frame.children = None
        frame.entered = frame.entered_time = frame.task = None
        frame.retries = {}
        frame.timers = {}
        return
    handler = handler_for(spec.type)
    assert handler is not None and handler.fan is not None
    children = frame.children
    for index, child in enumerate(children.frames):
        if child.status == ExecutionStatus.SUCCEEDED:
            continue
        child = children.frames[index] = child.copy()  # a reported child is shared with the read snapshot
        _rewind(run, child, handler.fan.states_of(spec, child))
    frame.timers = {}
    _recount(frame)


def _recount(frame: Frame) -> None:
    """A Map's counts of ended iterations and of what they hold, after its unsuccessful ones were reset."""
    children = frame.children
    if children is not None and children.map is not None:
        ended = [child for child in children.frames if child.status is not None]
        children.map.failures = children.map.kept_input_bytes = 0
        children.map.finished = len(ended)
        children.map.result_bytes = sum(
            result_bytes(iteration_result(child.status, child.output, child.error, child.cause))
            for child in ended
            if child.status is not None
        )
