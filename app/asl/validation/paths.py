"""JSONPath syntax checks for ``...Path`` fields, ``.$`` values and reference paths.

Parsing goes through jsonpath-ng, the same library the evaluator uses, so a path accepted
here is one the engine can run. The ASL extensions jsonpath-ng does not know (``$$`` for the
context object, ``$name`` for a variable) are rewritten to plain ``$`` before parsing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
from jsonpath_ng.ext.parser import parse as _parse_jsonpath
from jsonpath_ng.jsonpath import Child, Fields, Index, Root

_VARIABLE = re.compile(r"^\$[A-Za-z_][A-Za-z0-9_]*")
_LENGTH_SUFFIX = ".length()"


def _normalise(path: str) -> str | None:
    """The path with ASL prefixes rewritten to ``$``; None if it does not start with ``$``."""
    if path.startswith("$$"):
        return path[1:]
    variable = _VARIABLE.match(path)
    if variable:
        return "$" + path[variable.end() :]
    return path if path.startswith("$") else None


@lru_cache(maxsize=1024)
def _parse(path: str) -> object | None:
    """The jsonpath-ng tree for an ASL path, or None when it is not valid syntax."""
    normalised = _normalise(path)
    if normalised is None:
        return None
    normalised = normalised.removesuffix(_LENGTH_SUFFIX)
    try:
        return _parse_jsonpath(normalised)
    except (JsonPathParserError, JsonPathLexerError, ValueError, AttributeError):
        return None


def is_valid_path(path: str) -> bool:
    """Whether ``path`` is a JSONPath the engine can evaluate (``$``, ``$$``, ``$var`` roots)."""
    return _parse(path) is not None


def _is_single_node(tree: object) -> bool:
    """Whether a parsed path addresses exactly one node: fields and single indices only."""
    if isinstance(tree, Root):
        return True
    if isinstance(tree, Child):
        return _is_single_node(tree.left) and _is_single_node(tree.right)
    if isinstance(tree, Fields):
        return len(tree.fields) == 1 and tree.fields[0] != "*"
    return isinstance(tree, Index) and len(tree.indices) == 1


def reference_path_error(path: str, *, writable: bool = False, single: bool = True) -> str | None:
    """Why ``path`` is not a Reference Path (one node, no wildcards/filters), or None if it is.

    A ``writable`` path (``ResultPath``) targets the state's input, so it may not name the
    context object or a variable. A non-``single`` path (Choice ``Variable``) may select many.
    """
    if not path.startswith("$"):
        return "Value is not a Reference Path: Reference path didn't start with '$'"
    tree = _parse(path)
    read_only_root = path.startswith("$$") or _VARIABLE.match(path) is not None
    if tree is None or (single and not _is_single_node(tree)) or (writable and read_only_root):
        return "Value is not a Reference Path"
    return None
