"""A parsed state machine: the typed, frozen form the engine runs."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.asl.states import fail, pass_, succeed, wait
from app.asl.states.base import JSONPATH, StateSpec, common_fields

StateParser = Callable[[str, Mapping[str, Any], str], StateSpec]

STATE_PARSERS: dict[str, StateParser] = {
    "Pass": pass_.parse,
    "Wait": wait.parse,
    "Fail": fail.parse,
    "Succeed": succeed.parse,
}


@dataclass(frozen=True)
class StateMachineModel:
    """A whole definition: where to start, every state by name, and the machine-wide settings."""

    start_at: str
    states: Mapping[str, StateSpec]
    query_language: str = JSONPATH
    timeout_seconds: int | None = None
    comment: str | None = None


def parse_definition(definition: str | Mapping[str, Any]) -> StateMachineModel:
    """Build the model of a definition that validation has already accepted."""
    raw: Mapping[str, Any] = json.loads(definition) if isinstance(definition, str) else definition
    language = raw.get("QueryLanguage", JSONPATH)
    states = {name: _parse_state(name, body, language) for name, body in raw["States"].items()}
    return StateMachineModel(
        start_at=raw["StartAt"],
        states=states,
        query_language=language,
        timeout_seconds=raw.get("TimeoutSeconds"),
        comment=raw.get("Comment"),
    )


def _parse_state(name: str, raw: Mapping[str, Any], language: str) -> StateSpec:
    parser = STATE_PARSERS.get(raw["Type"])
    if parser is None:
        return StateSpec(**common_fields(name, raw, language))
    return parser(name, raw, language)
