"""The Parallel state: runs each branch on the same input and collects their outputs in order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.asl.states.base import StateKind, StateSpec, SubMachineParser, common_fields
from app.asl.validation import schema
from app.asl.validation.diagnostics import child, item
from app.asl.validation.fields import check_kind
from app.asl.validation.schema import FLOW_FIELDS, IO_FIELDS, RESULT_FIELDS, Kind

if TYPE_CHECKING:
    from app.asl.model import SubMachine
    from app.asl.validation.states import Walk


@dataclass(frozen=True)
class ParallelSpec(StateSpec):
    branches: tuple[SubMachine, ...] = ()


def parse(name: str, raw: Mapping[str, Any], machine_language: str, sub: SubMachineParser) -> ParallelSpec:
    return ParallelSpec(
        **common_fields(name, raw, machine_language),
        branches=tuple(sub(branch, machine_language) for branch in raw["Branches"]),
    )


def check(walk: Walk, state: dict[str, Any], location: str, language: str, depth: int) -> None:
    where = child(location, "Branches")
    branches: Any = state.get("Branches")
    if "Branches" not in state or not check_kind(walk.report, branches, Kind.ARRAY, where):
        return
    if not branches:
        walk.report.schema("Value cannot be empty", where)
    for index, branch in enumerate(branches):
        walk.check_machine(branch, item(where, index), schema.BRANCH_FIELDS, depth + 1)


KIND = StateKind(
    "Parallel",
    ParallelSpec,
    parse,
    fields=IO_FIELDS | FLOW_FIELDS | RESULT_FIELDS | {"Branches"},
    required=("Branches",),
    transitions=True,
    check=check,
)
