"""Fail: ends the execution with an error and cause, literal or read from the input."""

from __future__ import annotations

from typing import Any

from app.asl.states.base import MISSING
from app.asl.states.fail import FailSpec
from app.engine import dataflow
from app.engine.outcomes import Failure, Outcome
from app.engine.run import Run
from app.engine.states.base import StateHandler


def enter(run: Run) -> Outcome:
    spec = run.state
    assert isinstance(spec, FailSpec)
    return Failure(
        error=_field(run, spec.error, spec.error_path, "Error"),
        cause=_field(run, spec.cause, spec.cause_path, "Cause"),
    )


def _field(run: Run, literal: Any, path: str | None, name: str) -> str | None:
    if run.state.is_jsonata and literal is not MISSING:
        return dataflow.jsonata_string(run, literal, name)
    if literal is not MISSING:
        return str(literal)
    if path is not None:
        return dataflow.path_string(run, path, f"{name}Path")
    return None


HANDLER = StateHandler(enter)
