"""Payload templates of the JSONPath language: Parameters, ResultSelector, ItemSelector.

A template is JSON whose object keys ending in ``.$`` are dynamic: the key loses its suffix and
its value is a path (``$.x``, ``$$.Execution.Id``, ``$var``) or an intrinsic function call
(``States.Format(...)``). Everything else is copied as written, recursively.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.asl.errors import RUNTIME, StatesError
from app.asl.paths import PathNotFound, evaluate_path, path_document
from app.asl.scope import DataScope
from app.codec import dumps

Intrinsic = Callable[[str, DataScope], Any]

_DYNAMIC_SUFFIX = ".$"
_INTRINSIC_PREFIX = "States."


def render_template(template: Any, scope: DataScope, intrinsic: Intrinsic | None = None) -> Any:
    """Evaluate a payload template against ``scope``; a missing path fails with States.Runtime."""
    if isinstance(template, dict):
        return {
            key.removesuffix(_DYNAMIC_SUFFIX): _render_entry(key, value, scope, intrinsic)
            for key, value in template.items()
        }
    if isinstance(template, list):
        return [render_template(item, scope, intrinsic) for item in template]
    return template


def _render_entry(key: str, value: Any, scope: DataScope, intrinsic: Intrinsic | None) -> Any:
    """A static entry renders recursively; a ``.$`` entry is resolved from its expression."""
    if not key.endswith(_DYNAMIC_SUFFIX):
        return render_template(value, scope, intrinsic)
    if not isinstance(value, str):
        raise TypeError(f"the value of {key!r} must be a path or an intrinsic function, got {value!r}")
    if value.startswith(_INTRINSIC_PREFIX):
        return _call_intrinsic(key, value, scope, intrinsic)
    return _resolve_path(key, value, scope)


def _call_intrinsic(key: str, expression: str, scope: DataScope, intrinsic: Intrinsic | None) -> Any:
    """Intrinsics are evaluated by the caller's evaluator, which owns their errors."""
    if intrinsic is None:
        raise ValueError(f"{key!r} uses the intrinsic {expression!r} but no intrinsic evaluator was given")
    return intrinsic(expression, scope)


def _resolve_path(key: str, path: str, scope: DataScope) -> Any:
    """Select the value of a ``.$`` field, failing as AWS does when the path selects nothing."""
    try:
        return evaluate_path(path, scope)
    except PathNotFound as missing:
        raise StatesError(RUNTIME, missing_field_message(path, key, path_document(path, scope))) from missing


def missing_field_message(path: str, field: str, document: Any) -> str:
    """AWS's cause when a field's path finds nothing (also used for ErrorPath, CausePath, ...)."""
    return (
        f"The JSONPath '{path}' specified for the field '{field}' could not be found in the input '{dumps(document)}'"
    )
