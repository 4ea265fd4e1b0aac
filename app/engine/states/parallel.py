"""Parallel: every branch runs on the same input; the output is the list of branch outputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.asl.states.base import StateSpec
from app.asl.states.parallel import ParallelSpec
from app.durable.snapshot import Children, Frame
from app.durable.statuses import ExecutionStatus
from app.engine import dataflow
from app.engine.outcomes import Failure, Fork, Outcome
from app.engine.run import Run, new_frame
from app.engine.states.base import Fan, StateHandler


def enter(run: Run) -> Outcome:
    spec = run.state
    assert isinstance(spec, ParallelSpec)
    effective = dataflow.select_input(run)
    started = run.emit("ParallelStateStarted")
    frames = []
    for index, branch in enumerate(spec.branches):
        frame = new_frame(branch.start_at, effective, run.variables)
        frame.branch, frame.last_event = index, started  # each branch's history follows from its start
        frames.append(frame)
    run.frame.children = Children(frames)
    return Fork()


def states_of(spec: StateSpec, child: Frame) -> Mapping[str, StateSpec]:
    assert isinstance(spec, ParallelSpec)
    assert child.branch is not None
    return spec.branches[child.branch].states


def child_done(run: Run, index: int) -> None:
    """Branches report nothing of their own; the join looks at all of them."""


def ready(run: Run) -> bool:
    frames = _branches(run)
    return any(frame.status == ExecutionStatus.FAILED for frame in frames) or all(frame.status for frame in frames)


def join(run: Run) -> Outcome:
    frames = _branches(run)
    failed = next((frame for frame in frames if frame.status == ExecutionStatus.FAILED), None)
    if failed is not None:
        return Failure(failed.error, failed.cause)
    results: list[Any] = [frame.output for frame in frames]
    return dataflow.complete(run, results)


def _branches(run: Run) -> list[Frame]:
    assert run.frame.children is not None
    return run.frame.children.frames


FAN = Fan(states_of=states_of, child_done=child_done, ready=ready, join=join)


HANDLER = StateHandler(enter, fan=FAN)
