"""The walk over a machine: its ``States`` blocks, each state, and the sub-machines inside.

A state's own fields follow its own ``QueryLanguage``; the states inside a Parallel branch or a
Map processor inherit the machine's top-level language, not the enclosing state's (measured
on AWS). State names share one namespace across the whole machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.asl.states import KINDS
from app.asl.validation import schema
from app.asl.validation.diagnostics import (
    DUPLICATE_STATE_NAME,
    INVALID_STATE_NAME,
    TOO_DEEPLY_NESTED,
    Report,
    child,
)
from app.asl.validation.expressions import check_jsonata
from app.asl.validation.fields import (
    check_enum,
    check_exactly_one,
    check_exclusive,
    check_kind,
    check_language,
    check_nested,
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

    def check_machine(self, machine: Any, location: str, allowed: frozenset[str], depth: int) -> None:
        """Check a sub-machine (a Parallel branch, a Map's item processor) in the same walk."""
        check_machine(self, machine, location, allowed, depth)


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
        check_nested(walk.report, "ProcessorConfig", machine["ProcessorConfig"], location, JSONPATH)
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
    kind = KINDS.get(state_type)
    if kind is None:
        check_enum(report, state_type, tuple(KINDS), child(location, "Type"))
        return
    language = _state_language(walk, state, location)
    check_unknown(report, state, kind.fields | schema.COMMON_STATE_FIELDS, location)
    check_required(report, state, kind.required, location)
    if language is not None:
        check_language(report, state, language, location)
    language = language or JSONPATH
    if kind.transitions:
        check_exactly_one(report, state, schema.NEXT_OR_END, location)
    if kind.exactly_one:
        check_exactly_one(report, state, kind.exactly_one, location)
    check_exclusive(report, state, location)
    check_values(report, state, location, language)
    if language == JSONATA:
        for key, value in state.items():
            if key not in _STRUCTURAL:
                check_jsonata(report, value, child(location, key))
    if kind.check is not None:
        kind.check(walk, state, location, language, depth)
    _check_handlers(walk, state, location, language)


def _check_handlers(walk: Walk, state: dict[str, Any], location: str, language: str) -> None:
    if "Retry" in state:
        check_retry(walk.report, state["Retry"], child(location, "Retry"))
    if "Catch" in state:
        check_catch(walk.report, state["Catch"], child(location, "Catch"), language)
        if language == JSONATA:
            check_jsonata(walk.report, state["Catch"], child(location, "Catch"))
