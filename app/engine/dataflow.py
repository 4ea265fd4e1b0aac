"""A state's data flow: how its input becomes the effective input, and its result its output.

JSONPath states: InputPath -> Parameters -> (work) -> ResultSelector -> ResultPath -> OutputPath.
JSONata states: ``Arguments`` and ``Output`` expressions over ``$states``.
"""

from __future__ import annotations

from typing import Any

from app.asl import jsonata_adapter
from app.asl.errors import RUNTIME, StatesError
from app.asl.intrinsics import evaluate_intrinsic
from app.asl.paths import PathNotFound, apply_io_path, evaluate_path, path_document, set_result_path
from app.asl.payload import missing_field_message, render_template
from app.asl.scope import DataScope
from app.asl.states.base import MISSING
from app.engine.jsontext import dumps
from app.engine.run import Run


def intrinsic(expression: str, scope: DataScope) -> Any:
    """Evaluate an intrinsic function call, resolving its path arguments in ``scope``."""
    return evaluate_intrinsic(expression, scope, _resolve_argument)


def render(run: Run, template: Any, data: Any) -> Any:
    """Render a JSONPath payload template (Parameters, ResultSelector, ...) with ``data`` as ``$``."""
    return render_template(template, run.scope(data), intrinsic)


def select_input(run: Run) -> Any:
    """InputPath, then Parameters: the effective input of a JSONPath state."""
    spec = run.state
    effective = apply_io_path(spec.input_path, run.scope(run.state_input))
    if spec.parameters is not MISSING:
        effective = render(run, spec.parameters, effective)
    return effective


def shape_output(run: Run, result: Any) -> Any:
    """ResultPath onto the raw state input, then OutputPath."""
    combined = set_result_path(run.state.result_path, run.state_input, result)
    return filter_output(run, combined)


def filter_output(run: Run, value: Any) -> Any:
    """OutputPath alone, for states without a result (Wait, Succeed)."""
    return apply_io_path(run.state.output_path, run.scope(value))


def resolve_path(run: Run, path: str, data: Any, field: str) -> Any:
    """A path-valued field (SecondsPath, ErrorPath, ...) resolved against ``data``."""
    scope = run.scope(data)
    try:
        return evaluate_path(path, scope)
    except PathNotFound as missing:
        raise StatesError(
            RUNTIME, missing_field_message(path, field, path_document(path, scope))
        ) from missing


def path_string(run: Run, path: str, field: str) -> str:
    """A path-valued field whose value is used as text (ErrorPath, CausePath)."""
    value = resolve_path(run, path, run.state_input, field)
    return value if isinstance(value, str) else dumps(value)


def jsonata_value(run: Run, value: Any, field: str, result: Any = None) -> Any:
    """Render a JSONata-language field of the current state."""
    extra = None if result is None else {"result": result}
    return jsonata_adapter.render(value, run.scope(run.state_input), field=field, states_extra=extra)


def jsonata_string(run: Run, value: Any, field: str) -> str:
    rendered = jsonata_value(run, value, field)
    return rendered if isinstance(rendered, str) else dumps(rendered)


def jsonata_output(run: Run, result: Any) -> Any:
    """A JSONata state's output: its ``Output`` expression, else the result, else the input."""
    spec = run.state
    if spec.output is not MISSING:
        return jsonata_value(run, spec.output, "Output", result)
    return run.state_input if result is None else result


def _resolve_argument(path: str, scope: DataScope) -> Any:
    try:
        return evaluate_path(path, scope)
    except PathNotFound as missing:
        raise StatesError(RUNTIME, missing_field_message(path, path, path_document(path, scope))) from missing
