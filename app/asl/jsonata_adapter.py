"""JSONata, the query language of states whose ``QueryLanguage`` is ``JSONata``.

A field value such as ``"{% $states.input.total * 2 %}"`` is one JSONata expression. This module is
the only place that talks to the JSONata engine (the pure-Python ``jsonata-python`` package), so the
rest of the code sees AWS's behaviour and nothing of the engine's:

* bindings: ``$states`` (``input``, ``context`` and, where a state has them, ``result`` and
  ``errorOutput``) and every workflow variable as ``$name``;
* the functions Step Functions adds (``$partition``, ``$range``, ``$hash``, ``$random``, ``$uuid``,
  ``$parse``) and the one it removes (``$eval``);
* results as JSON values the way AWS prints them (``3``, not ``3.0``), and JSON ``null`` kept apart
  from JSONata's *undefined*, which AWS refuses;
* every failure as ``States.QueryEvaluationError`` with AWS's cause, which names the expression and
  the field (``Output/result``, ``Items``) it was written in.

Compiled expressions are cached by text: a state machine evaluates the same few strings over and
over, and parsing costs more than evaluating.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import math
import random
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from jsonata import JException, Jsonata
from jsonata.functions import Functions
from jsonata.regex_engine import RegexFlags
from jsonata.utils import Utils

from app.asl.errors import QUERY_EVALUATION_ERROR, StatesError
from app.asl.regex import compile_linear
from app.asl.scope import DataScope
from app.codec import dumps, loads_members

_OPEN = "{%"
_CLOSE = "%}"
_CACHE_SIZE = 2048

# AWS bounds every evaluation. The depth and element counts are the ones AWS is measured to refuse
# past; the time bound only has to stop a runaway expression from holding a worker for ever.
_TIMEOUT_MILLIS = 5_000
_MAX_DEPTH = 100
_MAX_ELEMENTS = 873_782
# The longest text one function may build ($pad): sixteen times the 256 KiB payload limit.
_MAX_TEXT_LENGTH = 16 * 262_144

# Past 2**63 AWS (a JVM) no longer holds a whole number exactly, so it stays a floating-point value.
_LARGEST_EXACT_INTEGER = 2.0**63

_STACK_OVERFLOW = (
    "Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive."
)
_TIMEOUT = "Expression evaluation timeout: Check for infinite loop"
_MEMORY_LIMIT = "Expression evaluation memory limit exceeded: Check for excessive memory usage"

_HASH_ALGORITHMS = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}
_HASH_NAMES = "SHA-1, SHA-384, SHA-256, SHA-512, MD5"

# jsonata-js names the element type a signature wants (``a<n>``) in a T0412 message this way.
_ARRAY_ELEMENT_TYPES = {
    "a": "arrays",
    "b": "booleans",
    "f": "functions",
    "n": "numbers",
    "o": "objects",
    "s": "strings",
}
_PLACEHOLDER = re.compile(r"\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}")


class _EvaluationBoundError(Exception):
    """An expression went past one of AWS's evaluation bounds; AWS reports these without a code."""


class _UnsupportedResultError(Exception):
    """A result JSON cannot carry, such as a function."""


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def is_expression(value: Any) -> bool:
    """Whether a field value is a JSONata expression: a whole string ``{% ... %}``."""
    return (
        isinstance(value, str)
        and len(value) >= len(_OPEN) + len(_CLOSE)
        and value.startswith(_OPEN)
        and value.endswith(_CLOSE)
    )


def evaluate_expression(
    text: str,
    scope: DataScope,
    *,
    field: str,
    states_extra: Mapping[str, Any] | None = None,
) -> Any:
    """Evaluate one ``{% expr %}`` against ``scope``; ``field`` names it in error causes.

    ``states_extra`` adds members of ``$states`` that only some fields see (``result``,
    ``errorOutput``). An expression that returns nothing fails, because JSON cannot carry it.
    """
    return _evaluate_field(text, field, _bindings(scope, states_extra))


def render(
    value: Any,
    scope: DataScope,
    *,
    field: str,
    states_extra: Mapping[str, Any] | None = None,
) -> Any:
    """Render a JSONata-language field (Arguments, Output, Assign, Items, ...).

    A whole ``{% %}`` string is evaluated; objects and arrays are rendered member by member, each
    named ``field/key`` or ``field[i]`` in error causes as AWS names them; anything else is literal.
    """
    # Bindings are a copy of the input and variables: build them once per field, and only if used.
    bindings = functools.cache(lambda: _bindings(scope, states_extra))
    return _render(value, field, bindings)


def expect_type(value: Any, expected: str, text: str, field: str) -> Any:
    """Return ``value`` if its JSON type is ``expected`` (``array``, ``object``, ``string``,
    ``number``, ``boolean``, ``null``); otherwise fail the way AWS does for a field that needs it."""
    actual = json_type(value)
    if actual == expected:
        return value
    detail = f"returned an unexpected result type. Expected '{expected}', but was '{actual}' for value: {dumps(value)}"
    raise StatesError(QUERY_EVALUATION_ERROR, _cause(_inner(text), field, detail))


def json_type(value: Any) -> str:
    """The JSON type name of a value, as AWS writes it in type-check causes."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def check_syntax(text: str) -> str | None:
    """The parser's message for an expression that does not parse, else None.

    The definition validator reports it as AWS does, without the JSONata error code. A good
    expression is left compiled in the cache, ready for its first evaluation.
    """
    try:
        _compile(_inner(text))
    except JException as exc:
        return _message(exc)
    return None


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def _render(value: Any, field: str, bindings: Callable[[], Mapping[str, Any]]) -> Any:
    if is_expression(value):
        return _evaluate_field(value, field, bindings())
    if isinstance(value, Mapping):
        return {key: _render(member, f"{field}/{key}", bindings) for key, member in value.items()}
    if isinstance(value, list):
        return [_render(member, f"{field}[{index}]", bindings) for index, member in enumerate(value)]
    return value


def _evaluate_field(text: str, field: str, bindings: Mapping[str, Any]) -> Any:
    """One expression's JSON result; nothing (undefined) and non-JSON results fail, as on AWS."""
    expression = _inner(text)
    raw = _evaluate(expression, field, bindings)
    if raw is None:
        raise StatesError(QUERY_EVALUATION_ERROR, _cause(expression, field, "returned nothing (undefined)."))
    try:
        return _to_json(raw)
    except _UnsupportedResultError:
        detail = "returned an unsupported result type."
        raise StatesError(QUERY_EVALUATION_ERROR, _cause(expression, field, detail)) from None


# --------------------------------------------------------------------------------------------
# Compiling and running
# --------------------------------------------------------------------------------------------


def _inner(text: str) -> str:
    """The expression inside ``{% %}``, trimmed as AWS trims it (bare text is taken as is)."""
    if is_expression(text):
        text = text[len(_OPEN) : -len(_CLOSE)]
    return text.strip()


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _compile(expression: str) -> Any:
    """Parse once and register AWS's functions; evaluation never mutates the result."""
    compiled = Jsonata(expression, _regex_engine)
    compiled.set_output_convert_nulls(False)  # keep JSON null apart from undefined (Python None)
    for name, implementation in _AWS_FUNCTIONS.items():
        compiled.register_lambda(name, implementation)
    compiled.register_function("pad", Jsonata.JFunction(Jsonata.JLambda(_pad), "<s-ns?:s>"))
    compiled.register_function("eval", None)  # AWS removes $eval: calling it is T1006
    return compiled


def _evaluate(expression: str, field: str, bindings: Mapping[str, Any]) -> Any:
    """The engine's raw result; any failure, the engine's or Python's, as AWS reports it."""
    try:
        return _run(_compile(expression), bindings)
    except Exception as exc:  # the engine raises JException and, on some inputs, plain Python errors
        raise StatesError(QUERY_EVALUATION_ERROR, _cause(expression, field, _failure(exc))) from exc


def _run(compiled: Any, bindings: Mapping[str, Any]) -> Any:
    """Evaluate on a private copy, with fresh runtime bounds.

    The engine keeps per-evaluation state (the ``$now()`` timestamp, the current input) on the
    instance it finds in a thread-local, so each evaluation gets its own shallow copy installed
    there; the parsed tree and the function frame are shared read-only.
    """
    instance = copy.copy(compiled)
    Jsonata.CURRENT.jsonata = instance
    frame = Jsonata.Frame(None)
    frame.set_runtime_bounds(_TIMEOUT_MILLIS, _MAX_DEPTH)
    for name, value in bindings.items():
        frame.bind(name, value)
    return instance.evaluate(None, frame)


def _regex_engine(pattern: str, flags: RegexFlags) -> Any:
    """JSONata's regular expressions, compiled by RE2: linear in the text, whatever the pattern."""
    return compile_linear(pattern, case_insensitive=flags.case_insensitive, multiline=flags.multiline)


def _pad(string: Any, width: Any, char: Any = None) -> Any:
    """``$pad`` as the engine has it, refused before it builds a text past the bound."""
    if isinstance(width, int | float) and math.isfinite(width) and abs(width) > _MAX_TEXT_LENGTH:
        raise _EvaluationBoundError(_MEMORY_LIMIT)
    return Functions.pad(string, width, char)


def _bindings(scope: DataScope, states_extra: Mapping[str, Any] | None) -> dict[str, Any]:
    """``$states`` and the workflow variables, as engine values (JSON null is the engine's null)."""
    states: dict[str, Any] = {"input": scope.input, "context": scope.context}
    if states_extra:
        states.update(states_extra)
    bindings = {name: _to_engine(value) for name, value in scope.variables.items()}
    bindings["states"] = _to_engine(states)
    return bindings


def _to_engine(value: Any) -> Any:
    """A JSON value as the engine reads it: Python None would be undefined, so null is marked."""
    if value is None:
        return Utils.NULL_VALUE
    if isinstance(value, Mapping):
        return {key: _to_engine(member) for key, member in value.items()}
    if isinstance(value, list | tuple):
        return [_to_engine(member) for member in value]
    return value


def _to_json(value: Any) -> Any:
    """An engine result as a plain JSON value, numbers written the way AWS writes them."""
    if value is None or value is Utils.NULL_VALUE:
        return None
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, Mapping):
        return {str(key): _to_json(member) for key, member in value.items()}
    if isinstance(value, list):
        return [_to_json(value[index]) for index in range(len(value))]  # RangeList only indexes right
    raise _UnsupportedResultError


def _number(value: int | float) -> int | float | str:
    """A number as AWS (a JVM) prints it: whole numbers as integers while a 64-bit integer holds
    them (``3.0`` is ``3``), larger ones as floating point, non-finite ones as strings."""
    if isinstance(value, int):
        if abs(value) < _LARGEST_EXACT_INTEGER:
            return value
        try:
            value = float(value)
        except OverflowError:  # beyond any double: nothing better to print than the digits
            return value
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer() and abs(value) < _LARGEST_EXACT_INTEGER:
        return int(value)
    return value


# --------------------------------------------------------------------------------------------
# Error causes
# --------------------------------------------------------------------------------------------


def _cause(expression: str, field: str, detail: str) -> str:
    return f"The JSONata expression '{expression}' specified for the field '{field}' {detail}"


def _failure(exc: Exception) -> str:
    """How AWS ends the cause of an expression that raised: ``. CODE: message`` or ``: message``."""
    if isinstance(exc, RecursionError) or (isinstance(exc, JException) and exc.error == "D1011"):
        return f"threw an error during evaluation: {_STACK_OVERFLOW}"
    if isinstance(exc, JException) and exc.error == "D1012":
        return f"threw an error during evaluation: {_TIMEOUT}"
    if isinstance(exc, JException) and exc.error in JException.error_codes:
        return f"threw an error during evaluation. {exc.error}: {_message(exc)}"
    return f"threw an error during evaluation: {exc}"


def _message(exc: JException) -> str:
    """The jsonata-js wording of an engine error.

    The engine's catalog is a port in which every "function" became "Object" and whose inserts
    are not rendered as jsonata-js renders them (``{{x}}`` as JSON, ``{{{x}}}`` raw).
    """
    template = JException.error_codes.get(exc.error)
    if template is None:
        return str(exc)
    inserts = iter(_inserts(exc))

    def substitute(match: re.Match[str]) -> str:
        value = next(inserts, None)
        if match.group(1) is not None:
            return "undefined" if value is None else str(value)
        return _json_stringify(value)

    return _PLACEHOLDER.sub(substitute, template.replace("Object", "function"))


def _inserts(exc: JException) -> list[Any]:
    """The values for a template's placeholders, in order, from where the engine put them."""
    if exc.error == "D1002":  # the engine passes the operator first
        return [exc.expected]
    if exc.error == "T0412":
        return [exc.current, exc.expected, _ARRAY_ELEMENT_TYPES.get(exc.extra)]
    return [exc.current, exc.expected, exc.extra]


def _json_stringify(value: Any) -> str:
    """``JSON.stringify`` as jsonata-js applies it to a message insert."""
    if value is None:
        return "undefined"
    try:
        return dumps(_to_json(value))
    except (_UnsupportedResultError, TypeError, ValueError):
        return str(value)


# --------------------------------------------------------------------------------------------
# The functions Step Functions adds to JSONata
# --------------------------------------------------------------------------------------------
#
# Each takes ``*args`` and checks them itself, so a wrong call fails with AWS's message rather
# than a Python TypeError. An absent argument is None (undefined); JSON null is Utils.NULL_VALUE.


def _argument(args: tuple[Any, ...], index: int) -> Any:
    return args[index] if index < len(args) else None


def _signature_error(function: str, position: int) -> JException:
    return JException("T0410", -1, position, function)


def _reject_surplus(args: tuple[Any, ...], function: str, arity: int) -> None:
    """AWS refuses an extra argument, naming its position."""
    if _argument(args, arity) is not None:
        raise _signature_error(function, arity + 1)


def _integer(value: Any, function: str, position: int) -> int:
    """A numeric argument rounded towards zero, as AWS rounds it."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _signature_error(function, position)
    return int(value)


def _as_list(value: Any) -> list[Any]:
    """An engine array as a list (the engine's lazy ranges iterate wrongly, but index right)."""
    return [value[index] for index in range(len(value))]


def _partition(*args: Any) -> Any:
    """``$partition(array, size)``: the array in chunks of ``size``, the last one shorter."""
    _reject_surplus(args, "partition", 2)
    array, size_argument = _argument(args, 0), _argument(args, 1)
    if array is None:
        return None
    if not isinstance(array, list):
        # AWS names no element type here; an unknown subtype renders as jsonata-js's "undefined".
        raise JException("T0412", -1, 1, "partition", "")
    if not array:
        return None
    items = _as_list(array)
    if size_argument is None:
        return [items]
    size = _integer(size_argument, "partition", 2)
    if size < 0:
        raise JException("D3137", -1, "Second argument must be zero or greater")
    if size == 0:
        return None
    return [items[start : start + size] for start in range(0, len(items), size)]


def _range(*args: Any) -> Any:
    """``$range(start, end, step)``: start to end inclusive by step; one element comes back bare."""
    _reject_surplus(args, "range", 3)
    start = _integer(_argument(args, 0), "range", 1)
    end = _integer(_argument(args, 1), "range", 2)
    if _argument(args, 2) is None:
        return None
    step = _integer(_argument(args, 2), "range", 3)
    if step == 0 or (step > 0 and start > end) or (step < 0 and start < end):
        return None
    count = (end - start) // step + 1
    if count > _MAX_ELEMENTS:
        raise _EvaluationBoundError(_MEMORY_LIMIT)
    values = [start + index * step for index in range(count)]
    return values[0] if count == 1 else values


def _hash(*args: Any) -> Any:
    """``$hash(value, algorithm)``: the hex digest of a string (MD5, SHA-1, SHA-256/384/512)."""
    _reject_surplus(args, "hash", 2)
    value, algorithm = _argument(args, 0), _argument(args, 1)
    if not isinstance(value, str):
        raise _signature_error("hash", 1)
    if algorithm is None:
        return None
    if not isinstance(algorithm, str):
        raise _signature_error("hash", 2)
    if algorithm not in _HASH_ALGORITHMS:
        raise JException("D3137", -1, f"Hash algorithm '{algorithm}' must be one of {_HASH_NAMES}")
    return hashlib.new(_HASH_ALGORITHMS[algorithm], value.encode("utf-8")).hexdigest()


def _random(*args: Any) -> Any:
    """``$random([seed])``: a number in [0, 1); with a seed, the one AWS's ``java.util.Random``
    draws first, so a seeded workflow gives the same number here as there."""
    _reject_surplus(args, "random", 1)
    seed = _argument(args, 0)
    if seed is None:
        return random.random()
    return _java_random_double(_integer(seed, "random", 1))


def _java_random_double(seed: int) -> float:
    """``new java.util.Random(seed).nextDouble()``: the JDK's 48-bit linear congruential draw."""
    multiplier, mask = 0x5DEECE66D, (1 << 48) - 1
    state = (max(-(2**63), min(seed, 2**63 - 1)) ^ multiplier) & mask

    def next_bits(bits: int) -> int:
        nonlocal state
        state = (state * multiplier + 0xB) & mask
        return state >> (48 - bits)

    high = next_bits(26)
    return float(((high << 27) + next_bits(27)) * 2.0**-53)


def _uuid(*args: Any) -> Any:
    """``$uuid()``: a random version 4 UUID."""
    _reject_surplus(args, "uuid", 0)
    return str(uuid.uuid4())


def _parse(*args: Any) -> Any:
    """``$parse(text)``: the JSON value a string holds (AWS's replacement for ``$eval``)."""
    _reject_surplus(args, "parse", 1)
    text = _argument(args, 0)
    if text is None:
        return None
    if not isinstance(text, str):
        raise _signature_error("parse", 1)
    try:
        value = loads_members(text, _unique_keys)
    except ValueError:
        raise JException("D3137", -1, "Invalid JSON") from None
    return _to_engine(value)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """AWS's JSON parser refuses an object that repeats a key."""
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


_AWS_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "partition": _partition,
    "range": _range,
    "hash": _hash,
    "random": _random,
    "uuid": _uuid,
    "parse": _parse,
}
