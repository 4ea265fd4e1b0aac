"""A state's data flow: how its input becomes the effective input, and its result its output.

JSONPath states: InputPath -> Parameters -> (work) -> ResultSelector -> Assign -> ResultPath ->
OutputPath. JSONata states: ``Arguments``, ``Assign`` and ``Output`` expressions over ``$states``.
Assign and Output both see the variables as they were before the state assigns any.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.asl import jsonata_adapter
from app.asl.errors import RUNTIME, StatesError
from app.asl.handlers import Catcher
from app.asl.intrinsics import evaluate_intrinsic
from app.asl.paths import PathNotFound, apply_io_path, evaluate_path, path_document, set_result_path
from app.asl.payload import missing_field_message, render_template
from app.asl.scope import DataScope
from app.asl.states.base import MISSING
from app.codec import dumps
from app.engine.outcomes import Proceed
from app.engine.run import Run

#: The state types whose data flow has a Parameters step (TestState shows it even when empty).
PARAMETER_STATES = frozenset({"Pass", "Task", "Parallel", "Map"})


def intrinsic(expression: str, scope: DataScope) -> Any:
    """Evaluate an intrinsic function call, resolving its path arguments in ``scope``."""
    return evaluate_intrinsic(expression, scope, _resolve_argument)


def render(run: Run, template: Any, data: Any) -> Any:
    """Render a JSONPath payload template (Parameters, ResultSelector, ...) with ``data`` as ``$``."""
    return render_template(template, run.scope(data), intrinsic)


def call_arguments(run: Run, parameters: Any, arguments: Any, data: Any) -> Any:
    """A Map's ItemReader or ResultWriter call rendered: its ``Arguments`` (JSONata) or its ``Parameters``
    with ``data`` as ``$`` (JSONPath); an empty object when the field is not given."""
    if run.state.is_jsonata:
        return {} if arguments is MISSING else jsonata_value(run, arguments, "Arguments")
    return {} if parameters is MISSING else render(run, parameters, data)


def select_input(run: Run) -> Any:
    """The effective input: InputPath then Parameters (JSONPath), or ``Arguments`` (JSONata)."""
    spec = run.state
    if spec.is_jsonata:
        if spec.arguments is MISSING:
            return run.state_input
        arguments = jsonata_value(run, spec.arguments, "Arguments")
        run.inspect("afterArguments", arguments)
        return arguments
    effective = _io_path(run, spec.input_path, run.state_input)
    if run.inspecting:
        run.inspect("afterInputPath", effective)
    if spec.parameters is not MISSING:
        effective = render(run, spec.parameters, effective)
    if run.inspecting and spec.type in PARAMETER_STATES:
        run.inspect("afterParameters", effective)
    return effective


def complete(run: Run, result: Any, *, result_path: bool = True) -> Proceed:
    """Finish the current state with ``result``: its output and the variables it assigns.

    ``result_path`` is False for states without ResultPath (Choice, Wait, Succeed), whose result
    is their effective input.
    """
    spec = run.state
    if spec.is_jsonata:
        extra = None if result is None else {"result": result}
        assigned = _jsonata_assign(run, spec.assign, extra)
        if spec.output is not MISSING:
            return Proceed(jsonata_value(run, spec.output, "Output", extra), assigned)
        return Proceed(run.state_input if result is None else result, assigned)
    selected = result if spec.result_selector is MISSING else render(run, spec.result_selector, result)
    assigned = render(run, spec.assign, selected) if spec.assign else {}
    combined = set_result_path(spec.result_path, run.state_input, selected) if result_path else selected
    if run.inspecting and result_path:
        run.inspect("afterResultSelector", selected)
        run.inspect("afterResultPath", combined)
    return Proceed(filter_output(run, combined), assigned)


def caught_output(run: Run, catcher: Catcher, error_output: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The output and assignments of a Catcher that handled an error."""
    if run.state.is_jsonata:
        extra = {"errorOutput": error_output}
        assigned = _jsonata_assign(run, catcher.assign, extra)
        output = jsonata_value(run, catcher.output, "Output", extra) if catcher.has_output else error_output
        return output, assigned
    assigned = render(run, catcher.assign, error_output) if catcher.assign else {}
    return set_result_path(catcher.result_path, run.state_input, error_output), assigned


def filter_output(run: Run, value: Any) -> Any:
    """OutputPath over a state's combined output."""
    return _io_path(run, run.state.output_path, value)


def _io_path(run: Run, path: str | None, data: Any) -> Any:
    """InputPath or OutputPath over ``data``; the default ``$`` (nearly every state) costs nothing."""
    if path == "$":
        return data
    return apply_io_path(path, run.scope(data))


def resolve_path(run: Run, path: str, data: Any, field: str) -> Any:
    """A path-valued field (SecondsPath, ErrorPath, ...) resolved against ``data``."""
    scope = run.scope(data)
    try:
        return evaluate_path(path, scope)
    except PathNotFound as missing:
        raise StatesError(RUNTIME, missing_field_message(path, field, path_document(path, scope))) from missing


def count(run: Run, literal: Any, path: str | None, data: Any, field: str) -> int | None:
    """A count a state's field sets literally, by a ``…Path`` into ``data`` or (JSONata) by an expression:
    a non-negative integer, or None when the field is absent or 0 (no limit)."""
    if path is not None:
        value = resolve_path(run, path, data, f"{field}Path")
    elif literal is MISSING:
        return None
    elif run.state.is_jsonata and jsonata_adapter.is_expression(literal):
        value = jsonata_value(run, literal, field)
    else:
        value = literal
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise StatesError(RUNTIME, f"The value of {field} must be a positive integer, but was: {dumps(value)}")
    return value or None


def path_string(run: Run, path: str, field: str) -> str:
    """A path-valued field whose value is used as text (ErrorPath, CausePath: a path or an intrinsic)."""
    if path.startswith("States."):
        value = intrinsic(path, run.scope(run.state_input))
    else:
        value = resolve_path(run, path, run.state_input, field)
    return value if isinstance(value, str) else dumps(value)


def jsonata_value(run: Run, value: Any, field: str, extra: Mapping[str, Any] | None = None) -> Any:
    """Render a JSONata-language field of the current state."""
    return jsonata_adapter.render(value, run.scope(run.state_input), field=field, states_extra=extra)


def jsonata_string(run: Run, value: Any, field: str) -> str:
    rendered = jsonata_value(run, value, field)
    return rendered if isinstance(rendered, str) else dumps(rendered)


def _jsonata_assign(run: Run, assign: Mapping[str, Any], extra: Mapping[str, Any] | None) -> dict[str, Any]:
    if not assign:
        return {}
    rendered: dict[str, Any] = jsonata_value(run, dict(assign), "Assign", extra)
    return rendered


def _resolve_argument(path: str, scope: DataScope) -> Any:
    try:
        return evaluate_path(path, scope)
    except PathNotFound as missing:
        raise StatesError(RUNTIME, missing_field_message(path, path, path_document(path, scope))) from missing
