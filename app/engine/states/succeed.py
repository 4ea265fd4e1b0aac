"""Succeed: ends the execution (or branch) with its processed input as output."""

from __future__ import annotations

from app.engine import dataflow
from app.engine.outcomes import Outcome
from app.engine.run import Run
from app.engine.states.base import StateHandler


def enter(run: Run) -> Outcome:
    if run.state.is_jsonata:
        return dataflow.complete(run, None)
    return dataflow.complete(run, dataflow.select_input(run), result_path=False)


HANDLER = StateHandler(enter)
