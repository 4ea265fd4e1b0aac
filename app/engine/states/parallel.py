"""Parallel: every branch runs on the same input; the output is the list of branch outputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.asl.states.base import StateSpec
from app.asl.states.parallel import ParallelSpec
from app.engine import dataflow
from app.engine.outcomes import Failure, Fork, Outcome
from app.engine.run import Frame, Run, new_frame
from app.engine.states.base import Fan
from app.engine.types import FAILED


def enter(run: Run) -> Outcome:
    spec = run.state
    assert isinstance(spec, ParallelSpec)
    effective = dataflow.select_input(run)
    run.emit("ParallelStateStarted")
    frames = []
    for index, branch in enumerate(spec.branches):
        frame = new_frame(branch.start_at, effective, run.variables)
        frame["branch"] = index
        frames.append(frame)
    run.frame["kids"] = {"frames": frames}
    return Fork()


def states_of(spec: StateSpec, child: Frame) -> Mapping[str, StateSpec]:
    assert isinstance(spec, ParallelSpec)
    return spec.branches[child["branch"]].states


def child_done(run: Run, index: int) -> None:
    """Branches report nothing of their own; the join looks at all of them."""


def ready(run: Run) -> bool:
    frames = run.frame["kids"]["frames"]
    return any(frame.get("status") == FAILED for frame in frames) or all(frame.get("status") for frame in frames)


def join(run: Run) -> Outcome:
    frames: list[Frame] = run.frame["kids"]["frames"]
    failed = next((frame for frame in frames if frame.get("status") == FAILED), None)
    if failed is not None:
        return Failure(failed.get("error"), failed.get("cause"))
    results: list[Any] = [frame.get("output") for frame in frames]
    return dataflow.complete(run, results)


FAN = Fan(states_of=states_of, child_done=child_done, ready=ready, join=join)
