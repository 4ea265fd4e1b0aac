"""Syntax checks of the three expression languages found inside field values.

JSONata and intrinsic function calls are parsed by their own modules (``app.asl.jsonata_adapter``
and ``app.asl.intrinsics``); a check here is a parse there.
"""

from __future__ import annotations

import re
from typing import Any

from app.asl import intrinsics, jsonata_adapter
from app.asl.validation.diagnostics import INVALID_JSONATA_EXPRESSION, Report, child, item
from app.asl.validation.paths import is_valid_path

_JSONATA_CODE_PREFIX = re.compile(r"^[A-Z]\d{4}: ")
_INTRINSIC_PREFIX = "States."


def is_jsonata(value: Any) -> bool:
    """Whether ``value`` is a ``{% ... %}`` JSONata expression string."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}") and len(value) >= 4


def jsonata_error(expression: str) -> str | None:
    """The parser's message for a ``{% %}`` expression that does not parse, else None.

    AWS strips JSONata's own error code (``S0207: ``) from the message; so do we.
    """
    message = jsonata_adapter.check_syntax(expression[2:-2])
    return None if message is None else _JSONATA_CODE_PREFIX.sub("", message)


def intrinsic_error(text: str) -> str | None:
    """Why an intrinsic function call does not parse or names an unknown function, else None.

    AWS's message for a bad call is the same for every mistake; this one names it.
    """
    try:
        intrinsics.parse_intrinsic(text)
    except intrinsics.IntrinsicSyntaxError as error:
        return str(error)
    return None


def dynamic_value_error(value: Any) -> str | None:
    """None for a valid JSONPath or intrinsic function call; else why not ("" when nothing more is known)."""
    if isinstance(value, str) and value.startswith(_INTRINSIC_PREFIX):
        return intrinsic_error(value)
    return None if isinstance(value, str) and is_valid_path(value) else ""


def check_template(report: Report, value: Any, location: str) -> None:
    """Check every ``.$`` key of a JSONPath payload template (Parameters, Assign, ...)."""
    if isinstance(value, dict):
        for key, member in value.items():
            where = child(location, key)
            error = dynamic_value_error(member) if key.endswith(".$") else None
            if error is not None:
                report.schema(
                    f"The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call",
                    where,
                    hint=error,
                )
            check_template(report, member, where)
    elif isinstance(value, list):
        for index, member in enumerate(value):
            check_template(report, member, item(location, index))


def check_jsonata(report: Report, value: Any, location: str) -> None:
    """Check the syntax of every ``{% %}`` expression anywhere inside a JSONata state's value."""
    if is_jsonata(value):
        message = jsonata_error(value)
        if message is not None:
            report.error(INVALID_JSONATA_EXPRESSION, message, location)
    elif isinstance(value, dict):
        for key, member in value.items():
            check_jsonata(report, member, child(location, key))
    elif isinstance(value, list):
        for index, member in enumerate(value):
            check_jsonata(report, member, item(location, index))
