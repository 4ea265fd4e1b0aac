"""The Task state: hands work to an integration and waits for its result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.asl.resources import Resource, parse_resource
from app.asl.states.base import MISSING, StateSpec, common_fields


@dataclass(frozen=True)
class TaskSpec(StateSpec):
    resource: Resource | None = None
    timeout_seconds: Any = MISSING
    timeout_seconds_path: str | None = None
    heartbeat_seconds: Any = MISSING
    heartbeat_seconds_path: str | None = None
    credentials: Any = MISSING


def parse(name: str, raw: Mapping[str, Any], machine_language: str) -> TaskSpec:
    return TaskSpec(
        **common_fields(name, raw, machine_language),
        resource=parse_resource(raw["Resource"]),
        timeout_seconds=raw.get("TimeoutSeconds", MISSING),
        timeout_seconds_path=raw.get("TimeoutSecondsPath"),
        heartbeat_seconds=raw.get("HeartbeatSeconds", MISSING),
        heartbeat_seconds_path=raw.get("HeartbeatSecondsPath"),
        credentials=raw.get("Credentials", MISSING),
    )
