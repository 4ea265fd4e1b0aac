"""Retry and Catch: retriers and catchers, their error lists and their numbers."""

from __future__ import annotations

from typing import Any

from app.asl.validation import schema
from app.asl.validation.diagnostics import Report, child, item
from app.asl.validation.expressions import check_template
from app.asl.validation.fields import (
    check_kind,
    check_language,
    check_required,
    check_result_path,
    check_unknown,
    check_values,
)
from app.asl.validation.schema import JSONPATH, Kind

_ALL = "States.ALL"
_ALL_LAST_AND_ALONE = "States.ALL must appear alone and at end of list"


def check_retry(report: Report, value: Any, location: str) -> None:
    """Check a ``Retry`` array."""
    if not check_kind(report, value, Kind.ARRAY, location):
        return
    for index, retrier in enumerate(value):
        where = item(location, index)
        if not check_kind(report, retrier, Kind.OBJECT, where):
            continue
        check_unknown(report, retrier, schema.RETRIER_FIELDS, where)
        check_required(report, retrier, ("ErrorEquals",), where)
        check_values(report, retrier, where, JSONPATH, schema.RETRY_NUMBERS)
        _check_error_equals(report, retrier, where, last=index == len(value) - 1)


def check_catch(report: Report, value: Any, location: str, language: str) -> None:
    """Check a ``Catch`` array; its ``Next`` targets are checked with the other transitions."""
    if not check_kind(report, value, Kind.ARRAY, location):
        return
    for index, catcher in enumerate(value):
        where = item(location, index)
        if not check_kind(report, catcher, Kind.OBJECT, where):
            continue
        check_unknown(report, catcher, schema.CATCHER_FIELDS, where)
        check_required(report, catcher, schema.CATCHER_REQUIRED, where)
        check_language(report, catcher, language, where)
        _check_catcher_values(report, catcher, where, language)
        _check_error_equals(report, catcher, where, last=index == len(value) - 1)


def _check_catcher_values(report: Report, catcher: dict[str, Any], location: str, language: str) -> None:
    if "Next" in catcher:
        check_kind(report, catcher["Next"], Kind.STRING, child(location, "Next"))
    if "ResultPath" in catcher and language == JSONPATH:
        check_result_path(report, catcher["ResultPath"], child(location, "ResultPath"))
    assign = child(location, "Assign")
    if "Assign" in catcher and check_kind(report, catcher["Assign"], Kind.OBJECT, assign) and language == JSONPATH:
        check_template(report, catcher["Assign"], assign)


def _check_error_equals(report: Report, handler: dict[str, Any], location: str, *, last: bool) -> None:
    """``ErrorEquals``: non-empty strings; ``States.ALL`` only alone, in the last handler."""
    where = child(location, "ErrorEquals")
    errors: Any = handler.get("ErrorEquals")
    if "ErrorEquals" not in handler or not check_kind(report, errors, Kind.ARRAY, where):
        return
    if not errors:
        report.schema("Value cannot be empty", where)
    for index, name in enumerate(errors):
        check_kind(report, name, Kind.STRING, item(where, index))
    if _ALL in errors and (len(errors) > 1 or not last):
        report.schema(_ALL_LAST_AND_ALONE, where)
