"""Choice rules: one comparison (or And/Or/Not, or a JSONata Condition) per rule, Next on top only."""

from __future__ import annotations

import re
from typing import Any

from app.asl.validation.diagnostics import Report, child, item
from app.asl.validation.fields import check_kind, check_language, check_unknown
from app.asl.validation.paths import reference_path_error
from app.asl.validation.schema import JSONATA, Kind

_TYPED_OPERATORS: dict[str, Kind] = {
    **{f"String{op}": Kind.STRING for op in ("Equals", "LessThan", "GreaterThan")},
    **{f"String{op}": Kind.STRING for op in ("LessThanEquals", "GreaterThanEquals", "Matches")},
    **{f"Numeric{op}": Kind.NUMBER for op in ("Equals", "LessThan", "GreaterThan")},
    **{f"Numeric{op}": Kind.NUMBER for op in ("LessThanEquals", "GreaterThanEquals")},
    "BooleanEquals": Kind.BOOLEAN,
    **{f"Timestamp{op}": Kind.STRING for op in ("Equals", "LessThan", "GreaterThan")},
    **{f"Timestamp{op}": Kind.STRING for op in ("LessThanEquals", "GreaterThanEquals")},
    **{f"Is{test}": Kind.BOOLEAN for test in ("Null", "Present", "Numeric", "String", "Boolean")},
    "IsTimestamp": Kind.BOOLEAN,
}
#: Every comparison operator, in AWS's order: each literal one followed by its ``Path`` form.
OPERATORS: tuple[str, ...] = tuple(
    name
    for op in _TYPED_OPERATORS
    for name in ((op,) if op.startswith("Is") or op == "StringMatches" else (op, f"{op}Path"))
)
_COMBINATORS = ("And", "Or", "Not")
_SELECTORS = ("And", "Or", "Not", "Variable", "Condition")
_SELECTOR_LIST = ", ".join(_SELECTORS)
_RULE_FIELDS = frozenset({*OPERATORS, *_SELECTORS, "Next", "Comment", "Assign", "Output"})
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def is_timestamp(text: str) -> bool:
    """Whether ``text`` is an RFC 3339 timestamp with an uppercase ``T`` (and ``Z`` or offset)."""
    return _RFC3339.match(text) is not None


def check_choices(report: Report, state: dict[str, Any], location: str, language: str) -> None:
    """Check a Choice state's ``Choices`` array and every rule in it."""
    where = child(location, "Choices")
    choices: Any = state.get("Choices")
    if "Choices" not in state or not check_kind(report, choices, Kind.ARRAY, where):
        return
    if not choices:
        report.schema("Value cannot be empty", where)
    for index, rule in enumerate(choices):
        _check_rule(report, rule, item(where, index), language, top=True)


def _check_rule(report: Report, rule: Any, location: str, language: str, *, top: bool) -> None:
    if not check_kind(report, rule, Kind.OBJECT, location):
        return
    allowed = _RULE_FIELDS if top else _RULE_FIELDS - {"Next", "Assign", "Output"}
    check_unknown(report, rule, allowed, location)
    check_language(report, rule, language, location)
    if top and "Next" not in rule:
        report.schema("These fields are required: [Next]", location)
    if top and "Next" in rule:
        check_kind(report, rule["Next"], Kind.STRING, child(location, "Next"))
    selectors = [name for name in _SELECTORS if name in rule]
    if len(selectors) != 1:
        report.schema(f"The object must have only one of the following fields, [{', '.join(_SELECTORS)}]", location)
    if language == JSONATA:
        return
    if "Variable" in rule:
        _check_comparison(report, rule, location)
    for name in _COMBINATORS:
        if name in rule:
            _check_combinator(report, name, rule[name], child(location, name), language)


def _check_combinator(report: Report, name: str, value: Any, location: str, language: str) -> None:
    if name == "Not":
        _check_rule(report, value, location, language, top=False)
        return
    if not check_kind(report, value, Kind.ARRAY, location):
        return
    if not value:
        report.schema("Value cannot be empty", location)
    for index, nested in enumerate(value):
        _check_rule(report, nested, item(location, index), language, top=False)


def _check_comparison(report: Report, rule: dict[str, Any], location: str) -> None:
    _check_reference(report, rule["Variable"], child(location, "Variable"))
    present = [name for name in OPERATORS if name in rule]
    listed = ", ".join(OPERATORS)
    if not present:
        report.schema(f"This object should have only one of the following fields: [{listed}]", location)
    elif len(present) > 1:
        report.schema(f"There should only be one of the following fields: [{listed}]", location)
    for name in present:
        _check_operand(report, name, rule[name], child(location, name))


def _check_operand(report: Report, name: str, value: Any, location: str) -> None:
    if name.endswith("Path"):
        _check_reference(report, value, location)
        return
    if not check_kind(report, value, _TYPED_OPERATORS[name], location):
        return
    if name.startswith("Timestamp") and not is_timestamp(value):
        report.schema("String does not match RFC3339 timestamp", location)


def _check_reference(report: Report, value: Any, location: str) -> None:
    if not check_kind(report, value, Kind.STRING, location):
        return
    message = reference_path_error(value, single=False)
    if message is not None:
        report.schema(message, location)
