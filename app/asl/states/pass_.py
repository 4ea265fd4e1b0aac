"""The Pass state: passes its input (or a fixed ``Result``) to its output."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.asl.states.base import MISSING, StateSpec, common_fields


@dataclass(frozen=True)
class PassSpec(StateSpec):
    result: Any = MISSING


def parse(name: str, raw: Mapping[str, Any], machine_language: str) -> PassSpec:
    return PassSpec(**common_fields(name, raw, machine_language), result=raw.get("Result", MISSING))
