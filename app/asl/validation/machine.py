"""Entry points: parse a definition's text and validate the whole machine."""

from __future__ import annotations

from typing import Any

from app.asl.validation import schema
from app.asl.validation.diagnostics import (
    INVALID_JSON_DESCRIPTION,
    MISSING_DESCRIPTION,
    Diagnostic,
    Report,
    child,
)
from app.asl.validation.express import check_express
from app.asl.validation.fields import check_enum, check_values
from app.asl.validation.schema import JSONPATH
from app.asl.validation.states import Members, Walk, check_machine
from app.codec import JSONDecodeError, loads_members


def _parse(text: str, report: Report) -> Any:
    """The parsed definition, or None after reporting why it is not JSON."""
    if not text.strip() or text.strip() == "null":
        report.error(MISSING_DESCRIPTION, "Received a null or empty workflow input.", "")
        return None
    try:
        return loads_members(text, Members, refuse_constants=False)
    except JSONDecodeError as exc:
        report.error(INVALID_JSON_DESCRIPTION, f"{exc.msg} at line {exc.lineno} column {exc.colno}", "")
    except RecursionError:
        report.error(INVALID_JSON_DESCRIPTION, "JSON nesting is too deep", "")
    return None


def _machine_language(definition: Any, report: Report) -> str:
    """The top-level ``QueryLanguage`` (JSONPath when absent or invalid)."""
    if not isinstance(definition, dict) or "QueryLanguage" not in definition:
        return JSONPATH
    language = definition["QueryLanguage"]
    if language not in schema.QUERY_LANGUAGES:
        check_enum(report, language, schema.QUERY_LANGUAGES, child("", "QueryLanguage"))
        return JSONPATH
    return str(language)


def validate_definition(text: str, machine_type: str = "STANDARD", *, explain: bool = False) -> list[Diagnostic]:
    """Every diagnostic AWS would report for this definition text; no ERROR means it is valid.

    ``machine_type`` EXPRESS also refuses what Express workflows cannot run. ``explain`` adds
    the hints a person needs and the API never shows (see ``Report``).
    """
    report = Report(explain=explain)
    definition = _parse(text, report)
    if report.items:
        return report.items
    walk = Walk(report, _machine_language(definition, report))
    check_machine(walk, definition, "", schema.TOP_LEVEL_FIELDS, depth=0)
    if isinstance(definition, dict):
        _check_top_level_values(report, definition)
    if machine_type == "EXPRESS":
        check_express(report, definition)
    return report.items


def _check_top_level_values(report: Report, definition: dict[str, Any]) -> None:
    if "Version" in definition:
        check_enum(report, definition["Version"], ("1.0",), child("", "Version"))
    numbers = {key: definition[key] for key in schema.TOP_LEVEL_NUMBERS if key in definition}
    check_values(report, numbers, "", JSONPATH, schema.TOP_LEVEL_NUMBERS)
