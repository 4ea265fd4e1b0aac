"""Regular expressions a workflow brings, run by RE2 in time linear in the text: no pattern stalls a worker.

The standard library's engine backtracks: ``(a+)+$`` over thirty characters takes minutes, and
an evaluation cannot be interrupted while one call runs. JSONata's regular expressions, the
``=~`` of JSONPath filters and Choice's ``StringMatches`` all compile here instead. RE2 refuses
the few constructs that need backtracking (back-references, look-around); such a pattern fails
its state with the error of the language it was written in.
"""

from __future__ import annotations

import functools
from typing import Any

import re2

_CACHE_SIZE = 1024


class PatternError(ValueError):
    """A pattern RE2 cannot compile."""


@functools.lru_cache(maxsize=_CACHE_SIZE)
def compile_linear(
    pattern: str, *, case_insensitive: bool = False, multiline: bool = False, dotall: bool = False
) -> Any:
    """The compiled pattern, with the methods of ``re.Pattern`` (search, finditer, sub, split, fullmatch)."""
    options = re2.Options()
    options.log_errors = False  # a bad pattern is the workflow's error, not a line on stderr
    options.case_sensitive = not case_insensitive
    options.dot_nl = dotall
    try:
        return re2.compile(("(?m)" if multiline else "") + pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError(f"invalid regular expression {pattern!r}: {reason}") from None


def escape(text: str) -> str:
    """``text`` as a pattern that matches exactly it."""
    escaped: str = re2.escape(text)
    return escaped


def search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` occurs in ``text``."""
    return compile_linear(pattern).search(text) is not None
