"""The Fail state: ends the execution as FAILED with an error name and a cause."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.asl.states.base import MISSING, StateKind, StateSpec, SubMachineParser, common_fields


@dataclass(frozen=True)
class FailSpec(StateSpec):
    error: Any = MISSING
    cause: Any = MISSING
    error_path: str | None = None
    cause_path: str | None = None


def parse(name: str, raw: Mapping[str, Any], machine_language: str, sub: SubMachineParser) -> FailSpec:
    return FailSpec(
        **common_fields(name, raw, machine_language),
        error=raw.get("Error", MISSING),
        cause=raw.get("Cause", MISSING),
        error_path=raw.get("ErrorPath"),
        cause_path=raw.get("CausePath"),
    )


KIND = StateKind("Fail", FailSpec, parse, fields=frozenset({"Error", "ErrorPath", "Cause", "CausePath"}))
