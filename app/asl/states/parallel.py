"""The Parallel state: runs each branch on the same input and collects their outputs in order."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.asl.states.base import StateSpec, common_fields

if TYPE_CHECKING:
    from app.asl.model import SubMachine

SubMachineParser = Callable[[Mapping[str, Any], str], "SubMachine"]


@dataclass(frozen=True)
class ParallelSpec(StateSpec):
    branches: tuple[SubMachine, ...] = ()


def parse(name: str, raw: Mapping[str, Any], machine_language: str, sub: SubMachineParser) -> ParallelSpec:
    return ParallelSpec(
        **common_fields(name, raw, machine_language),
        branches=tuple(sub(branch, machine_language) for branch in raw["Branches"]),
    )
