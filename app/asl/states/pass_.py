"""The Pass state: passes its input (or a fixed ``Result``) to its output."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.asl.states.base import MISSING, StateKind, StateSpec, SubMachineParser, common_fields
from app.asl.validation.schema import FLOW_FIELDS, IO_FIELDS


@dataclass(frozen=True)
class PassSpec(StateSpec):
    result: Any = MISSING


def parse(name: str, raw: Mapping[str, Any], machine_language: str, sub: SubMachineParser) -> PassSpec:
    return PassSpec(**common_fields(name, raw, machine_language), result=raw.get("Result", MISSING))


KIND = StateKind(
    "Pass",
    PassSpec,
    parse,
    fields=IO_FIELDS | FLOW_FIELDS | {"Parameters", "Result", "ResultPath"},
    transitions=True,
)
