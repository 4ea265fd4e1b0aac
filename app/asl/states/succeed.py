"""The Succeed state: ends the execution (or a branch) successfully with its input as output."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.asl.states.base import StateKind, StateSpec, SubMachineParser, common_fields
from app.asl.validation.schema import IO_FIELDS


@dataclass(frozen=True)
class SucceedSpec(StateSpec):
    pass


def parse(name: str, raw: Mapping[str, Any], machine_language: str, sub: SubMachineParser) -> SucceedSpec:
    return SucceedSpec(**common_fields(name, raw, machine_language))


KIND = StateKind("Succeed", SucceedSpec, parse, fields=IO_FIELDS)
