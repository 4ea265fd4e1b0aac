"""Amazon States Language intrinsic functions (``States.Format(...)`` and friends).

Two entry points, one per phase::

    parse_intrinsic(text) -> IntrinsicCall
        definition time: IntrinsicSyntaxError for malformed text or an unknown function name.
    evaluate_intrinsic(text_or_call, scope, resolve_path) -> value
        run time: StatesError (States.Runtime, as AWS reports it) for misused arguments.

Path arguments (``$.x``, ``$$.Execution.Id``, ``$var.x``) are resolved by the caller's
``resolve_path``, so this package never implements JSONPath itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from app.asl.errors import RUNTIME, StatesError
from app.asl.intrinsics.functions import FUNCTIONS, IntrinsicFunction
from app.asl.intrinsics.parser import (
    Argument,
    IntrinsicCall,
    IntrinsicSyntaxError,
    Literal,
    PathArgument,
    parse_call,
)
from app.asl.scope import DataScope
from app.asl.suggest import closest

__all__ = [
    "FUNCTIONS",
    "Argument",
    "IntrinsicCall",
    "IntrinsicFunction",
    "IntrinsicSyntaxError",
    "Literal",
    "PathArgument",
    "PathResolver",
    "evaluate_intrinsic",
    "parse_intrinsic",
]

PathResolver = Callable[[str, DataScope], Any]
"""Resolves one path argument against the scope; raises StatesError when the path is missing."""


def parse_intrinsic(text: str) -> IntrinsicCall:
    """Parse ``text`` and check that every function it calls exists."""
    call = parse_call(text)
    _check_names(call)
    return call


def _check_names(call: IntrinsicCall) -> None:
    if call.name not in FUNCTIONS:
        guess = closest(call.name, FUNCTIONS)
        suggestion = f" (did you mean {guess}?)" if guess else ""
        raise IntrinsicSyntaxError(f"unknown intrinsic function {call.name}{suggestion}")
    for argument in call.args:
        if isinstance(argument, IntrinsicCall):
            _check_names(argument)


def evaluate_intrinsic(expression: str | IntrinsicCall, scope: DataScope, resolve_path: PathResolver) -> Any:
    """Evaluate a call (or its text), innermost arguments first."""
    call = expression if isinstance(expression, IntrinsicCall) else _parse_at_run_time(expression)
    return _evaluate(call, scope, resolve_path)


@lru_cache(maxsize=1024)
def _parse_at_run_time(text: str) -> IntrinsicCall:
    """Validated definitions never get here with bad text; if one does, fail the state, not the engine."""
    try:
        return parse_intrinsic(text)
    except IntrinsicSyntaxError as error:
        raise StatesError(RUNTIME, str(error)) from error


def _evaluate(node: Argument, scope: DataScope, resolve_path: PathResolver) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, PathArgument):
        return resolve_path(node.path, scope)
    function = FUNCTIONS.get(node.name)
    if function is None:
        raise StatesError(RUNTIME, f"Unknown intrinsic function {node.name}")
    return function([_evaluate(argument, scope, resolve_path) for argument in node.args])
