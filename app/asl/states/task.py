"""The Task state: hands work to an integration and waits for its result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.asl.resources import Resource, parse_resource
from app.asl.states.base import MISSING, StateKind, StateSpec, SubMachineParser, common_fields
from app.asl.validation.diagnostics import child
from app.asl.validation.fields import check_nested
from app.asl.validation.schema import FLOW_FIELDS, IO_FIELDS, RESULT_FIELDS

if TYPE_CHECKING:
    from app.asl.validation.states import Walk


@dataclass(frozen=True)
class TaskSpec(StateSpec):
    resource: Resource | None = None
    timeout_seconds: Any = MISSING
    timeout_seconds_path: str | None = None
    heartbeat_seconds: Any = MISSING
    heartbeat_seconds_path: str | None = None
    credentials: Any = MISSING


def parse(name: str, raw: Mapping[str, Any], machine_language: str, sub: SubMachineParser) -> TaskSpec:
    return TaskSpec(
        **common_fields(name, raw, machine_language),
        resource=parse_resource(raw["Resource"]),
        timeout_seconds=raw.get("TimeoutSeconds", MISSING),
        timeout_seconds_path=raw.get("TimeoutSecondsPath"),
        heartbeat_seconds=raw.get("HeartbeatSeconds", MISSING),
        heartbeat_seconds_path=raw.get("HeartbeatSecondsPath"),
        credentials=raw.get("Credentials", MISSING),
    )


def check(walk: Walk, state: dict[str, Any], location: str, language: str, depth: int) -> None:
    resource = state.get("Resource")
    if isinstance(resource, str) and not resource.startswith("arn:"):
        walk.report.schema("Value is not a valid resource ARN", child(location, "Resource"))
    if isinstance(state.get("Credentials"), dict):
        check_nested(walk.report, "Credentials", state["Credentials"], location, language)


KIND = StateKind(
    "Task",
    TaskSpec,
    parse,
    fields=IO_FIELDS
    | FLOW_FIELDS
    | RESULT_FIELDS
    | {"Resource", "Credentials", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath"},
    required=("Resource",),
    transitions=True,
    check=check,
)
