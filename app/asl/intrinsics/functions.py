"""The ``States.*`` intrinsic functions, one small function each, collected in :data:`FUNCTIONS`.

The rules follow what AWS does where it differs from its documentation (observed on real
executions): a wrong argument count, type or range fails with ``States.Runtime`` and the cause
``Invalid arguments in States.X``; fractional numbers are truncated toward zero, except in
``States.MathAdd``, which rounds half up like Java's ``Math.round``. Adding a function is adding
one decorated function here.
"""

from __future__ import annotations

import base64
import hashlib
import math
import random
import re
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from app.asl.errors import RUNTIME, StatesError
from app.asl.intrinsics.parser import TemplateText
from app.codec import dumps, dumps_canonical, loads

IntrinsicFunction = Callable[[Sequence[Any]], Any]

FUNCTIONS: dict[str, IntrinsicFunction] = {}
"""Every intrinsic by its full name; each takes the evaluated argument values."""

_MAX_TEXT = 10_000
_MAX_RANGE_ITEMS = 1000
_INT32 = range(-(2**31), 2**31)
_HASH_ALGORITHMS = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}
_BASE64_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
_NO_SEED = object()


class _InvalidArgumentsError(Exception):
    """Raised by a function body; the registry wrapper turns it into the AWS error naming the function."""


def _invalid(name: str) -> StatesError:
    """AWS reports every misuse of an intrinsic with this one cause (error ``States.Runtime``)."""
    return StatesError(RUNTIME, f"Invalid arguments in {name}")


def _intrinsic(name: str, least: int, most: float | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``body`` under ``name``, checking the argument count (``most`` defaults to ``least``)."""
    upper = least if most is None else most

    def register(body: Callable[..., Any]) -> Callable[..., Any]:
        def call(args: Sequence[Any]) -> Any:
            if not least <= len(args) <= upper:
                raise _invalid(name)
            try:
                return body(*args)
            except _InvalidArgumentsError:
                raise _invalid(name) from None

        FUNCTIONS[name] = call
        return body

    return register


# --- argument coercion -------------------------------------------------------------------------


def _number(value: Any) -> int | float:
    """JSON numbers only: booleans are ints in Python but not numbers to AWS."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _InvalidArgumentsError
    return value


def _truncated(value: Any) -> int:
    """AWS casts fractional counts, bounds and indexes to int, dropping the fraction."""
    return int(_number(value))


def _rounded(value: Any) -> int:
    """Java's ``Math.round``: half rounds up (``-3.5`` -> ``-3``, ``0.5`` -> ``1``)."""
    return math.floor(_number(value) + 0.5)


def _array(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _InvalidArgumentsError
    return value


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise _InvalidArgumentsError
    return value


def _limited(text: str) -> str:
    """Base64 and Hash inputs are capped at 10,000 characters."""
    if len(text) > _MAX_TEXT:
        raise _InvalidArgumentsError
    return text


def _utf8(text: str) -> bytes:
    """Lone surrogates (possible in JSON input) become ``?`` instead of crashing the encoder."""
    return text.encode("utf-8", errors="replace")


def _to_text(value: Any) -> str:
    """How AWS renders a value inside a string: strings bare, objects as ``{k=v, ...}`` (Java maps)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={_to_text(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_to_text(item) for item in value) + "]"
    return dumps(value)


# --- generic and JSON ----------------------------------------------------------------------------


def _template_pieces(template: str) -> list[str]:
    """Split a Format template on its ``{}`` placeholders; a lone unescaped brace is an error."""
    escaped = template.escaped if isinstance(template, TemplateText) else frozenset()
    pieces: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(template):
        char = template[index]
        if index in escaped or char not in "{}":
            current.append(char)
            index += 1
            continue
        if char == "}" or template[index + 1 : index + 2] != "}" or index + 1 in escaped:
            raise _InvalidArgumentsError
        pieces.append("".join(current))
        current = []
        index += 2
    pieces.append("".join(current))
    return pieces


@_intrinsic("States.Format", 1, math.inf)
def _format(template: Any, *values: Any) -> str:
    """Each ``{}`` takes the next value; the counts must match exactly."""
    pieces = _template_pieces(_string(template))
    if len(pieces) != len(values) + 1:
        raise _InvalidArgumentsError
    rendered = [pieces[0]]
    for value, piece in zip(values, pieces[1:], strict=True):
        rendered += [_to_text(value), piece]
    return "".join(rendered)


@_intrinsic("States.StringToJson", 1)
def _string_to_json(text: Any) -> Any:
    if not _string(text).strip():
        return None  # AWS answers null for an empty or blank string
    try:
        return loads(text)
    except ValueError:
        raise _InvalidArgumentsError from None


@_intrinsic("States.JsonToString", 1)
def _json_to_string(value: Any) -> str:
    """Compact JSON, e.g. ``{"a":1}``."""
    return dumps(value)


@_intrinsic("States.JsonMerge", 3)
def _json_merge(first: Any, second: Any, deep: Any) -> dict[str, Any]:
    """Shallow merge only: AWS rejects ``true`` for the deep-merge flag."""
    if not isinstance(first, dict) or not isinstance(second, dict) or deep is not False:
        raise _InvalidArgumentsError
    return {**first, **second}


@_intrinsic("States.UUID", 0)
def _uuid() -> str:
    return str(uuid.uuid4())


# --- arrays --------------------------------------------------------------------------------------


@_intrinsic("States.Array", 0, math.inf)
def _array_of(*values: Any) -> list[Any]:
    return list(values)


@_intrinsic("States.ArrayPartition", 2)
def _array_partition(array: Any, chunk_size: Any) -> list[list[Any]]:
    items, size = _array(array), _truncated(chunk_size)
    if size <= 0:
        raise _InvalidArgumentsError
    return [items[start : start + size] for start in range(0, len(items), size)]


def _membership_text(value: Any) -> str:
    """AWS compares ArrayContains candidates by text: ``true`` matches ``"true"``, key order counts."""
    return value if isinstance(value, str) else dumps(value)


@_intrinsic("States.ArrayContains", 2)
def _array_contains(array: Any, value: Any) -> bool:
    wanted = _membership_text(value)
    return any(_membership_text(item) == wanted for item in _array(array))


@_intrinsic("States.ArrayRange", 3)
def _array_range(first: Any, last: Any, step: Any) -> list[int]:
    """Both ends inclusive; at most 1000 items."""
    start, stop, increment = _truncated(first), _truncated(last), _truncated(step)
    if increment == 0:
        raise _InvalidArgumentsError
    values = range(start, stop + (1 if increment > 0 else -1), increment)
    if len(values) > _MAX_RANGE_ITEMS:
        raise _InvalidArgumentsError
    return list(values)


@_intrinsic("States.ArrayGetItem", 2)
def _array_get_item(array: Any, index: Any) -> Any:
    items, position = _array(array), _truncated(index)
    if not items:
        return None  # AWS answers null for any index into an empty array
    if not 0 <= position < len(items):
        raise _InvalidArgumentsError
    return items[position]


@_intrinsic("States.ArrayLength", 1)
def _array_length(array: Any) -> int:
    return len(_array(array))


@_intrinsic("States.ArrayUnique", 1)
def _array_unique(array: Any) -> list[Any]:
    """Keeps first occurrences; ``1``, ``1.0``, ``true`` and ``"1"`` stay distinct, key order does not."""
    seen: set[str] = set()
    unique: list[Any] = []
    for item in _array(array):
        key = dumps_canonical(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


# --- encoding and hashing ------------------------------------------------------------------------


@_intrinsic("States.Base64Encode", 1)
def _base64_encode(text: Any) -> str:
    return base64.b64encode(_utf8(_limited(_string(text)))).decode("ascii")


@_intrinsic("States.Base64Decode", 1)
def _base64_decode(text: Any) -> str:
    """Lenient like AWS's MIME decoder: characters outside the alphabet and padding are ignored."""
    data = "".join(char for char in _limited(_string(text)) if char in _BASE64_ALPHABET)
    data = data[: len(data) - 1] if len(data) % 4 == 1 else data
    padded = data + "=" * (-len(data) % 4)
    return base64.b64decode(padded).decode("utf-8", errors="replace")


@_intrinsic("States.Hash", 2)
def _hash(data: Any, algorithm: Any) -> str:
    """Hex digest of the UTF-8 text; non-string data is hashed as AWS renders it in a string."""
    if not isinstance(algorithm, str) or algorithm not in _HASH_ALGORITHMS:
        raise _InvalidArgumentsError
    digest = hashlib.new(_HASH_ALGORITHMS[algorithm], usedforsecurity=False)
    digest.update(_utf8(_limited(_to_text(data))))
    return digest.hexdigest()


# --- math and strings ----------------------------------------------------------------------------


@_intrinsic("States.MathRandom", 2, 3)
def _math_random(start: Any, end: Any, seed: Any = _NO_SEED) -> int:
    """A random integer in ``[start, end)``; the same seed gives the same number."""
    low, high = _truncated(start), _truncated(end)
    if low >= high:
        raise _InvalidArgumentsError
    generator = random.Random() if seed is _NO_SEED else random.Random(_truncated(seed))
    return generator.randrange(low, high)


@_intrinsic("States.MathAdd", 2)
def _math_add(first: Any, second: Any) -> int:
    """Adds two int32 values, each rounded first (``1.49 + 1.5`` is ``3``)."""
    left, right = _rounded(first), _rounded(second)
    if left not in _INT32 or right not in _INT32:
        raise _InvalidArgumentsError
    return left + right


@_intrinsic("States.StringSplit", 2)
def _string_split(text: Any, delimiters: Any) -> list[str]:
    """Split on any of the delimiter characters and drop empty pieces (Java's StringTokenizer)."""
    source, separators = _string(text), _string(delimiters)
    if not separators:
        return [source] if source else []
    return [piece for piece in re.split(f"[{re.escape(separators)}]", source) if piece]
