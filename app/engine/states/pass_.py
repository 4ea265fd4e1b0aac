"""Pass: the state input, or its ``Result``, shaped by the data-flow fields."""

from __future__ import annotations

from app.asl.states.base import MISSING
from app.asl.states.pass_ import PassSpec
from app.engine import dataflow
from app.engine.outcomes import Outcome
from app.engine.run import Run
from app.engine.states.base import StateHandler


def enter(run: Run) -> Outcome:
    spec = run.state
    assert isinstance(spec, PassSpec)
    if spec.is_jsonata:
        return dataflow.complete(run, None)
    if spec.result is not MISSING:  # the Result replaces the input: no input step runs
        run.inspect("result", spec.result)
        return dataflow.complete(run, spec.result)
    return dataflow.complete(run, dataflow.select_input(run))


HANDLER = StateHandler(enter)
