"""JSONPath as the States Language uses it: reference paths, InputPath/OutputPath, ResultPath.

A path addresses one of three documents: ``$...`` the state input, ``$$...`` the context
object, ``$name...`` the workflow variable ``name``. AWS (Jayway JsonPath underneath) splits
paths in two kinds, and so do we:

* a *definite* path (only ``.name``, ``['name']`` and ``[index]`` steps) selects one value and
  fails with :class:`PathNotFound` when nothing is there;
* any other path (``[*]``, ``..``, slices, unions, filters) selects a list, possibly empty.

Definite paths are tokenized here so that names jsonpath-ng's lexer refuses (``$.ünï``,
``$.a:b``) still work and so that errors can show AWS's normalized ``$['a'][0]`` form; the
steps are then evaluated by jsonpath-ng like every other path.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
from jsonpath_ng.ext import filter as jsonpath_filter
from jsonpath_ng.ext.parser import parse as parse_extended
from jsonpath_ng.jsonpath import JSONPath

from app.asl import regex
from app.asl.errors import RESULT_PATH_MATCH_FAILURE, RUNTIME, StatesError
from app.asl.scope import DataScope
from app.codec import dumps

Step = str | int

_VARIABLE_NAME = re.compile(r"[^\W\d]\w*")
_DOT_NAME = re.compile(r"[^.\[\]()\s]+")
_INDEX = re.compile(r"\[\s*(-?\d+)\s*\]")


def _matches(value: Any, pattern: Any) -> bool:
    """A filter's ``=~``, on RE2: the pattern is the workflow's, and the library's own uses ``re``."""
    if not isinstance(value, str) or not isinstance(pattern, str):
        return False
    try:
        return regex.search(pattern, value)
    except regex.PatternError as exc:
        raise StatesError(RUNTIME, str(exc)) from None


jsonpath_filter.OPERATOR_MAP["=~"] = _matches


class PathNotFound(Exception):  # noqa: N818 - the name the engine contract uses
    """A definite path selected nothing; callers turn it into their field's AWS message."""

    def __init__(self, path: str) -> None:
        super().__init__(f"No results for path: {normalized_path(path)}")
        self.path = path


class InvalidPathError(ValueError):
    """The text is not a path this language accepts (definition validation should catch it)."""


@dataclass(frozen=True)
class _CompiledPath:
    """A path split once into its root, its definite steps or its jsonpath-ng expression."""

    prefix: str
    steps: tuple[Step, ...] | None
    expression: JSONPath | None


@lru_cache(maxsize=4096)
def _compile(path: str) -> _CompiledPath:
    prefix, rest = _split_prefix(path)
    steps = definite_steps(rest)
    if steps is None:
        return _CompiledPath(prefix, None, _parse_indefinite(rest))
    return _CompiledPath(prefix, tuple(steps), None)


def evaluate_path(path: str, scope: DataScope) -> Any:
    """Select from input, context or a variable: one value if definite, else a list of matches.

    Definite paths are walked directly (they are most paths, and on the hot path); everything
    else goes through jsonpath-ng.
    """
    compiled = _compile(path)
    document = _document(compiled.prefix, path, scope)
    if compiled.expression is not None:
        return [match.value for match in compiled.expression.find(document)]
    assert compiled.steps is not None
    for step in compiled.steps:
        document = _step(document, step, path)
    return document


def _step(document: Any, step: Step, path: str) -> Any:
    if isinstance(step, str):
        if isinstance(document, dict) and step in document:
            return document[step]
    elif isinstance(document, list) and -len(document) <= step < len(document):
        return document[step]
    raise PathNotFound(path)


def path_document(path: str, scope: DataScope) -> Any:
    """The document a path reads, for causes that quote it: the context for ``$$``, else the input."""
    return scope.context if path.startswith("$$") else scope.input


def apply_io_path(path: str | None, scope: DataScope) -> Any:
    """InputPath and OutputPath: JSON null gives ``{}``; a miss fails with AWS's ``Invalid path``.

    For OutputPath, ``scope.input`` is the state's output after ResultPath.
    """
    if path is None:
        return {}
    try:
        return evaluate_path(path, scope)
    except PathNotFound as missing:
        raise StatesError(RUNTIME, invalid_path_message(missing.path)) from missing


def invalid_path_message(path: str) -> str:
    """The cause AWS gives when InputPath/OutputPath selects nothing (without the state prefix)."""
    return f"Invalid path '{path}' : No results for path: {normalized_path(path)}"


def normalized_path(path: str) -> str:
    """Jayway's bracket rendering of a definite path: ``$.a.b[0]`` -> ``$['a']['b'][0]``."""
    prefix, rest = _split_prefix(path)
    steps = definite_steps(rest)
    if steps is None:
        return path
    return prefix + "".join(f"[{step}]" if isinstance(step, int) else f"['{step}']" for step in steps)


def set_result_path(path: str | None, input: Any, result: Any) -> Any:
    """ResultPath: place ``result`` into a copy of ``input`` (null discards, ``$`` replaces).

    Only the containers along the path are copied; the rest is shared with ``input``, which is
    never changed (values are never modified in place once made).
    """
    if path is None:
        return input
    compiled = _compile(path)
    if compiled.prefix != "$" or compiled.steps is None:
        raise InvalidPathError(f"ResultPath must be a definite path on the input: {path!r}")
    if not compiled.steps:
        return result
    *parents, last = compiled.steps
    output = copy.copy(input)
    container = output
    for step in parents:
        container = _descend(container, step, path, input)
    _store(container, last, result, path, input)
    return output


def definite_steps(path: str) -> list[Step] | None:
    """The steps of a ``$``-rooted definite path, or None when the path selects a list."""
    if not path.startswith("$") or path.startswith("$$"):
        raise InvalidPathError(f"not a JSONPath: {path!r}")
    steps: list[Step] = []
    position = 1
    while position < len(path):
        parsed = _next_step(path, position)
        if parsed is None:
            return None
        step, position = parsed
        steps.append(step)
    return steps


def _next_step(path: str, position: int) -> tuple[Step, int] | None:
    """Read one ``.name``, ``['name']`` or ``[n]`` step; None if it is not a definite step."""
    if path.startswith(".", position):
        name = _DOT_NAME.match(path, position + 1)
        if name is None or name.group() == "*":
            return None
        return name.group(), name.end()
    index = _INDEX.match(path, position)
    if index is not None:
        return int(index.group(1)), index.end()
    return _quoted_step(path, position)


def _quoted_step(path: str, position: int) -> tuple[Step, int] | None:
    """Read ``['name']`` or ``["name"]`` with backslash escapes."""
    if not path.startswith(("['", '["'), position):
        return None
    quote = path[position + 1]
    chars: list[str] = []
    cursor = position + 2
    while cursor < len(path) and path[cursor] != quote:
        if path[cursor] == "\\" and cursor + 1 < len(path):
            cursor += 1
        chars.append(path[cursor])
        cursor += 1
    if not path.startswith("]", cursor + 1):
        return None
    return "".join(chars), cursor + 2


def _split_prefix(path: str) -> tuple[str, str]:
    """Split ``$$.a`` / ``$var.a`` / ``$.a`` into the root token and a ``$``-rooted rest."""
    if path.startswith("$$"):
        return "$$", path[1:]
    variable = _VARIABLE_NAME.match(path, 1)
    if path.startswith("$") and variable is not None:
        return path[: variable.end()], "$" + path[variable.end() :]
    if path.startswith("$"):
        return "$", path
    raise InvalidPathError(f"not a JSONPath: {path!r}")


def _document(prefix: str, path: str, scope: DataScope) -> Any:
    """The document a path reads; an unknown variable is a miss, like a missing key."""
    if prefix == "$":
        return scope.input
    if prefix == "$$":
        return scope.context
    name = prefix[1:]
    if name not in scope.variables:
        raise PathNotFound(path)
    return scope.variables[name]


def _parse_indefinite(path: str) -> JSONPath:
    """Parse wildcards, slices, unions, deep scans and filters with jsonpath-ng's extended grammar."""
    try:
        return parse_extended(path)
    except (JsonPathLexerError, JsonPathParserError) as error:
        raise InvalidPathError(f"cannot parse JSONPath {path!r}: {error}") from error


def _descend(container: Any, step: Step, path: str, input: Any) -> Any:
    """Walk one ResultPath step into a fresh copy of the child, creating an object where the key is missing."""
    if isinstance(container, dict) and isinstance(step, str):
        child = copy.copy(container[step]) if step in container else {}
        container[step] = child
        return child
    if _holds_index(container, step):
        child = copy.copy(container[step])
        container[step] = child
        return child
    raise _result_path_failure(path, input)


def _store(container: Any, step: Step, result: Any, path: str, input: Any) -> None:
    """Set the last ResultPath step; only objects (and existing array slots) can take it."""
    if not ((isinstance(container, dict) and isinstance(step, str)) or _holds_index(container, step)):
        raise _result_path_failure(path, input)
    container[step] = result


def _holds_index(container: Any, step: Step) -> bool:
    """Whether ``container`` is an array with an element at index ``step``."""
    return isinstance(container, list) and isinstance(step, int) and -len(container) <= step < len(container)


def _result_path_failure(path: str, input: Any) -> StatesError:
    """AWS's ResultPath failure: the input cannot hold the result at that path."""
    return StatesError(RESULT_PATH_MATCH_FAILURE, f"Unable to apply ReferencePath {path} to input {dumps(input)}")
