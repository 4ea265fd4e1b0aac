"""Which variables each state reads: DescribeStateMachine's ``variableReferences``.

A state reads a variable through a JSONPath path that starts with ``$name`` (in a ``….$`` field,
a path field, a Choice rule or an intrinsic function's argument) or through ``$name`` in a JSONata
expression. Function calls (``$count(…)``), ``$states`` and the context object are not
variables. States inside Parallel branches and Map processors count under their own names.
"""

from __future__ import annotations

import re
from typing import Any

from app.asl.walk import every_state
from app.codec import loads

_NAME = r"\$([A-Za-z_][A-Za-z0-9_]*)"
_PATH_START = re.compile(r"^" + _NAME)
_IN_TEXT = re.compile(_NAME + r"\b(?!\s*\()")
_NOT_VARIABLES = frozenset({"states"})
_NESTED = ("Branches", "ItemProcessor", "Iterator")
_PATH_FIELDS = frozenset({"InputPath", "OutputPath", "ItemsPath", "SecondsPath", "TimestampPath", "Variable"})


def variable_references(definition: str) -> dict[str, Any]:
    """``{"variableReferences": {state: [names]}}`` for the states that read variables, else ``{}``."""
    try:
        machine = loads(definition)
    except ValueError:
        return {}
    found = {name: names for _, name, state in every_state(machine) if (names := _read_by(state))}
    return {"variableReferences": found} if found else {}


def _read_by(state: dict[str, Any]) -> list[str]:
    names: dict[str, None] = {}
    for key, value in state.items():
        if key not in _NESTED:
            _collect(key, value, names)
    return [name for name in names if name not in _NOT_VARIABLES]


def _collect(key: str, value: Any, names: dict[str, None]) -> None:
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            _collect(inner_key, inner, names)
    elif isinstance(value, list):
        for inner in value:
            _collect(key, inner, names)
    elif isinstance(value, str):
        if value.startswith("{%") and value.endswith("%}"):
            names.update(dict.fromkeys(_IN_TEXT.findall(value[2:-2])))
        elif key.endswith(".$") or key in _PATH_FIELDS:
            start = _PATH_START.match(value)
            if start is not None:
                names[start.group(1)] = None
            elif value.startswith("States."):
                names.update(dict.fromkeys(_IN_TEXT.findall(value)))
