"""Succeed: ends the execution (or branch) with its processed input as output."""

from __future__ import annotations

from app.engine import dataflow
from app.engine.outcomes import Outcome, Proceed
from app.engine.run import Run


def enter(run: Run) -> Outcome:
    if run.state.is_jsonata:
        return Proceed(dataflow.jsonata_output(run, result=None))
    return Proceed(dataflow.filter_output(run, dataflow.select_input(run)))
