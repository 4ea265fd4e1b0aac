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
    effective = dataflow.select_input(run)
    return dataflow.complete(run, effective if spec.result is MISSING else spec.result)


HANDLER = StateHandler(enter)
