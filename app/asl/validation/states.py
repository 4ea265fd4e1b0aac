"""The walk over a machine: its ``States`` blocks, each state, and the sub-machines inside.

A state's own fields follow its own ``QueryLanguage``; the states inside a Parallel branch or a
Map processor inherit the machine's top-level language, not the enclosing state's (measured
on AWS). State names share one namespace across the whole machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.asl.validation import schema
from app.asl.validation.choice import check_choices, is_timestamp
from app.asl.validation.diagnostics import (
    DUPLICATE_LABEL_NAME,
    DUPLICATE_STATE_NAME,
    INVALID_LABEL_NAME,
    INVALID_STATE_NAME,
    TOO_DEEPLY_NESTED,
    Report,
    child,
    item,
)
from app.asl.validation.expressions import check_jsonata, is_jsonata
from app.asl.validation.fields import (
    check_enum,
    check_exactly_one,
    check_exclusive,
    check_kind,
    check_language,
    check_required,
    check_unknown,
    check_values,
)
from app.asl.validation.graph import check_transitions
from app.asl.validation.handlers import check_catch, check_retry
from app.asl.validation.schema import JSONATA, JSONPATH, Kind

#: Members holding sub-machines or handlers, checked by their own functions, not as values.
_STRUCTURAL = frozenset({"Branches", "ItemProcessor", "Iterator", "Retry", "Catch", "Choices"})
_CONTROL_CHARACTERS = frozenset(chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)))


class Members(dict[str, Any]):
    """A JSON object that remembers the member names it saw more than once."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        seen: set[str] = set()
        self.duplicates: list[str] = []
        for key, _ in pairs:
            if key in seen:
                self.duplicates.append(key)
            seen.add(key)


@dataclass
class Walk:
    """What the walk shares across the whole machine."""

    report: Report
    language: str = JSONPATH
    names: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)


def check_machine(walk: Walk, machine: Any, location: str, allowed: frozenset[str], depth: int) -> None:
    """Check one (sub-)machine: its fields, every state, then its transitions."""
    if depth > schema.MAX_NESTING_DEPTH:
        walk.report.error(TOO_DEEPLY_NESTED, "The states are too deeply nested", location)
        return
    if not check_kind(walk.report, machine, Kind.OBJECT, location):
        return
    check_unknown(walk.report, machine, allowed, location)
    check_required(walk.report, machine, schema.MACHINE_REQUIRED, location)
    for name in ("StartAt", "Comment"):
        if name in machine:
            check_kind(walk.report, machine[name], Kind.STRING, child(location, name))
    if "ProcessorConfig" in machine:
        _check_nested(walk.report, "ProcessorConfig", machine["ProcessorConfig"], location, JSONPATH)
    states = machine.get("States")
    states_location = child(location, "States")
    if "States" not in machine or not check_kind(walk.report, states, Kind.OBJECT, states_location):
        return
    if not states:
        walk.report.schema("Value cannot be empty", states_location)
    for name in getattr(states, "duplicates", []):
        walk.report.error(DUPLICATE_STATE_NAME, f"Duplicate State name: {name}", child(states_location, name))
    for name, state in states.items():
        _check_state(walk, name, state, child(states_location, name), depth)
    check_transitions(walk.report, machine, location, top=depth == 0)


def _check_name(walk: Walk, name: str, location: str) -> None:
    if len(name) > schema.MAX_STATE_NAME_LENGTH:
        walk.report.error(
            INVALID_STATE_NAME,
            "Invalid State name: State exceeds the 80-character limit allowed by the service",
            location,
        )
    if not name or _CONTROL_CHARACTERS.intersection(name):
        walk.report.error(INVALID_STATE_NAME, f"Invalid State name: {name!r}", location)
    if name in walk.names:
        walk.report.error(DUPLICATE_STATE_NAME, f"Duplicate State name: {name}", location)
    walk.names.add(name)


def _state_language(walk: Walk, state: dict[str, Any], location: str) -> str | None:
    """The state's query language; None when it is a forbidden JSONPath-in-JSONata downgrade."""
    declared = state.get("QueryLanguage", walk.language)
    if declared not in schema.QUERY_LANGUAGES:
        check_enum(walk.report, declared, schema.QUERY_LANGUAGES, child(location, "QueryLanguage"))
        return walk.language
    if walk.language == JSONATA and declared == JSONPATH:
        walk.report.schema(
            "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", location
        )
        return None
    return str(declared)


def _check_state(walk: Walk, name: str, state: Any, location: str, depth: int) -> None:
    _check_name(walk, name, location)
    report = walk.report
    if not check_kind(report, state, Kind.OBJECT, location):
        return
    check_required(report, state, ("Type",), location)
    state_type = state.get("Type")
    if "Type" not in state or not check_kind(report, state_type, Kind.STRING, child(location, "Type")):
        return
    if state_type not in schema.STATE_TYPES:
        check_enum(report, state_type, schema.STATE_TYPES, child(location, "Type"))
        return
    language = _state_language(walk, state, location)
    check_unknown(report, state, schema.STATE_FIELDS[state_type] | schema.COMMON_STATE_FIELDS, location)
    check_required(report, state, schema.REQUIRED_STATE_FIELDS.get(state_type, ()), location)
    if language is not None:
        check_language(report, state, language, location)
    language = language or JSONPATH
    if state_type in schema.TRANSITIONING_TYPES:
        check_exactly_one(report, state, schema.NEXT_OR_END, location)
    if state_type in schema.EXACTLY_ONE:
        check_exactly_one(report, state, schema.EXACTLY_ONE[state_type], location)
    check_exclusive(report, state, location)
    check_values(report, state, location, language)
    if language == JSONATA:
        for key, value in state.items():
            if key not in _STRUCTURAL:
                check_jsonata(report, value, child(location, key))
    _TYPE_CHECKS.get(state_type, _no_check)(walk, state, location, language, depth)
    _check_handlers(walk, state, location, language)


def _check_handlers(walk: Walk, state: dict[str, Any], location: str, language: str) -> None:
    if "Retry" in state:
        check_retry(walk.report, state["Retry"], child(location, "Retry"))
    if "Catch" in state:
        check_catch(walk.report, state["Catch"], child(location, "Catch"), language)
        if language == JSONATA:
            check_jsonata(walk.report, state["Catch"], child(location, "Catch"))


def _no_check(walk: Walk, state: dict[str, Any], location: str, language: str, depth: int) -> None:
    """State types with nothing beyond the table-driven checks."""


def _check_task(walk: Walk, state: dict[str, Any], location: str, language: str, depth: int) -> None:
    resource = state.get("Resource")
    if isinstance(resource, str) and not resource.startswith("arn:"):
        walk.report.schema("Value is not a valid resource ARN", child(location, "Resource"))
    if isinstance(state.get("Credentials"), dict):
        _check_nested(walk.report, "Credentials", state["Credentials"], location, language)


def _check_wait(walk: Walk, state: dict[str, Any], location: str, language: str, depth: int) -> None:
    timestamp = state.get("Timestamp")
    if isinstance(timestamp, str) and not is_jsonata(timestamp) and not is_timestamp(timestamp):
        walk.report.schema("String does not match RFC3339 timestamp", child(location, "Timestamp"))


def _check_choice(walk: Walk, state: dict[str, Any], location: str, language: str, depth: int) -> None:
    check_choices(walk.report, state, location, language)
    if language == JSONATA and isinstance(state.get("Choices"), list):
        check_jsonata(walk.report, state["Choices"], child(location, "Choices"))


def _check_parallel(walk: Walk, state: dict[str, Any], location: str, language: str, depth: int) -> None:
    where = child(location, "Branches")
    branches: Any = state.get("Branches")
    if "Branches" not in state or not check_kind(walk.report, branches, Kind.ARRAY, where):
        return
    if not branches:
        walk.report.schema("Value cannot be empty", where)
    for index, branch in enumerate(branches):
        check_machine(walk, branch, item(where, index), schema.BRANCH_FIELDS, depth + 1)


def _check_map(walk: Walk, state: dict[str, Any], location: str, language: str, depth: int) -> None:
    for key in ("ItemProcessor", "Iterator"):
        if key in state:
            check_machine(walk, state[key], child(location, key), schema.PROCESSOR_FIELDS, depth + 1)
    for key in ("ItemReader", "ItemBatcher", "ResultWriter"):
        if isinstance(state.get(key), dict):
            _check_nested(walk.report, key, state[key], location, language)
    label = state.get("Label")
    if isinstance(label, str):
        _check_label(walk, label, child(location, "Label"))


def _check_label(walk: Walk, label: str, location: str) -> None:
    if len(label) > schema.MAX_LABEL_LENGTH:
        walk.report.error(
            INVALID_LABEL_NAME,
            "Invalid Label name: Label exceeds the 40-character limit allowed by the service",
            location,
        )
    if label in walk.labels:
        walk.report.error(DUPLICATE_LABEL_NAME, f"Duplicate Label name: {label}", location)
    walk.labels.add(label)


def _check_nested(report: Report, key: str, value: Any, parent: str, language: str) -> None:
    """Check a small configuration object of a state (ItemReader, ProcessorConfig, ...)."""
    location = child(parent, key)
    if not check_kind(report, value, Kind.OBJECT, location):
        return
    check_unknown(report, value, schema.NESTED_FIELDS[key], location)
    check_required(report, value, schema.NESTED_REQUIRED.get(key, ()), location)
    check_exclusive(report, value, location)
    check_values(report, value, location, language)
    if isinstance(value.get("ReaderConfig"), dict):
        _check_nested(report, "ReaderConfig", value["ReaderConfig"], location, language)


_TYPE_CHECKS: dict[str, Callable[[Walk, dict[str, Any], str, str, int], None]] = {
    "Task": _check_task,
    "Wait": _check_wait,
    "Choice": _check_choice,
    "Parallel": _check_parallel,
    "Map": _check_map,
}
