"""The Wait state: holds the execution for a number of seconds or until a timestamp."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.asl.states.base import MISSING, StateKind, StateSpec, SubMachineParser, common_fields
from app.asl.validation.choice import is_timestamp
from app.asl.validation.diagnostics import child
from app.asl.validation.expressions import is_jsonata
from app.asl.validation.schema import FLOW_FIELDS, IO_FIELDS

if TYPE_CHECKING:
    from app.asl.validation.states import Walk


@dataclass(frozen=True)
class WaitSpec(StateSpec):
    seconds: Any = MISSING
    timestamp: Any = MISSING
    seconds_path: str | None = None
    timestamp_path: str | None = None


def parse(name: str, raw: Mapping[str, Any], machine_language: str, sub: SubMachineParser) -> WaitSpec:
    return WaitSpec(
        **common_fields(name, raw, machine_language),
        seconds=raw.get("Seconds", MISSING),
        timestamp=raw.get("Timestamp", MISSING),
        seconds_path=raw.get("SecondsPath"),
        timestamp_path=raw.get("TimestampPath"),
    )


def check(walk: Walk, state: dict[str, Any], location: str, language: str, depth: int) -> None:
    timestamp = state.get("Timestamp")
    if isinstance(timestamp, str) and not is_jsonata(timestamp) and not is_timestamp(timestamp):
        walk.report.schema("String does not match RFC3339 timestamp", child(location, "Timestamp"))


KIND = StateKind(
    "Wait",
    WaitSpec,
    parse,
    fields=IO_FIELDS | FLOW_FIELDS | {"Seconds", "SecondsPath", "Timestamp", "TimestampPath"},
    exactly_one=("SecondsPath", "Seconds", "TimestampPath", "Timestamp"),
    transitions=True,
    check=check,
)
