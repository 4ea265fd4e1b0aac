"""Generic field checks driven by the tables in ``schema``: presence, exclusivity, kinds, ranges.

Every function takes the object being checked and its location, and reports what it finds;
none of them stops the walk, so one pass reports every problem of a definition at once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from app.asl.validation import schema
from app.asl.validation.diagnostics import Report, child
from app.asl.validation.expressions import check_template, dynamic_value_error, is_jsonata
from app.asl.validation.paths import is_valid_path, reference_path_error
from app.asl.validation.schema import JSONATA, JSONPATH, Kind, Number

#: Path fields that may hold an intrinsic function call instead of a path.
_INTRINSIC_PATHS = frozenset({"ErrorPath", "CausePath"})


def check_unknown(report: Report, obj: Mapping[str, Any], allowed: Collection[str], location: str) -> None:
    """Report every member the object's type does not define."""
    for key in obj:
        if key not in allowed:
            report.schema(f"Field '{key}' is not supported", location)


def check_required(report: Report, obj: Mapping[str, Any], required: tuple[str, ...], location: str) -> None:
    """Report the missing required members, all in one diagnostic as AWS does."""
    missing = [name for name in required if name not in obj]
    if missing:
        report.schema(f"These fields are required: [{', '.join(missing)}]", location)


def check_exclusive(report: Report, obj: Mapping[str, Any], location: str) -> None:
    """Report a value given both literally and as a ``...Path`` (and similar pairs)."""
    for group in schema.EXCLUSIVE:
        present = [name for name in group if name in obj]
        if len(present) > 1:
            report.schema(
                f"There should only be one of the following fields: [{', '.join(group)}]",
                child(location, present[0]),
            )


def check_exactly_one(report: Report, obj: Mapping[str, Any], group: tuple[str, ...], location: str) -> None:
    """Report when not exactly one member of ``group`` is present (End counts only when true)."""
    present = [name for name in group if name in obj and obj[name] is not False]
    listed = ", ".join(group)
    if len(present) > 1:
        report.schema(f"There should only be one of the following fields: [{listed}]", location)
    elif not present:
        report.schema(f"This object should have only one of the following fields: [{listed}]", location)


def check_language(report: Report, obj: Mapping[str, Any], language: str, location: str) -> None:
    """Report fields of the other query language.

    AWS locates a JSONPath-only field at the field, a JSONata-only field at the object.
    """
    if language == JSONATA:
        for name in obj:
            if name in schema.JSONPATH_ONLY:
                report.schema(_wrong_language(JSONATA, name, JSONPATH), child(location, name))
        return
    for name in obj:
        if name in schema.JSONATA_ONLY:
            report.schema(_wrong_language(JSONPATH, name, JSONATA), location)


def _wrong_language(language: str, name: str, other: str) -> str:
    return (
        f"The QueryLanguage is set to '{language}', but field '{name}' is only supported "
        f"for the '{other}' QueryLanguage"
    )


def kind_matches(value: Any, kind: Kind) -> bool:
    """Whether a JSON value is of the kind (booleans are not numbers)."""
    checks: dict[Kind, bool] = {
        Kind.STRING: isinstance(value, str),
        Kind.INTEGER: isinstance(value, int) and not isinstance(value, bool),
        Kind.NUMBER: isinstance(value, int | float) and not isinstance(value, bool),
        Kind.BOOLEAN: isinstance(value, bool),
        Kind.OBJECT: isinstance(value, dict),
        Kind.ARRAY: isinstance(value, list),
        Kind.ANY: True,
    }
    return checks[kind]


def check_kind(report: Report, value: Any, kind: Kind, location: str, language: str = JSONPATH) -> bool:
    """Report a value of the wrong kind; a JSONata state may use an expression anywhere."""
    if kind_matches(value, kind) or (language == JSONATA and is_jsonata(value)):
        return True
    report.schema(f"Expected value of type {kind.value}", location)
    return False


def _bound(value: float, kind: Kind) -> str:
    """A bound written as AWS writes it: ``0`` for integers, ``0.0`` for decimals."""
    return str(int(value)) if kind is Kind.INTEGER else str(float(value))


def check_number(report: Report, value: Any, spec: Number, location: str, language: str) -> None:
    """Report a numeric field of the wrong kind or out of its range."""
    if not check_kind(report, value, spec.kind, location, language) or isinstance(value, str):
        return
    if spec.minimum is not None and value < spec.minimum:
        report.schema(f"Minimum value is {_bound(spec.minimum, spec.kind)}", location)
    if spec.maximum is not None and value > spec.maximum:
        report.schema(f"Maximum value is {_bound(spec.maximum, spec.kind)}", location)


def check_enum(report: Report, value: Any, allowed: tuple[str, ...], location: str) -> None:
    """Report a value outside an enumeration."""
    if value not in allowed:
        report.schema(f"Value should be one of the following: [{', '.join(allowed)}]", location)


def check_path(report: Report, name: str, value: Any, location: str) -> None:
    """Report a ``...Path`` field that is not a JSONPath (or, where allowed, an intrinsic call)."""
    if value is None and name in schema.NULLABLE_PATHS:
        return
    if name in _INTRINSIC_PATHS:
        error = dynamic_value_error(value)
    else:
        error = None if isinstance(value, str) and is_valid_path(value) else ""
    if error is not None:
        report.schema(f"The value for the field '{name}' must be a valid JSONPath", location, hint=error)


def check_result_path(report: Report, value: Any, location: str) -> None:
    """Report a ``ResultPath`` that is neither null nor a writable Reference Path."""
    if value is None:
        return
    message = reference_path_error(value, writable=True) if isinstance(value, str) else None
    if not isinstance(value, str):
        message = "Expected value of type String"
    if message is not None:
        report.schema(message, location)


def check_values(
    report: Report,
    obj: Mapping[str, Any],
    location: str,
    language: str,
    numbers: Mapping[str, Number] = schema.NUMBERS,
) -> None:
    """Check the value of every member the tables describe."""
    for name, value in obj.items():
        where = child(location, name)
        if name in numbers:
            check_number(report, value, numbers[name], where, language)
        elif name in schema.STRINGS:
            check_kind(report, value, Kind.STRING, where)
        elif name in schema.BOOLEANS:
            check_kind(report, value, Kind.BOOLEAN, where)
        elif name in schema.OBJECTS:
            check_kind(report, value, Kind.OBJECT, where, language)
        elif name in schema.ENUMS and check_kind(report, value, Kind.STRING, where):
            check_enum(report, value, schema.ENUMS[name], where)
        elif name == "ResultPath" and language == JSONPATH:
            check_result_path(report, value, where)
        elif name in schema.PATHS and language == JSONPATH:
            check_path(report, name, value, where)
        if name in schema.TEMPLATES and language == JSONPATH:
            check_template(report, value, where)


def check_nested(report: Report, key: str, value: Any, parent: str, language: str) -> None:
    """Check a small configuration object of a state (ItemReader, ProcessorConfig, ...)."""
    location = child(parent, key)
    if not check_kind(report, value, Kind.OBJECT, location):
        return
    check_unknown(report, value, schema.NESTED_FIELDS[key], location)
    check_required(report, value, schema.NESTED_REQUIRED.get(key, ()), location)
    check_exclusive(report, value, location)
    check_values(report, value, location, language)
    for config in ("ReaderConfig", "WriterConfig"):
        if isinstance(value.get(config), dict):
            check_nested(report, config, value[config], location, language)
