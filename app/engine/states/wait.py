"""Wait: holds the execution on a durable timer, then passes its input on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.asl import errors
from app.asl.states.base import MISSING
from app.asl.states.wait import WaitSpec
from app.engine import dataflow
from app.engine.outcomes import Outcome, Suspend
from app.engine.run import Run
from app.engine.states.base import StateHandler

_TIMESTAMP_FORMAT_HINT = "ISO-8601 extended offset date-time format string"
MAX_WAIT_SECONDS = 99_999_999


def enter(run: Run) -> Outcome:
    spec = run.state
    assert isinstance(spec, WaitSpec)
    due = _due(run, spec)
    if due <= run.now:
        return on_timer(run)
    run.arm_timer(due)
    return Suspend()


def on_timer(run: Run) -> Outcome:
    if run.state.is_jsonata:
        return dataflow.complete(run, None)
    return dataflow.complete(run, dataflow.select_input(run), result_path=False)


def _due(run: Run, spec: WaitSpec) -> float:
    scale = run.options.wait_time_scale
    if spec.seconds is not MISSING:
        seconds = _seconds_value(run, spec.seconds)
        return run.now + seconds * scale
    if spec.timestamp is not MISSING:
        return _timestamp_value(run, spec.timestamp)
    if spec.seconds_path is not None:
        value = dataflow.resolve_path(run, spec.seconds_path, run.state_input, "SecondsPath")
        if isinstance(value, bool) or not isinstance(value, int):
            raise errors.StatesError(
                errors.RUNTIME,
                f"The SecondsPath parameter cannot be parsed as a long value: {spec.seconds_path} == {value}",
            )
        return run.now + max(value, 0) * scale
    assert spec.timestamp_path is not None
    value = dataflow.resolve_path(run, spec.timestamp_path, run.state_input, "TimestampPath")
    parsed = parse_timestamp(value)
    if parsed is None:
        raise errors.StatesError(
            errors.RUNTIME,
            f"The TimestampPath parameter does not reference a valid {_TIMESTAMP_FORMAT_HINT}: "
            f"{spec.timestamp_path} == {value}",
        )
    return parsed


def _seconds_value(run: Run, value: Any) -> int:
    if not run.state.is_jsonata:
        return int(value)
    evaluated = dataflow.jsonata_value(run, value, "Seconds")
    valid = isinstance(evaluated, int | float) and not isinstance(evaluated, bool) and evaluated == int(evaluated)
    if not valid or not 0 <= evaluated <= MAX_WAIT_SECONDS:
        raise errors.StatesError(
            errors.QUERY_EVALUATION_ERROR,
            f"The Seconds field must be an integer from 0 to {MAX_WAIT_SECONDS}: {evaluated}",
        )
    return int(evaluated)


def _timestamp_value(run: Run, value: Any) -> float:
    evaluated = dataflow.jsonata_value(run, value, "Timestamp") if run.state.is_jsonata else value
    parsed = parse_timestamp(evaluated)
    if parsed is None:
        raise errors.StatesError(
            errors.QUERY_EVALUATION_ERROR if run.state.is_jsonata else errors.RUNTIME,
            f"The Timestamp field cannot be parsed as an {_TIMESTAMP_FORMAT_HINT}: {evaluated}",
        )
    return parsed


def parse_timestamp(value: Any) -> float | None:
    """Epoch seconds of an RFC 3339 timestamp with a ``T`` and an offset, or None if it is not one."""
    if not isinstance(value, str) or "T" not in value:
        return None
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return float(int(moment.timestamp()))  # AWS counts to the second and drops milliseconds


HANDLER = StateHandler(enter, on_timer=on_timer)
